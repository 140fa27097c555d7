using SequenceModels;
using Xunit.Abstractions;

namespace SequenceModels.Tests.Layers;

public class MaxoutTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Backward_matches_finite_differences(int pieces)
    {
        var rng = new Random(pieces);
        var maxout = new Maxout<double>(4, 3, pieces, rng);
        Init.Normal<double>(3 * pieces, 1, 0.5, rng).CopyTo(maxout.B.Value);
        var x = Init.Normal<double>(4, 6, 1.0, rng);
        var r = Init.Normal<double>(3, 6, 1.0, rng);
        double Loss() => maxout.Forward(x).PointwiseMultiply(r).Enumerate().Sum();
        MathNet.Numerics.LinearAlgebra.Matrix<double>? dx = null;
        var report = GradientCheck.Run(maxout.Parameters, Loss, () => dx = maxout.Backward(r));
        var input = GradientCheck.Input("x", x, dx!, Loss);
        output.WriteLine(report + Environment.NewLine + input);
        Assert.True(report.Passed(1e-7), report.ToString());
        Assert.True(input.MaxRelativeError <= 1e-7, input.ToString());
    }

    [Fact]
    public void Two_pieces_x_and_minus_x_give_the_absolute_value()
    {
        var maxout = new Maxout<double>(1, 1, 2, new Random(1));
        Tensor.FromRows<double>([1], [-1]).CopyTo(maxout.W.Value); // piece 0: x, piece 1: −x
        maxout.B.Value.Clear();
        var y = maxout.Forward(Tensor.FromRows<double>([-2, 3, -0.5]));
        Assert.Equal(Tensor.FromRows<double>([2, 3, 0.5]), y);
    }

    [Fact]
    public void The_gradient_goes_only_to_the_winning_piece()
    {
        var maxout = new Maxout<double>(1, 1, 2, new Random(2));
        Tensor.FromRows<double>([1], [-1]).CopyTo(maxout.W.Value);
        maxout.B.Value.Clear();
        maxout.Forward(Tensor.FromRows<double>([-2, 3]));
        var dx = maxout.Backward(Tensor.FromRows<double>([10, 100]));
        // Column 0: piece 1 (−x) won, dy/dx = −1; column 1: piece 0 won, dy/dx = 1.
        Assert.Equal(Tensor.FromRows<double>([-10, 100]), dx);
        // dW_0 = 100·3 (only column 1), dW_1 = 10·(−2) (only column 0).
        Assert.Equal(Tensor.FromRows<double>([300], [-20]), maxout.W.Grad);
        Assert.Equal(Tensor.Column<double>(100, 10), maxout.B.Grad);
    }
}
