using MathNet.Numerics.LinearAlgebra;
using SequenceModels;
using SequenceModels.Text;
using Xunit.Abstractions;
using Vec = MathNet.Numerics.LinearAlgebra.Vector<double>;

namespace SequenceModels.Tests.Layers;

public class CrfTests(ITestOutputHelper output)
{
    private static (Matrix<double> E, Matrix<double> A, Vec Start, Vec End) RandomCrf(int k, int steps, int seed, double scale = 1.0)
    {
        var rng = new Random(seed);
        return (Init.Normal<double>(k, steps, scale, rng), Init.Normal<double>(k, k, scale, rng),
            Vec.Build.Dense(k, _ => scale * Init.StandardNormal(rng)), Vec.Build.Dense(k, _ => scale * Init.StandardNormal(rng)));
    }

    /// <summary>Every tag sequence of a sentence: K^T of them, the sum the forward algorithm avoids.</summary>
    private static IEnumerable<int[]> AllSequences(int k, int steps)
    {
        var y = new int[steps];
        for (long n = 0; n < (long)Math.Pow(k, steps); n++)
        {
            long rest = n;
            for (int t = 0; t < steps; t++, rest /= k) y[t] = (int)(rest % k);
            yield return (int[])y.Clone();
        }
    }

    [Fact]
    public void Log_partition_is_the_log_of_the_sum_over_every_tag_sequence()
    {
        var (e, a, start, end) = RandomCrf(k: 3, steps: 5, seed: 1);
        double brute = Math.Log(AllSequences(3, 5).Sum(y => Math.Exp(LinearChainCrf.Score(e, a, start, end, y))));
        Assert.Equal(brute, LinearChainCrf.LogPartition(e, a, start, end), 12);
    }

    [Fact]
    public void Log_partition_of_two_tags_two_words_by_hand()
    {
        // E = [1 0; 0 2] (tag × word), A = [0 3; 0 0], start = end = 0. The four sequences score
        // (0,0): 1+0+0 = 1, (0,1): 1+2+3 = 6, (1,0): 0+0+0 = 0, (1,1): 0+2+0 = 2, so Z = e + e⁶ + 1 + e².
        var e = Tensor.FromRows<double>([1, 0], [0, 2]);
        var a = Tensor.FromRows<double>([0, 3], [0, 0]);
        var zero = Vec.Build.Dense(2);
        Assert.Equal(Math.Log(Math.E + Math.Exp(6) + 1 + Math.Exp(2)), LinearChainCrf.LogPartition(e, a, zero, zero), 14);
        var (path, score) = LinearChainCrf.Decode(e, a, zero, zero);
        Assert.Equal([0, 1], path);
        Assert.Equal(6.0, score);
    }

    [Fact]
    public void Marginals_are_the_probability_of_each_tag_summed_over_sequences()
    {
        var (e, a, start, end) = RandomCrf(k: 3, steps: 4, seed: 2);
        double z = AllSequences(3, 4).Sum(y => Math.Exp(LinearChainCrf.Score(e, a, start, end, y)));
        var marginals = LinearChainCrf.Marginals(e, a, start, end);
        for (int t = 0; t < 4; t++)
            for (int j = 0; j < 3; j++)
            {
                double brute = AllSequences(3, 4).Where(y => y[t] == j).Sum(y => Math.Exp(LinearChainCrf.Score(e, a, start, end, y))) / z;
                Assert.Equal(brute, marginals[j, t], 12);
            }
    }

    [Fact]
    public void Viterbi_finds_the_best_sequence_and_respects_constraints()
    {
        var (e, a, start, end) = RandomCrf(k: 3, steps: 5, seed: 3, scale: 2);
        var best = AllSequences(3, 5).MaxBy(y => LinearChainCrf.Score(e, a, start, end, y))!;
        var (path, score) = LinearChainCrf.Decode(e, a, start, end);
        Assert.Equal(best, path);
        Assert.Equal(LinearChainCrf.Score(e, a, start, end, best), score, 12);

        // Tags O, B-per, I-per in BIO: I-per never at the start or after O.
        var constraints = CrfConstraints.For(TagMap.FromTags(["O", "B-per", "I-per"]), TagScheme.Bio);
        var bestAllowed = AllSequences(3, 5).Where(constraints.Allows).MaxBy(y => LinearChainCrf.Score(e, a, start, end, y))!;
        var (constrained, _) = LinearChainCrf.Decode(e, a, start, end, constraints);
        Assert.Equal(bestAllowed, constrained);
        Assert.True(constraints.Allows(constrained));
    }

    /// <summary>A batch of three sentences of lengths 4, 2 and 3, padded to 4 steps, with random scores and tags.</summary>
    private static (SequenceBatch<double> E, TokenBatch Tags) Batch(int k, int seed, int[]? lengths = null, int steps = 4)
    {
        lengths ??= [4, 2, 3];
        var rng = new Random(seed);
        var e = new SequenceBatch<double>(Init.Normal<double>(k, steps * lengths.Length, 1.5, rng), steps, lengths.Length, lengths);
        var tags = lengths.Select(l => (IReadOnlyList<int>)Enumerable.Range(0, l).Select(_ => rng.Next(k)).ToArray()).ToArray();
        return (e, TokenBatch.FromSequences(tags, TagMap.PadId));
    }

    private static Crf<double> RandomLayer(int k, int seed)
    {
        var crf = new Crf<double>(k);
        var rng = new Random(seed);
        foreach (var p in crf.Parameters) Init.Normal<double>(p.Value.RowCount, p.Value.ColumnCount, 1.0, rng).CopyTo(p.Value);
        return crf;
    }

    private static Matrix<double> Sentence(SequenceBatch<double> e, int b) =>
        Matrix<double>.Build.Dense(e.Features, e.Lengths[b], (j, t) => e.Data[j, t * e.BatchSize + b]);

    [Fact]
    public void The_layer_agrees_with_the_sentence_form()
    {
        var crf = RandomLayer(4, 4);
        var (e, tags) = Batch(4, 5);
        var (a, start, end) = (crf.A.Value, crf.Start.Value.Column(0), crf.End.Value.Column(0));
        double expected = Enumerable.Range(0, 3).Sum(b =>
            LinearChainCrf.LogPartition(Sentence(e, b), a, start, end) - LinearChainCrf.Score(Sentence(e, b), a, start, end, tags.Sequence(b))) / 9;
        Assert.Equal(expected, crf.Loss(e, tags), 12);

        var dE = crf.Backward();
        for (int b = 0; b < 3; b++)
        {
            var marginals = LinearChainCrf.Marginals(Sentence(e, b), a, start, end);
            for (int t = 0; t < 4; t++)
                for (int j = 0; j < 4; j++)
                {
                    double want = t < e.Lengths[b] ? (marginals[j, t] - (tags[t, b] == j ? 1 : 0)) / 9 : 0; // (p − onehot)/N, zero at padding
                    Assert.Equal(want, dE.Data[j, t * 3 + b], 12);
                }
        }
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        var crf = RandomLayer(3, 6);
        var (e, tags) = Batch(3, 7);
        var report = GradientCheck.Run(crf.Parameters, () => crf.Loss(e, tags), () => crf.Backward());
        crf.ZeroGrad();
        crf.Loss(e, tags);
        var dE = crf.Backward();
        var input = GradientCheck.Input("E", e.Data, dE.Data, () => crf.Loss(e, tags));
        output.WriteLine(report + Environment.NewLine + input);
        Assert.True(report.Passed(1e-7), report.ToString());
        Assert.True(input.MaxRelativeError <= 1e-7, input.ToString());
    }

    [Fact]
    public void More_padding_changes_neither_the_loss_nor_the_gradients()
    {
        var crf = RandomLayer(3, 8);
        var (e, tags) = Batch(3, 9);
        var wide = SequenceBatch<double>.Zeros(3, 6, 3, e.Lengths);
        var wideTags = new int[6 * 3];
        Array.Fill(wideTags, TagMap.PadId);
        for (int t = 0; t < 4; t++)
        {
            wide.SetStep(t, e.Step(t));
            for (int b = 0; b < 3; b++) wideTags[t * 3 + b] = tags[t, b];
        }
        for (int i = 12 * 3; i < wide.Data.ColumnCount * 3; i++) Tensor.Data(wide.Data)[i] = 100; // garbage in the padding
        double loss = crf.Loss(e, tags);
        crf.Backward();
        var grads = crf.Parameters.Select(p => p.Grad.Clone()).ToArray();
        crf.ZeroGrad();
        Assert.Equal(loss, crf.Loss(wide, new TokenBatch(wideTags, 6, 3, tags.Lengths, TagMap.PadId)), 12);
        var dWide = crf.Backward();
        for (int i = 0; i < grads.Length; i++) Assert.True((grads[i] - crf.Parameters[i].Grad).InfinityNorm() < 1e-12);
        Assert.Equal(0.0, dWide.Data.SubMatrix(0, 3, 12, 6).InfinityNorm());
    }

    [Fact]
    public void Large_scores_neither_overflow_nor_lose_the_answer()
    {
        var crf = RandomLayer(3, 10);
        var (e, tags) = Batch(3, 11);
        var huge = e.With(e.Data * 300);
        var (a, start, end) = (crf.A.Value, crf.Start.Value.Column(0), crf.End.Value.Column(0));
        double expected = Enumerable.Range(0, 3).Sum(b =>
            LinearChainCrf.LogPartition(Sentence(huge, b), a, start, end) - LinearChainCrf.Score(Sentence(huge, b), a, start, end, tags.Sequence(b))) / 9;
        Assert.Equal(expected, crf.Loss(huge, tags), 8);
        Assert.All(Tensor.Data(crf.Backward().Data), g => Assert.True(double.IsFinite(g)));
    }

    [Fact]
    public void Decoding_a_batch_is_decoding_each_sentence_with_padding_marked()
    {
        var crf = RandomLayer(3, 12);
        var (e, _) = Batch(3, 13);
        var constraints = CrfConstraints.For(TagMap.FromTags(["O", "B-per", "I-per"]), TagScheme.Bio);
        var ids = crf.Decode(e, constraints);
        var (a, start, end) = (crf.A.Value, crf.Start.Value.Column(0), crf.End.Value.Column(0));
        for (int b = 0; b < 3; b++)
        {
            var (path, _) = LinearChainCrf.Decode(Sentence(e, b), a, start, end, constraints);
            for (int t = 0; t < 4; t++) Assert.Equal(t < e.Lengths[b] ? path[t] : TagMap.PadId, ids[t * 3 + b]);
        }
    }

    [Fact]
    public void Float_and_double_layers_agree()
    {
        var crf = RandomLayer(4, 14);
        var single = new Crf<float>(4);
        for (int i = 0; i < 3; i++) Tensor.Convert<double, float>(crf.Parameters[i].Value).CopyTo(single.Parameters[i].Value);
        var (e, tags) = Batch(4, 15);
        var e32 = new SequenceBatch<float>(Tensor.Convert<double, float>(e.Data), e.Steps, e.BatchSize, e.Lengths);
        Assert.Equal(crf.Loss(e, tags), single.Loss(e32, tags), 5);
        Assert.True(Tensor.MaxAbsDifference(Tensor.Convert<double, float>(crf.Backward().Data), single.Backward().Data) < 1e-6f);
    }
}
