using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Taggers;
using SequenceModels.Text;

namespace SequenceModels.Tests.Taggers;

public class ViterbiTests
{
    [Fact]
    public void Two_tag_example_matches_hand_calculation()
    {
        // Tags N, V; π = (0.6, 0.4); A = [[0.3, 0.7], [0.8, 0.2]]; b(N, w0) = 0.5, b(V, w0) = 0.1, b(N, w1) = 0.2, b(V, w1) = 0.6.
        // δ0 = (0.6·0.5, 0.4·0.1) = (0.30, 0.04)
        // δ1(N) = max(0.30·0.3, 0.04·0.8)·0.2 = 0.09·0.2 = 0.018, ψ1(N) = N
        // δ1(V) = max(0.30·0.7, 0.04·0.2)·0.6 = 0.21·0.6 = 0.126, ψ1(V) = N
        // best path: N V with probability 0.126.
        var logPi = Vector<double>.Build.Dense([0.6, 0.4]).PointwiseLog();
        var logA = Matrix<double>.Build.DenseOfRowArrays([0.3, 0.7], [0.8, 0.2]).PointwiseLog();
        var logB = Matrix<double>.Build.DenseOfRowArrays([0.5, 0.2], [0.1, 0.6]).PointwiseLog();

        var (path, logP, trellis) = Viterbi.Decode(logPi, logA, logB);

        Assert.Equal([0, 1], path);
        Assert.Equal(Math.Log(0.126), logP, 12);
        Assert.Equal(Math.Log(0.30), trellis.Scores[0, 0], 12);
        Assert.Equal(Math.Log(0.04), trellis.Scores[1, 0], 12);
        Assert.Equal(Math.Log(0.018), trellis.Scores[0, 1], 12);
        Assert.Equal(Math.Log(0.126), trellis.Scores[1, 1], 12);
        Assert.Equal(-1, trellis.BackPointers[0, 0]);
        Assert.Equal(0, trellis.BackPointers[0, 1]);
        Assert.Equal(0, trellis.BackPointers[1, 1]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void First_order_decode_matches_brute_force_on_random_hmms(int seed)
    {
        var rng = new Random(seed);
        for (int steps = 1; steps <= 6; steps++)
        {
            int n = 2 + rng.Next(3);
            var logPi = LogDistribution(rng, 1, n).Row(0);
            var logA = LogDistribution(rng, n, n);
            var logB = LogDistribution(rng, n, steps);

            var (path, logP, _) = Viterbi.Decode(logPi, logA, logB);

            double Score(int[] z)
            {
                double s = logPi[z[0]] + logB[z[0], 0];
                for (int t = 1; t < z.Length; t++) s += logA[z[t - 1], z[t]] + logB[z[t], t];
                return s;
            }
            var (bestPath, bestScore) = BruteForce(n, steps, Score);
            Assert.Equal(bestPath, path);
            Assert.Equal(bestScore, logP, 10);
        }
    }

    [Fact]
    public void Trellis_scores_are_the_best_prefix_scores()
    {
        var rng = new Random(7);
        int n = 3, steps = 4;
        var logPi = LogDistribution(rng, 1, n).Row(0);
        var logA = LogDistribution(rng, n, n);
        var logB = LogDistribution(rng, n, steps);

        var trellis = Viterbi.Initialize(logPi, logB);
        Viterbi.ForwardPass(trellis, logA, logB);

        // δ_t(j) is the best score over all tag sequences for words 0..t that end in j: enumerate them.
        for (int t = 0; t < steps; t++)
        {
            for (int j = 0; j < n; j++)
            {
                double best = double.NegativeInfinity;
                foreach (var z in Sequences(n, t + 1).Where(z => z[t] == j))
                {
                    double s = logPi[z[0]] + logB[z[0], 0];
                    for (int k = 1; k <= t; k++) s += logA[z[k - 1], z[k]] + logB[z[k], k];
                    best = Math.Max(best, s);
                }
                Assert.Equal(best, trellis.Scores[j, t], 10);
                if (t > 0)
                {
                    int i = trellis.BackPointers[j, t];
                    Assert.Equal(trellis.Scores[i, t - 1] + logA[i, j] + logB[j, t], trellis.Scores[j, t], 10);
                }
            }
        }
        var (path, logP) = Viterbi.BackwardPass(trellis);
        Assert.Equal(trellis.Scores.Column(steps - 1).Maximum(), logP);
        Assert.Equal(steps, path.Length);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public void Second_order_decode_matches_brute_force_on_random_hmms(int seed)
    {
        var rng = new Random(seed);
        for (int steps = 1; steps <= 6; steps++)
        {
            int n = 2 + rng.Next(2), s = n + 1, boundary = n;
            var logT = LogDistribution(rng, s * s, s);
            var logB = LogDistribution(rng, n, steps);
            // Make some emissions impossible, as for known words, keeping one possible tag per word.
            for (int t = 0; t < steps; t++)
                for (int j = 1; j < n; j++)
                    if (rng.NextDouble() < 0.3) logB[(rng.Next(n) + j) % n, t] = double.NegativeInfinity;
            double LogTransition(int i, int j, int l) => logT[i * s + j, l];

            var (path, logP) = Viterbi.DecodeSecondOrder(LogTransition, logB);

            double Score(int[] z)
            {
                double total = 0;
                int t1 = boundary, t2 = boundary;
                for (int t = 0; t < z.Length; t++)
                {
                    total += logT[t1 * s + t2, z[t]] + logB[z[t], t];
                    (t1, t2) = (t2, z[t]);
                }
                return total + logT[t1 * s + t2, boundary];
            }
            var (bestPath, bestScore) = BruteForce(n, steps, Score);
            Assert.Equal(bestPath, path);
            Assert.Equal(bestScore, logP, 10);
        }
    }

    [Fact]
    public void Empty_sentence_gives_empty_path()
    {
        var logPi = Vector<double>.Build.Dense(2, Math.Log(0.5));
        var logA = Matrix<double>.Build.Dense(2, 2, Math.Log(0.5));
        var (path, logP, _) = Viterbi.Decode(logPi, logA, Matrix<double>.Build.Dense(2, 0));
        Assert.Empty(path);
        Assert.Equal(0.0, logP);
        var (path2, _) = Viterbi.DecodeSecondOrder((_, _, _) => Math.Log(1.0 / 3), Matrix<double>.Build.Dense(2, 0));
        Assert.Empty(path2);
    }

    [Fact]
    public void Wrong_shapes_name_the_argument()
    {
        var logB = Matrix<double>.Build.Dense(3, 4);
        var e = Assert.Throws<ShapeException>(() => Viterbi.Initialize(Vector<double>.Build.Dense(2), logB));
        Assert.Equal("logPi", e.ParamName);
        var trellis = Viterbi.Initialize(Vector<double>.Build.Dense(3), logB);
        var e2 = Assert.Throws<ShapeException>(() => Viterbi.ForwardPass(trellis, Matrix<double>.Build.Dense(3, 2), logB));
        Assert.Equal("logA", e2.ParamName);
    }

    // Rows of log-probabilities: random positive numbers, normalised per row.
    static Matrix<double> LogDistribution(Random rng, int rows, int columns)
    {
        var m = Matrix<double>.Build.Dense(rows, columns, (_, _) => 0.05 + rng.NextDouble());
        for (int i = 0; i < rows; i++) m.SetRow(i, m.Row(i) / m.Row(i).Sum());
        return m.PointwiseLog();
    }

    static IEnumerable<int[]> Sequences(int n, int length)
    {
        var z = new int[length];
        while (true)
        {
            yield return (int[])z.Clone();
            int k = length - 1;
            while (k >= 0 && ++z[k] == n) z[k--] = 0;
            if (k < 0) yield break;
        }
    }

    static (int[] Path, double Score) BruteForce(int n, int length, Func<int[], double> score)
    {
        int[] best = [];
        double bestScore = double.NegativeInfinity;
        foreach (var z in Sequences(n, length))
        {
            double s = score(z);
            if (s > bestScore) (best, bestScore) = (z, s);
        }
        return (best, bestScore);
    }
}
