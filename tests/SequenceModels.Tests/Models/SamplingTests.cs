using SequenceModels;

namespace SequenceModels.Tests.Models;

public class SamplingTests
{
    /// <summary>A generator whose NextDouble returns a chosen number, to test the inverse CDF by hand.</summary>
    private sealed class FixedRandom(double u) : Random
    {
        public override double NextDouble() => u;
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.24, 0)]
    [InlineData(0.25, 1)] // the boundary belongs to the next index: u < cumulative
    [InlineData(0.74, 1)]
    [InlineData(0.75, 2)]
    [InlineData(0.999, 2)]
    public void Sample_index_inverts_the_cumulative_distribution(double u, int expected) =>
        Assert.Equal(expected, Sampling.SampleIndex([0.25, 0.5, 0.25], new FixedRandom(u)));

    [Fact]
    public void Zero_probabilities_are_never_drawn_and_unnormalised_weights_are_scaled()
    {
        // Weights 0, 2, 0, 2 are the distribution (0, ½, 0, ½).
        Assert.Equal(1, Sampling.SampleIndex([0, 2, 0, 2], new FixedRandom(0.0)));
        Assert.Equal(1, Sampling.SampleIndex([0, 2, 0, 2], new FixedRandom(0.49)));
        Assert.Equal(3, Sampling.SampleIndex([0, 2, 0, 2], new FixedRandom(0.5)));
        Assert.Equal(3, Sampling.SampleIndex([0, 2, 0, 2, 0], new FixedRandom(0.9999999999999999)));
    }

    [Theory]
    [InlineData(new[] { 0.5, -0.1, 0.6 })]
    [InlineData(new[] { 0.5, double.NaN })]
    [InlineData(new[] { 0.0, 0.0 })]
    [InlineData(new double[0])]
    public void Invalid_probabilities_are_rejected(double[] p) =>
        Assert.Throws<ArgumentException>(() => Sampling.SampleIndex(p, new Random(1)));

    [Fact]
    public void The_same_seed_gives_the_same_samples()
    {
        double[] p = [0.1, 0.2, 0.3, 0.4];
        int[] Draw(int seed)
        {
            var rng = new Random(seed);
            return Enumerable.Range(0, 200).Select(_ => Sampling.SampleIndex(p, rng)).ToArray();
        }
        Assert.Equal(Draw(123), Draw(123));
        Assert.NotEqual(Draw(123), Draw(124));
    }

    [Fact]
    public void Draws_follow_the_distribution()
    {
        double[] p = [0.1, 0.2, 0.3, 0.4, 0.0];
        var counts = Count(p.Length, 20_000, rng => Sampling.SampleIndex(p, rng));
        Assert.Equal(0, counts[4]);
        // Pearson's χ² over the 4 possible outcomes has 3 degrees of freedom; P(χ² > 16.27) = 0.001.
        Assert.True(ChiSquare(counts[..4], p[..4]) < 16.27, string.Join(", ", counts));
    }

    [Fact]
    public void Temperature_one_is_the_plain_softmax()
    {
        double[] z = [1.0, -2.0, 0.5, 3.0];
        double sum = z.Sum(Math.Exp);
        var p = Sampling.Softmax(z, 1.0);
        for (int k = 0; k < z.Length; k++) Assert.Equal(Math.Exp(z[k]) / sum, p[k], 1e-15);
    }

    [Fact]
    public void Temperature_divides_the_logits()
    {
        double[] z = [1.0, -2.0, 0.5, 3.0];
        double[] scaled = z.Select(x => x / 0.5).ToArray();
        Assert.Equal(Sampling.Softmax(scaled, 1.0), Sampling.Softmax(z, 0.5));
    }

    [Fact]
    public void Temperature_towards_zero_approaches_the_argmax()
    {
        double[] z = [1.0, 3.0, 2.9, -1.0];
        // The runner-up is 0.1 behind: at τ = 0.005 its weight is e^(−20) ≈ 2e-9 of the winner's.
        var p = Sampling.Softmax(z, 0.005);
        Assert.True(p[1] > 1 - 1e-8, p[1].ToString("R"));
        Assert.Equal([0.0, 1.0, 0.0, 0.0], Sampling.Softmax(z, 0));
        // τ = 0 is greedy and draws nothing from the generator.
        var rng = new FixedRandom(0.0);
        Assert.Equal(1, Sampling.SampleWithTemperature(z, 0, rng));
        Assert.True(Sampling.Softmax(z, 0.1)[1] > Sampling.Softmax(z, 1)[1]);
    }

    [Fact]
    public void Large_temperature_flattens_the_distribution()
    {
        double[] z = [1.0, 3.0, 2.0, -1.0];
        var p = Sampling.Softmax(z, 1e6);
        foreach (double pk in p) Assert.Equal(0.25, pk, 1e-5);
        double previous = 0;
        foreach (double tau in new[] { 0.25, 0.5, 1, 2, 4, 8 })
        {
            double entropy = -Sampling.Softmax(z, tau).Sum(q => q * Math.Log(q));
            Assert.True(entropy > previous, $"entropy at τ = {tau} should exceed {previous}");
            previous = entropy;
        }
        Assert.True(previous < Math.Log(4));
    }

    [Fact]
    public void Samples_at_a_temperature_follow_the_softmax_of_the_scaled_logits()
    {
        double[] z = [0.0, 1.0, 2.0];
        const double tau = 2.0;
        double[] expected = z.Select(x => Math.Exp(x / tau)).ToArray();
        double sum = expected.Sum();
        for (int k = 0; k < expected.Length; k++) expected[k] /= sum;
        var counts = Count(3, 20_000, rng => Sampling.SampleWithTemperature(z, tau, rng));
        // 2 degrees of freedom; P(χ² > 13.82) = 0.001.
        Assert.True(ChiSquare(counts, expected) < 13.82, string.Join(", ", counts));
    }

    [Fact]
    public void Argmax_takes_the_first_of_tied_values() => Assert.Equal(1, Sampling.Argmax([0.0, 2.0, 2.0]));

    private static int[] Count(int outcomes, int draws, Func<Random, int> draw)
    {
        var rng = new Random(2024);
        var counts = new int[outcomes];
        for (int i = 0; i < draws; i++) counts[draw(rng)]++;
        return counts;
    }

    private static double ChiSquare(int[] counts, double[] p)
    {
        double n = counts.Sum(), chi = 0;
        for (int k = 0; k < counts.Length; k++)
        {
            double expected = n * p[k];
            chi += (counts[k] - expected) * (counts[k] - expected) / expected;
        }
        return chi;
    }
}
