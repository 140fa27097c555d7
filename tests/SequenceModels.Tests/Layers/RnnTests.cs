using MathNet.Numerics.LinearAlgebra;
using SequenceModels;

namespace SequenceModels.Tests.Layers;

public class RnnTests
{
    [Theory]
    [InlineData(Activation.Tanh, false, false)]
    [InlineData(Activation.Tanh, true, false)]
    [InlineData(Activation.Relu, false, true)]
    [InlineData(Activation.Tanh, true, true)]
    public void Backward_matches_finite_differences(Activation activation, bool reverse, bool padded)
    {
        var rng = new Random(1);
        var rnn = new Rnn<double>(3, 4, rng, activation, reverse);
        int[]? lengths = padded ? [5, 2, 4] : null;
        var x = new SequenceBatch<double>(Init.Normal<double>(3, 5 * 3, 1.0, rng), 5, 3, lengths);
        var h0 = new RecurrentState<double>(Init.Normal<double>(4, 3, 0.5, rng));
        var r = Init.Normal<double>(4, 15, 1.0, rng);
        var rf = Init.Normal<double>(4, 3, 1.0, rng);
        double Loss()
        {
            var (y, final) = rnn.Forward(x, h0);
            return y.Data.PointwiseMultiply(r).Enumerate().Sum() + final.H.PointwiseMultiply(rf).Enumerate().Sum();
        }
        SequenceBatch<double>? dx = null;
        Matrix<double>? dh0 = null;
        var report = GradientCheck.Run(rnn.Parameters, Loss, () => (dx, (dh0, _)) = rnn.Backward(x.With(r), new(rf)));
        Assert.True(report.Passed(1e-7), report.ToString());
        Assert.True(GradientCheck.Input("x", x.Data, dx!.Data, Loss).MaxRelativeError <= 1e-7);
        Assert.True(GradientCheck.Input("h0", h0.H, dh0!, Loss).MaxRelativeError <= 1e-7);
    }

    [Fact]
    public void Each_step_equals_the_cell_formula()
    {
        var rng = new Random(2);
        var rnn = new Rnn<double>(3, 4, rng);
        rnn.Bh.Value.MapInplace(_ => 0.1);
        var x = new SequenceBatch<double>(Init.Normal<double>(3, 4 * 2, 1.0, rng), 4, 2);
        var (y, _) = rnn.Forward(x);
        var h = Matrix<double>.Build.Dense(4, 2);
        for (int t = 0; t < 4; t++)
        {
            h = RnnCell.Forward(x.Step(t), h, rnn.Wxh.Value, rnn.Whh.Value, rnn.Bh.Value);
            Assert.True(Tensor.MaxAbsDifference(h, y.Step(t)) < 1e-14);
        }
    }

    [Fact]
    public void Padding_a_batch_differently_leaves_real_steps_unchanged()
    {
        var rng = new Random(3);
        var rnn = new Rnn<double>(2, 3, rng, reverse: true);
        var seq = Init.Normal<double>(2, 3, 1.0, rng); // one sequence, 3 steps
        var shortBatch = SequenceBatch<double>.FromSteps([seq.SubMatrix(0, 2, 0, 1), seq.SubMatrix(0, 2, 1, 1), seq.SubMatrix(0, 2, 2, 1)]);
        var longX = SequenceBatch<double>.Zeros(2, 6, 1, [3]);
        for (int t = 0; t < 3; t++) longX.SetStep(t, seq.SubMatrix(0, 2, t, 1));
        longX.SetStep(4, Matrix<double>.Build.Dense(2, 1, 7.0)); // garbage in the padding
        var (a, fa) = rnn.Forward(shortBatch);
        var (b, fb) = rnn.Forward(longX);
        for (int t = 0; t < 3; t++) Assert.True(Tensor.MaxAbsDifference(a.Step(t), b.Step(t)) < 1e-15);
        Assert.True(Tensor.MaxAbsDifference(fa.H, fb.H) < 1e-15);
        Assert.Equal(0.0, b.Step(4).Enumerate().Max(Math.Abs));
    }
}
