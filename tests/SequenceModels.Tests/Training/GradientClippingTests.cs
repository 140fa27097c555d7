using SequenceModels;

namespace SequenceModels.Tests.Training;

public class GradientClippingTests
{
    private static Parameter<double> WithGrad(string name, params double[] grad)
    {
        var p = new Parameter<double>(name, Tensor.Zeros<double>(grad.Length, 1));
        Tensor.Column(grad).CopyTo(p.Grad);
        return p;
    }

    [Fact]
    public void Clipping_by_value_clamps_each_entry()
    {
        var p = WithGrad("W", 3, -4, 0.5, -1);
        long clipped = GradientClipping.ClipByValue([p], 1.0);
        Assert.Equal(2, clipped);
        Assert.Equal(Tensor.Column<double>(1, -1, 0.5, -1), p.Grad);
    }

    [Fact]
    public void Clipping_by_norm_rescales_every_gradient_together()
    {
        // ‖(3, 4)‖ = 5 over two parameters; clipped to 1 the gradient is (0.6, 0.8), same direction.
        var a = WithGrad("a", 3);
        var b = WithGrad("b", 4);
        double norm = GradientClipping.ClipByGlobalNorm([a, b], 1.0);
        Assert.Equal(5.0, norm);
        Assert.Equal(0.6, a.Grad[0, 0], 15);
        Assert.Equal(0.8, b.Grad[0, 0], 15);
    }

    [Fact]
    public void A_gradient_within_the_norm_is_left_alone()
    {
        var a = WithGrad("a", 1, 2, 2); // norm 3
        Assert.Equal(3.0, GradientClipping.ClipByGlobalNorm([a], 3.5));
        Assert.Equal(Tensor.Column<double>(1, 2, 2), a.Grad);
    }

    [Fact]
    public void The_global_norm_of_a_large_gradient_is_summed_in_double_in_a_fixed_order()
    {
        // 35,000 × 50 entries: summed in chunks on the cores, in vectors, in double; the same bits every time.
        var rng = new Random(4);
        var big = new Parameter<float>("embedding.W", Init.Normal<float>(50, 35_000, 0.01, rng));
        var small = new Parameter<float>("output.b", Init.Normal<float>(17, 1, 1.0, rng));
        Tensor.Data(big.Value).CopyTo(Tensor.Data(big.Grad), 0);
        Tensor.Data(small.Value).CopyTo(Tensor.Data(small.Grad), 0);
        // Kahan's compensated sum: the reference is good to about one rounding of the result.
        double sum = 0, compensation = 0;
        foreach (float g in Tensor.Data(big.Grad).Concat(Tensor.Data(small.Grad)))
        {
            double y = (double)g * g - compensation, t = sum + y;
            compensation = t - sum - y;
            sum = t;
        }
        double expected = Math.Sqrt(sum);
        double norm = GradientClipping.GlobalNorm([big, small]);
        Assert.Equal(expected, norm, expected * 1e-13);
        for (int i = 0; i < 5; i++) Assert.Equal(norm, GradientClipping.GlobalNorm([big, small]));
        Tensor.Data(big.Grad)[1_234_567] = float.PositiveInfinity;
        var e = Assert.Throws<NonFiniteGradientException>(() => GradientClipping.GlobalNorm([big, small]));
        Assert.Equal((1_234_567 % 50, 1_234_567 / 50), (e.Row, e.Column));
    }

    [Fact]
    public void The_global_norm_survives_squares_that_overflow()
    {
        var a = WithGrad("a", 3e200, 4e200);
        Assert.Equal(5e200, GradientClipping.GlobalNorm([a]), 5e200 * 1e-15);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+∞")]
    [InlineData(double.NegativeInfinity, "−∞")]
    public void A_non_finite_gradient_is_reported_with_the_parameter_and_entry(double bad, string shown)
    {
        var ok = WithGrad("Wxh", 1, 2);
        var whh = new Parameter<double>("Whh", Tensor.Zeros<double>(2, 3));
        whh.Grad[1, 2] = bad;
        var e = Assert.Throws<NonFiniteGradientException>(() => GradientClipping.ThrowIfNonFinite([ok, whh]));
        Assert.Equal($"The gradient of Whh is not finite: {shown} at (1, 2). No parameter was updated.", e.Message);
        Assert.Equal(("Whh", 1, 2), (e.Parameter, e.Row, e.Column));
    }

    [Fact]
    public void Clipping_refuses_a_non_finite_gradient_instead_of_clamping_it()
    {
        var p = WithGrad("W", 5, double.PositiveInfinity);
        Assert.Throws<NonFiniteGradientException>(() => GradientClipping.ClipByValue([p], 1.0));
        Assert.Equal(5.0, p.Grad[0, 0]); // nothing changed
        Assert.Throws<NonFiniteGradientException>(() => GradientClipping.ClipByGlobalNorm([p], 1.0));
        Assert.Equal(5.0, p.Grad[0, 0]);
    }

    public static TheoryData<string> OptimizerNames => ["sgd", "momentum", "adagrad", "adam"];

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void Optimisers_never_apply_a_non_finite_gradient(string name)
    {
        IOptimizer<double> optimizer = name switch
        {
            "sgd" => new Sgd<double>(0.1),
            "momentum" => new Sgd<double>(0.1, 0.9),
            "adagrad" => new Adagrad<double>(0.1),
            _ => new Adam<double>(0.1),
        };
        var first = new Parameter<double>("embedding.W", Tensor.Column(1.0, 2.0));
        var second = new Parameter<double>("dense.b", Tensor.Column(3.0));
        first.Grad[0, 0] = 1;
        second.Grad[0, 0] = double.NaN;
        var e = Assert.Throws<NonFiniteGradientException>(() => optimizer.Step([first, second]));
        Assert.Equal("dense.b", e.Parameter);
        Assert.Equal(Tensor.Column(1.0, 2.0), first.Value); // the parameter before the bad one is untouched too
        Assert.Equal(3.0, second.Value[0, 0]);
    }
}
