using SequenceModels;
using Xunit.Abstractions;

namespace SequenceModels.Tests.Layers;

public class DenseTests(ITestOutputHelper output)
{
    [Fact]
    public void Backward_matches_finite_differences()
    {
        var rng = new Random(1);
        var dense = new Dense<double>(4, 3, rng);
        Init.Normal<double>(3, 1, 1.0, rng).CopyTo(dense.B.Value);
        var x = Init.Normal<double>(4, 7, 1.0, rng);
        var r = Init.Normal<double>(3, 7, 1.0, rng);
        double Loss() => dense.Forward(x).PointwiseMultiply(r).Enumerate().Sum();
        MathNet.Numerics.LinearAlgebra.Matrix<double>? dx = null;
        var report = GradientCheck.Run(dense.Parameters, Loss, () => dx = dense.Backward(r));
        var input = GradientCheck.Input("x", x, dx!, Loss);
        output.WriteLine(report + Environment.NewLine + input);
        Assert.True(report.Passed(1e-7), report.ToString());
        Assert.True(input.MaxRelativeError <= 1e-7, input.ToString());
    }

    [Fact]
    public void Forward_is_W_times_x_plus_b_for_every_column()
    {
        var dense = new Dense<double>(2, 2, new Random(2));
        Tensor.FromRows<double>([1, 2], [3, 4]).CopyTo(dense.W.Value);
        Tensor.Column<double>(1, -1).CopyTo(dense.B.Value);
        var y = dense.Forward(Tensor.FromRows<double>([1, 0, 2], [1, 1, -1]));
        // [1 2; 3 4]·[1 0 2; 1 1 −1] = [3 2 0; 7 4 2], plus b = [1; −1] in every column.
        Assert.Equal(Tensor.FromRows<double>([4, 3, 1], [6, 3, 1]), y);
    }

    [Fact]
    public void Backward_accumulates_into_the_gradients()
    {
        var dense = new Dense<double>(1, 1, new Random(3));
        var x = Tensor.FromRows<double>([2, 3]);
        dense.Forward(x);
        dense.Backward(Tensor.FromRows<double>([1, 1]));
        dense.Backward(Tensor.FromRows<double>([1, 1]));
        Assert.Equal(2 * (2 + 3), dense.W.Grad[0, 0]); // dW = Σ dy·x, twice
        Assert.Equal(4.0, dense.B.Grad[0, 0]);
    }

    [Fact]
    public void A_sequence_batch_keeps_its_steps_and_lengths()
    {
        var dense = new Dense<double>(3, 2, new Random(4));
        var x = SequenceBatch<double>.Zeros(3, 4, 2, [4, 1]);
        var y = dense.Forward(x);
        Assert.Equal((2, 4, 2), (y.Features, y.Steps, y.BatchSize));
        Assert.Equal([4, 1], y.Lengths);
        var dx = dense.Backward(y);
        Assert.Equal((3, 8), (dx.Data.RowCount, dx.Data.ColumnCount));
    }

    [Fact]
    public void An_input_of_the_wrong_size_names_both_shapes()
    {
        var dense = new Dense<double>(3, 2, new Random(5));
        var e = Assert.Throws<ShapeException>(() => dense.Forward(Tensor.Zeros<double>(4, 5)));
        Assert.Equal("x has shape (4 × 5), expected (3 × 5). (Parameter 'x')", e.Message);
    }
}
