using MathNet.Numerics.LinearAlgebra;
using SequenceModels;
using Xunit.Abstractions;

namespace SequenceModels.Tests.Layers;

public class SoftmaxTests(ITestOutputHelper output)
{
    [Fact]
    public void Softmax_backward_matches_finite_differences()
    {
        var rng = new Random(1);
        var z = Init.Normal<double>(5, 4, 2.0, rng);
        var r = Init.Normal<double>(5, 4, 1.0, rng);
        double Loss() => Softmax.Forward(z).PointwiseMultiply(r).Enumerate().Sum();
        var check = GradientCheck.Input("z", z, Softmax.Backward(Softmax.Forward(z), r), Loss);
        output.WriteLine(check.ToString());
        Assert.True(check.MaxRelativeError <= 1e-7, check.ToString());
    }

    [Fact]
    public void Log_softmax_backward_matches_finite_differences()
    {
        var rng = new Random(2);
        var z = Init.Normal<double>(5, 4, 2.0, rng);
        var r = Init.Normal<double>(5, 4, 1.0, rng);
        double Loss() => LogSoftmax.Forward(z).PointwiseMultiply(r).Enumerate().Sum();
        var check = GradientCheck.Input("z", z, LogSoftmax.Backward(LogSoftmax.Forward(z), r), Loss);
        output.WriteLine(check.ToString());
        Assert.True(check.MaxRelativeError <= 1e-7, check.ToString());
    }

    [Fact]
    public void Log_softmax_is_exact_at_plus_and_minus_1000()
    {
        // log-softmax([1000, 0]) = [1000 − 1000, 0 − 1000] − log(e⁰ + e^−1000) = [0, −1000] − log 1.
        Assert.Equal(Tensor.Column<double>(0, -1000), LogSoftmax.Forward(Tensor.Column<double>(1000, 0)));
        Assert.Equal(Tensor.Column<double>(0, -1000, -2000), LogSoftmax.Forward(Tensor.Column<double>(1000, 0, -1000)));
        // Equal scores: −log 2 each, however large.
        var ln2 = Math.Log(2);
        Assert.Equal(Tensor.Column(-ln2, -ln2), LogSoftmax.Forward(Tensor.Column<double>(-1000, -1000)));
        Assert.Equal(Tensor.Column(-ln2, -ln2), LogSoftmax.Forward(Tensor.Column<double>(1000, 1000)));
        Assert.Equal(Tensor.Column<float>(0, -1000), LogSoftmax.Forward(Tensor.Column<float>(1000, 0)));
    }

    [Fact]
    public void Softmax_is_exact_at_plus_and_minus_1000()
    {
        Assert.Equal(Tensor.Column<double>(1, 0), Softmax.Forward(Tensor.Column<double>(1000, 0)));
        Assert.Equal(Tensor.Column<double>(1, 0), Softmax.Forward(Tensor.Column<double>(1000, -1000)));
        Assert.Equal(Tensor.Column<double>(0.5, 0.5), Softmax.Forward(Tensor.Column<double>(-1000, -1000)));
        Assert.Equal(Tensor.Column<float>(0.5f, 0.5f), Softmax.Forward(Tensor.Column<float>(1000, 1000)));
    }

    [Fact]
    public void Backward_is_finite_at_extreme_scores()
    {
        // softmax = exp(y) = [1, 0]: dz = dy − softmax·Σdy = [1 − 2, 1 − 0].
        var y = LogSoftmax.Forward(Tensor.Column<double>(1000, 0));
        Assert.Equal(Tensor.Column<double>(-1, 1), LogSoftmax.Backward(y, Tensor.Column<double>(1, 1)));
        // softmax [1, 0]: dz = ŷ ⊙ (dŷ − ŷᵀdŷ) = [1·(3 − 3), 0·(5 − 3)] = [0, 0].
        var p = Softmax.Forward(Tensor.Column<double>(-1000, -3000));
        Assert.Equal(Tensor.Column<double>(0, 0), Softmax.Backward(p, Tensor.Column<double>(3, 5)));
    }

    [Fact]
    public void Softmax_matches_hand_values_and_each_column_sums_to_one()
    {
        // softmax([0, ln 3]) = [1/4, 3/4]; softmax([2, 2, 2]) = 1/3 each.
        var y = Softmax.Forward(Tensor.FromRows<double>([0, 2], [Math.Log(3), 2], [double.NegativeInfinity, 2]));
        Assert.Equal(0.25, y[0, 0], 15);
        Assert.Equal(0.75, y[1, 0], 15);
        Assert.Equal(0.0, y[2, 0]);
        Assert.All(y.Column(1), v => Assert.Equal(1.0 / 3, v, 15));
        var z = Init.Normal<double>(7, 5, 10.0, new Random(3));
        Assert.All(Softmax.Forward(z).ColumnSums(), s => Assert.Equal(1.0, s, 14));
        Assert.All(LogSoftmax.Forward(z).Enumerate(), v => Assert.True(v <= 0));
    }

    [Fact]
    public void Log_softmax_equals_the_log_of_softmax_at_moderate_scores()
    {
        var z = Init.Normal<double>(6, 3, 3.0, new Random(4));
        var expected = Softmax.Forward(z).PointwiseLog();
        Assert.True(Tensor.MaxAbsDifference(expected, LogSoftmax.Forward(z)) < 1e-14);
    }
}
