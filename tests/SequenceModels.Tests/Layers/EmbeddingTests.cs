using MathNet.Numerics.LinearAlgebra;
using SequenceModels;
using Xunit.Abstractions;

namespace SequenceModels.Tests.Layers;

public class EmbeddingTests(ITestOutputHelper output)
{
    // Two sequences of lengths 3 and 2 (steps 4); id 0 is PAD. Id 4 occurs three times (a scatter-add), the padding
    // id occurs at a real position, and the padding holds garbage ids (even outside the vocabulary).
    private static TokenBatch Tokens() =>
        new([4, 2, 4, 0, 4, 9, 7, -3], steps: 4, batchSize: 2, lengths: [3, 2]);

    [Fact]
    public void Backward_matches_finite_differences()
    {
        var rng = new Random(1);
        var embedding = new Embedding<double>(6, 3, rng);
        var tokens = new TokenBatch([4, 2, 4, 0, 4, 5, 1, 1], steps: 4, batchSize: 2, lengths: [3, 2]);
        var r = Init.Normal<double>(3, 8, 1.0, rng);
        double Loss() => embedding.Forward(tokens).Data.PointwiseMultiply(r).Enumerate().Sum();
        var report = GradientCheck.Run(embedding.Parameters, Loss, () => embedding.Backward(new SequenceBatch<double>(r, 4, 2)));
        output.WriteLine(report.ToString());
        Assert.True(report.Passed(1e-7), report.ToString());
    }

    [Fact]
    public void Each_token_becomes_its_column_and_padding_becomes_zeros()
    {
        var embedding = new Embedding<double>(10, 2, new Random(2));
        for (int w = 1; w < 10; w++) embedding.W.Value.SetColumn(w, [w, -w]);
        var y = embedding.Forward(Tokens());
        // Columns in batch order (t, b) = (0,0), (0,1), (1,0), (1,1), ...: ids 4, 2, 4, 0, 4, pad, pad, pad.
        var expected = Tensor.FromRows<double>([4, 2, 4, 0, 4, 0, 0, 0], [-4, -2, -4, 0, -4, 0, 0, 0]);
        Assert.Equal(expected, y.Data);
        Assert.Equal([3, 2], y.Lengths);
    }

    [Fact]
    public void The_padding_id_has_a_zero_vector_and_receives_no_gradient()
    {
        var embedding = new Embedding<double>(10, 3, new Random(3));
        Assert.All(embedding.W.Value.Column(0), v => Assert.Equal(0.0, v));
        embedding.Forward(Tokens());
        embedding.Backward(new SequenceBatch<double>(Matrix<double>.Build.Dense(3, 8, 1.0), 4, 2));
        Assert.All(embedding.W.Grad.Column(0), g => Assert.Equal(0.0, g));
        // Id 4 at three real positions gets three columns of ones; id 2 one; the ids in the padding none.
        Assert.All(embedding.W.Grad.Column(4), g => Assert.Equal(3.0, g));
        Assert.All(embedding.W.Grad.Column(2), g => Assert.Equal(1.0, g));
        Assert.All(embedding.W.Grad.Column(9), g => Assert.Equal(0.0, g));
        Assert.All(embedding.W.Grad.Column(7), g => Assert.Equal(0.0, g));
        new Adam<double>(0.1).Step(embedding.Parameters);
        Assert.All(embedding.W.Value.Column(0), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Other_garbage_in_the_padding_changes_nothing()
    {
        var embedding = new Embedding<double>(10, 3, new Random(4));
        var dy = Init.Normal<double>(3, 8, 1.0, new Random(5));
        var a = embedding.Forward(Tokens());
        embedding.Backward(new SequenceBatch<double>(dy, 4, 2));
        var gradA = embedding.W.Grad.Clone();
        embedding.ZeroGrad();
        var b = embedding.Forward(new TokenBatch([4, 2, 4, 0, 4, 1, 1, 8], steps: 4, batchSize: 2, lengths: [3, 2]));
        embedding.Backward(new SequenceBatch<double>(dy, 4, 2));
        Assert.Equal(a.Data, b.Data);
        Assert.Equal(gradA, embedding.W.Grad);
    }

    [Fact]
    public void Without_a_padding_index_id_zero_is_an_ordinary_word()
    {
        var embedding = new Embedding<double>(3, 2, new Random(6), paddingIndex: null);
        Assert.NotEqual(0.0, embedding.W.Value.Column(0).L2Norm());
        var y = embedding.Forward(TokenBatch.FromSequences([[0]]));
        Assert.Equal(embedding.W.Value.Column(0), y.Data.Column(0));
    }

    [Fact]
    public void An_id_outside_the_vocabulary_is_rejected_with_its_position()
    {
        var embedding = new Embedding<double>(5, 2, new Random(7));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => embedding.Forward(TokenBatch.FromSequences([[1, 2], [3, 5]])));
        Assert.StartsWith("Token id 5 at step 1 of sequence 1 is outside the vocabulary (0..4).", e.Message);
    }

    [Fact]
    public void A_gradient_of_the_wrong_shape_names_both_shapes()
    {
        var embedding = new Embedding<double>(5, 2, new Random(8));
        embedding.Forward(TokenBatch.FromSequences([[1, 2]]));
        var e = Assert.Throws<ShapeException>(() => embedding.Backward(SequenceBatch<double>.Zeros(3, 2, 1)));
        Assert.Equal("(2 × 2)", e.Expected);
        Assert.Equal("(3 × 2)", e.Actual);
    }
}
