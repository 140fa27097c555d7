using MathNet.Numerics.LinearAlgebra;
using SequenceModels;
using Xunit.Abstractions;

namespace SequenceModels.Tests.Layers;

public class CharCnnTests(ITestOutputHelper output)
{
    private static readonly int[][] Words = [[2, 3, 4, 5], [6], [3, 3, 2], [7, 2, 6, 5, 4, 3, 2]];

    private static CharCnn<double> Layer(int seed)
    {
        var cnn = new CharCnn<double>(alphabetSize: 8, embeddingSize: 3, filters: 4, width: 3, new Random(seed));
        Init.Normal<double>(4, 1, 0.5, new Random(seed + 1)).CopyTo(cnn.B.Value);
        return cnn;
    }

    [Fact]
    public void Forward_is_the_max_over_windows_of_the_filters()
    {
        var cnn = Layer(1);
        var o = cnn.Forward(Words);
        Assert.Equal((4, 4), (o.RowCount, o.ColumnCount));
        var e = cnn.E.Value;
        for (int u = 0; u < Words.Length; u++)
        {
            var word = Words[u];
            var best = Vector<double>.Build.Dense(4, double.NegativeInfinity);
            for (int p = 0; p < word.Length; p++)
            {
                // x⟨p⟩ = [e(c⟨p−1⟩); e(c⟨p⟩); e(c⟨p+1⟩)], zeros past the word.
                var window = Vector<double>.Build.Dense(9);
                for (int o2 = 0; o2 < 3; o2++)
                    if (p - 1 + o2 >= 0 && p - 1 + o2 < word.Length) window.SetSubVector(3 * o2, 3, e.Column(word[p - 1 + o2]));
                var z = cnn.W.Value * window + cnn.B.Value.Column(0);
                best = best.PointwiseMaximum(z);
            }
            var expected = best.PointwiseTanh();
            for (int f = 0; f < 4; f++) Assert.Equal(expected[f], o[f, u], 12);
        }
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        var cnn = Layer(2);
        var r = Init.Normal<double>(4, Words.Length, 1.0, new Random(3));
        double Loss() => cnn.Forward(Words).PointwiseMultiply(r).Enumerate().Sum();
        var report = GradientCheck.Run(cnn.Parameters, Loss, () => cnn.Backward(r), GradientCheck.FourthOrderEpsilon, order: 4);
        output.WriteLine(report.ToString());
        Assert.True(report.Passed(1e-7), report.ToString());
    }

    [Fact]
    public void A_word_is_cut_after_the_maximum_length()
    {
        var cnn = Layer(4);
        var longWord = Enumerable.Range(0, CharCnn<double>.MaxLength + 5).Select(i => 2 + i % 6).ToArray();
        var o = cnn.Forward([longWord, longWord[..CharCnn<double>.MaxLength]]);
        Assert.Equal(o.Column(1), o.Column(0));
    }

    [Fact]
    public void Bad_words_are_refused()
    {
        var cnn = Layer(5);
        Assert.Throws<ArgumentOutOfRangeException>(() => cnn.Forward([[1, 8]]));
        Assert.Throws<ArgumentException>(() => cnn.Forward([[]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CharCnn<double>(8, 3, 4, 2, new Random(1)));
    }
}
