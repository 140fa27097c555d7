using MathNet.Numerics.LinearAlgebra;
using SequenceModels;
using static SequenceModels.Tests.Layers.RecurrentLayerKinds;

namespace SequenceModels.Tests.Layers;

public class ResidualRnnTests
{
    [Fact]
    public void The_cell_adds_the_plain_rnn_branch_to_the_previous_state()
    {
        var wxh = Tensor.FromRows<double>([0.5, -1.0], [2.0, 0.25]);
        var whh = Tensor.FromRows<double>([0.1, 0.2], [-0.3, 0.4]);
        var bh = Tensor.Column(0.05, -0.1);
        var x = Tensor.Column(1.0, 2.0);
        var hPrev = Tensor.Column(0.3, -0.6);
        // By hand: z = Wxh·x + Whh·h + b = (0.5 − 2 + 0.03 − 0.12 + 0.05, 2 + 0.5 − 0.09 − 0.24 − 0.1) = (−1.54, 2.07).
        var expected = Tensor.Column(0.3 + Math.Tanh(-1.54), -0.6 + Math.Tanh(2.07));
        var h = ResidualRnnCell.Forward(x, hPrev, wxh, whh, bh);
        Assert.True(Tensor.MaxAbsDifference(expected, h) < 1e-15);
    }

    [Fact]
    public void Each_step_of_the_layer_equals_the_cell_formula()
    {
        var rng = new Random(2);
        var layer = new ResidualRnn<double>(3, 4, rng);
        Init.Normal<double>(4, 4, 0.5, rng).CopyTo(layer.Whh.Value);
        layer.Bh.Value.MapInplace(_ => 0.1);
        var x = new SequenceBatch<double>(Init.Normal<double>(3, 5 * 2, 1.0, rng), 5, 2);
        var h0 = Init.Normal<double>(4, 2, 0.5, rng);
        var (y, final) = layer.Forward(x, new RecurrentState<double>(h0));
        var hs = ResidualRnnCell.Unroll(Enumerable.Range(0, 5).Select(x.Step).ToArray(), h0, layer.Wxh.Value,
            layer.Whh.Value, layer.Bh.Value);
        for (int t = 0; t < 5; t++) Assert.True(Tensor.MaxAbsDifference(hs[t], y.Step(t)) < 1e-14, $"step {t}");
        Assert.True(Tensor.MaxAbsDifference(hs[^1], final.H) < 1e-14);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Backward_matches_finite_differences(bool padded)
    {
        var rng = new Random(1);
        var layer = new ResidualRnn<double>(3, 4, rng);
        Init.Normal<double>(4, 4, 0.5, rng).CopyTo(layer.Whh.Value);
        layer.Bh.Value.MapInplace(_ => 0.2);
        int steps = 5, m = 4;
        int[]? lengths = padded ? [5, 2, 0, 4] : null;
        var x = new SequenceBatch<double>(Init.Normal<double>(3, steps * m, 1.0, rng), steps, m, lengths);
        var h0 = Init.Normal<double>(4, m, 0.5, rng);
        var r = Init.Normal<double>(4, steps * m, 1.0, rng);
        var rh = Init.Normal<double>(4, m, 1.0, rng);
        // L = Σ y ⊙ r + Σ h_final ⊙ rh, so dL/dy = r and dL/dh_final = rh.
        double Loss()
        {
            var (y, final) = layer.Forward(x, new RecurrentState<double>(h0));
            return Dot(y.Data, r) + Dot(final.H, rh);
        }
        SequenceBatch<double>? dx = null;
        RecurrentState<double> d0 = default;
        const double eps = GradientCheck.FourthOrderEpsilon;
        var report = GradientCheck.Run(layer.Parameters, Loss,
            () => (dx, d0) = layer.Backward(x.With(r), new RecurrentState<double>(rh)), eps, order: 4);
        var input = GradientCheck.Input("x", x.Data, dx!.Data, Loss, eps, order: 4);
        var initial = GradientCheck.Input("initial.H", h0, d0.H, Loss, eps, order: 4);
        Assert.True(report.Passed(1e-7), report.ToString());
        Assert.True(input.MaxRelativeError <= 1e-7, input.ToString());
        Assert.True(initial.MaxRelativeError <= 1e-7, initial.ToString());
    }

    [Fact]
    public void Padding_carries_the_state_and_outputs_zeros()
    {
        var rng = new Random(3);
        var layer = new ResidualRnn<double>(2, 3, rng);
        Init.Normal<double>(3, 3, 0.5, rng).CopyTo(layer.Whh.Value);
        var seq = Init.Normal<double>(2, 3, 1.0, rng); // one sequence of 3 steps
        var tight = new SequenceBatch<double>(seq.Clone(), 3, 1);
        var loose = new SequenceBatch<double>(Init.Normal<double>(2, 6, 5.0, rng), 6, 1, [3]); // garbage after step 3
        for (int t = 0; t < 3; t++) loose.SetStep(t, seq.SubMatrix(0, 2, t, 1));
        var (a, fa) = layer.Forward(tight);
        var (b, fb) = layer.Forward(loose);
        for (int t = 0; t < 3; t++) Assert.True(Tensor.MaxAbsDifference(a.Step(t), b.Step(t)) < 1e-15);
        Assert.True(Tensor.MaxAbsDifference(fa.H, fb.H) < 1e-15);
        for (int t = 3; t < 6; t++) Assert.Equal(0.0, b.Step(t).Enumerate().Max(Math.Abs));
    }

    [Fact]
    public void At_initialisation_the_gradient_reaches_the_first_step_undiminished()
    {
        // Whh starts at 0: each step's Jacobian is I + diag(f′)·0 = I, so dL/dh⟨0⟩ = dL/dh⟨T⟩ exactly, however long
        // the sequence and however saturated tanh is. A plain RNN with Whh = 0 passes no gradient back at all.
        var rng = new Random(4);
        var layer = new ResidualRnn<double>(2, 3, rng);
        Assert.Equal(0.0, layer.Whh.Value.Enumerate().Max(Math.Abs));
        var x = new SequenceBatch<double>(Init.Normal<double>(2, 50 * 2, 3.0, rng), 50, 2);
        layer.Forward(x);
        var g = Init.Normal<double>(3, 2, 1.0, rng);
        var (_, d0) = layer.Backward(SequenceBatch<double>.Zeros(3, 50, 2), new RecurrentState<double>(g));
        Assert.True(Tensor.MaxAbsDifference(g, d0.H) < 1e-15);
    }

    [Fact]
    public void It_trains_inside_a_many_to_one_model()
    {
        // Remember the first of 4 symbols over 29 distractors: the skip connection keeps the symbol in the state.
        var rng = new Random(1);
        var model = new ManyToOne<double>(new ResidualRnn<double>(8, 16, rng), 4, rng);
        var adam = new Adam<double>(0.01);
        var data = new Random(2);
        for (int i = 0; i < 150; i++)
        {
            var (x, labels) = LongRangeTasks.FirstSymbol<double>(30, 32, data);
            model.ZeroGrad();
            model.ClassificationStep(x, labels);
            GradientClipping.ClipByGlobalNorm(model.Parameters, 1.0);
            adam.Step(model.Parameters);
        }
        var (tx, ty) = LongRangeTasks.FirstSymbol<double>(30, 256, new Random(9));
        Assert.True(model.Accuracy(tx, ty) >= 0.95, $"accuracy {model.Accuracy(tx, ty)}");
    }

    [Fact]
    public void Wrong_shapes_are_refused()
    {
        var layer = new ResidualRnn<double>(2, 3, new Random(5));
        var x = SequenceBatch<double>.Zeros(4, 2, 1);
        Assert.Throws<ShapeException>(() => layer.Forward(x));
        var ok = SequenceBatch<double>.Zeros(2, 2, 1);
        Assert.Throws<ShapeException>(() => layer.Forward(ok, new RecurrentState<double>(Init.Zeros<double>(2, 1))));
    }
}
