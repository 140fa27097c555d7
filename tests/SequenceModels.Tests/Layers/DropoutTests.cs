using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels.Tests.Layers;

public class DropoutTests
{
    [Fact]
    public void Drops_about_p_of_the_entries_and_scales_the_rest_by_one_over_one_minus_p()
    {
        var x = Matrix<double>.Build.Dense(40, 250, 2.0);

        var mask = Dropout.Apply(x, 0.3, new Random(7));

        Assert.Equal(x.RowCount * x.ColumnCount, mask.Length);
        Assert.All(mask, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.7) < 1e-15));
        double dropped = mask.Count(v => v == 0) / (double)mask.Length;
        Assert.InRange(dropped, 0.28, 0.32); // 10,000 draws: the standard deviation is 0.0046
        var data = Tensor.Data(x);
        for (int i = 0; i < data.Length; i++) Assert.Equal(2.0 * mask[i], data[i], 15);
    }

    [Fact]
    public void The_same_seed_gives_the_same_mask()
    {
        var a = Dropout.Apply(Matrix<float>.Build.Dense(5, 7, 1f), 0.5, new Random(3));
        var b = Dropout.Apply(Matrix<float>.Build.Dense(5, 7, 1f), 0.5, new Random(3));
        Assert.Equal(a, b);
    }

    [Fact]
    public void Probability_zero_keeps_everything()
    {
        var x = Matrix<double>.Build.Dense(3, 4, (i, j) => i - j);
        var before = x.Clone();

        var mask = Dropout.Apply(x, 0, new Random(1));

        Assert.All(mask, v => Assert.Equal(1.0, v));
        Assert.Equal(before, x);
    }

    [Fact]
    public void Backward_multiplies_the_gradient_by_the_mask()
    {
        var dx = Matrix<double>.Build.Dense(2, 3, (i, j) => 1 + i + 10 * j);
        double[] mask = [0, 2, 2, 0, 0, 2];

        Dropout.Backward(dx, mask);

        // Column-major storage: (0,0) (1,0) (0,1) (1,1) (0,2) (1,2).
        Assert.Equal(new double[] { 0, 4, 22, 0, 0, 44 }, Tensor.Data(dx));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void A_probability_outside_0_to_1_is_rejected(double p)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Dropout.Apply(Matrix<double>.Build.Dense(2, 2), p, new Random(0)));
        Assert.Equal("p", e.ParamName);
    }

    [Fact]
    public void Backward_with_a_mask_of_another_size_names_the_argument()
    {
        var e = Assert.Throws<ShapeException>(() => Dropout.Backward(Matrix<double>.Build.Dense(2, 3), new double[5]));
        Assert.Equal("dx", e.ParamName);
    }

    [Fact]
    public void The_mask_is_the_same_whichever_vectors_compute_it()
    {
        // float masks are computed 8 or 16 at a time, double ones one by one: the same key drops the same entries.
        var f = new float[1003];
        var d = new double[1003];
        Dropout.Mask<float>(f, 0.4, 0x0123456789ABCDEFUL);
        Dropout.Mask<double>(d, 0.4, 0x0123456789ABCDEFUL);
        for (int i = 0; i < f.Length; i++)
        {
            Assert.Equal(d[i] == 0, f[i] == 0);
            Assert.Equal(Dropout.Hash((uint)i, 0x89ABCDEFu, 0x01234567u) < (uint)Math.Round(0.4 * 4294967296.0), f[i] == 0);
        }
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Entries_are_dropped_independently_of_their_neighbours_and_their_lane(double p)
    {
        const int n = 160_000;
        var mask = new float[n];
        Dropout.Mask<float>(mask, p, 42);
        // Each statistic within 5 standard deviations of its expectation.
        static void Near(double expected, double actual, int count) =>
            Assert.InRange(actual, expected - 5 * Math.Sqrt(expected * (1 - expected) / count), expected + 5 * Math.Sqrt(expected * (1 - expected) / count));
        Near(p, mask.Count(v => v == 0) / (double)n, n);
        Near(p * p, Enumerable.Range(0, n - 1).Count(i => mask[i] == 0 && mask[i + 1] == 0) / (double)(n - 1), n - 1);
        Near(p * p, Enumerable.Range(0, n - 16).Count(i => mask[i] == 0 && mask[i + 16] == 0) / (double)(n - 16), n - 16);
        for (int lane = 0; lane < 16; lane++)
            Near(p, Enumerable.Range(0, n / 16).Count(j => mask[16 * j + lane] == 0) / (double)(n / 16), n / 16);
    }

    [Fact]
    public void Different_keys_give_unrelated_masks()
    {
        var a = new float[100_000];
        var b = new float[100_000];
        Dropout.Mask<float>(a, 0.5, 1);
        Dropout.Mask<float>(b, 0.5, 2);
        double both = Enumerable.Range(0, a.Length).Count(i => a[i] == 0 && b[i] == 0) / (double)a.Length;
        Assert.InRange(both, 0.25 - 0.007, 0.25 + 0.007); // 5 standard deviations
    }
}
