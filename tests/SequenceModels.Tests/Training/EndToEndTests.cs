using SequenceModels;
using Xunit.Abstractions;

namespace SequenceModels.Tests.Training;

/// <summary>A small tagger, Embedding → Rnn → Dense → log-softmax → masked NLL, checked as a whole.</summary>
public class EndToEndTests(ITestOutputHelper output)
{
    private sealed class Tagger
    {
        private readonly Embedding<double> _embedding;
        private readonly Rnn<double> _rnn;
        private readonly Dense<double> _dense;

        public Tagger(int seed)
        {
            var rng = new Random(seed);
            _embedding = new Embedding<double>(8, 3, rng);
            _rnn = new Rnn<double>(3, 4, rng);
            _dense = new Dense<double>(4, 5, rng);
            Init.Normal<double>(4, 1, 0.3, rng).CopyTo(_rnn.Bh.Value);
            Init.Normal<double>(5, 1, 0.3, rng).CopyTo(_dense.B.Value);
            Parameters = ParameterExtensions.Prefixed<double>(("embedding", _embedding), ("rnn", _rnn), ("dense", _dense));
        }

        public IReadOnlyList<Parameter<double>> Parameters { get; }

        private SequenceBatch<double>? _dLogits;

        /// <summary>Forward to the loss; keeps the loss gradient for <see cref="Backward"/>.</summary>
        public double Loss(TokenBatch words, TokenBatch tags, bool fused)
        {
            var h = _rnn.Forward(_embedding.Forward(words)).Output;
            var z = _dense.Forward(h);
            if (fused)
            {
                (double loss, _dLogits) = Losses.LogSoftmaxNll(z, tags);
                return loss;
            }
            var logProbs = z.With(LogSoftmax.Forward(z.Data));
            var (nll, dLogProbs) = Losses.Nll(logProbs, tags);
            _dLogits = z.With(LogSoftmax.Backward(logProbs.Data, dLogProbs.Data));
            return nll;
        }

        public void Backward()
        {
            var dh = _dense.Backward(_dLogits!);
            var (dx, _) = _rnn.Backward(dh);
            _embedding.Backward(dx);
        }
    }

    private static readonly int[][] Sentences = [[1, 2, 3, 4], [5, 0, 6], [7, 7]];
    private static readonly int[][] Labels = [[0, 1, 2, 3], [4, 4, 0], [1, 2]];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_whole_model_matches_finite_differences_on_a_padded_batch(bool fused)
    {
        var model = new Tagger(1);
        var words = TokenBatch.FromSequences(Sentences);
        var tags = TokenBatch.FromSequences(Labels);
        var report = GradientCheck.Run(model.Parameters, () => model.Loss(words, tags, fused), model.Backward);
        output.WriteLine((fused ? "fused log-softmax + NLL" : "log-softmax, then NLL") + Environment.NewLine + report);
        Assert.True(report.Passed(1e-7), report.ToString());
    }

    [Fact]
    public void Padding_the_batch_differently_leaves_loss_and_gradients_unchanged()
    {
        var model = new Tagger(2);
        var (lossA, gradsA) = LossAndGradients(model, TokenBatch.FromSequences(Sentences), TokenBatch.FromSequences(Labels));
        // Three more steps of padding, with other ids in it (a word id and an out-of-range tag id).
        int steps = 7, m = 3;
        var words = new int[steps * m];
        var tags = new int[steps * m];
        Array.Fill(words, 6);
        Array.Fill(tags, 99);
        for (int b = 0; b < m; b++)
            for (int t = 0; t < Sentences[b].Length; t++)
                (words[t * m + b], tags[t * m + b]) = (Sentences[b][t], Labels[b][t]);
        int[] lengths = [4, 3, 2];
        var (lossB, gradsB) = LossAndGradients(model, new TokenBatch(words, steps, m, lengths, padId: 6),
            new TokenBatch(tags, steps, m, lengths, padId: 99));
        Assert.Equal(lossA, lossB, 14);
        for (int i = 0; i < gradsA.Count; i++)
            Assert.True(Tensor.MaxAbsDifference(gradsA[i], gradsB[i]) < 1e-15, model.Parameters[i].Name);
    }

    private static (double Loss, List<MathNet.Numerics.LinearAlgebra.Matrix<double>> Grads) LossAndGradients(Tagger model,
        TokenBatch words, TokenBatch tags)
    {
        foreach (var p in model.Parameters) p.ZeroGrad();
        double loss = model.Loss(words, tags, fused: true);
        model.Backward();
        return (loss, model.Parameters.Select(p => p.Grad.Clone()).ToList());
    }
}
