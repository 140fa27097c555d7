using MathNet.Numerics.LinearAlgebra;
using SequenceModels;
using static SequenceModels.Tests.Layers.LstmTests;

namespace SequenceModels.Tests.Layers;

public class GruTests
{
    // The finite-difference gradient check is in RecurrentLayerTests (one theory over every layer).

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_step_and_its_gradients_equal_the_cell(bool reverse)
    {
        var rng = new Random(6);
        var gru = new Gru<double>(3, 4, rng, reverse);
        Init.Normal<double>(12, 1, 0.5, rng).CopyTo(gru.B.Value);
        int steps = 4, m = 2;
        var x = new SequenceBatch<double>(Init.Normal<double>(3, steps * m, 1.0, rng), steps, m);
        var c0 = Init.Normal<double>(4, m, 0.5, rng);
        var dy = Init.Normal<double>(4, steps * m, 1.0, rng);
        var dcN = Init.Normal<double>(4, m, 1.0, rng);

        var (y, final) = gru.Forward(x, new(c0));
        var gates = gru.Gates();
        gru.ZeroGrad();
        var (dx, d0) = gru.Backward(x.With(dy), new(dcN));
        Assert.Null(final.C);
        Assert.Null(d0.C);

        var w = gru.Weights();
        var order = Enumerable.Range(0, steps).Select(i => reverse ? steps - 1 - i : i).ToArray();
        var cells = new Dictionary<int, (Matrix<double> CPrev, GruStep<double> Step)>();
        var c = c0;
        foreach (int t in order)
        {
            var step = GruCell.Forward(x.Step(t), c, w);
            cells[t] = (c, step);
            c = step.C;
            Near(step.C, y.Step(t), 1e-14, $"c⟨{t}⟩");
            Near(step.Gates.Gr, gates.Gr.SubMatrix(0, 4, t * m, m), 1e-14, $"Γr⟨{t}⟩");
            Near(step.Gates.Gu, gates.Gu.SubMatrix(0, 4, t * m, m), 1e-14, $"Γu⟨{t}⟩");
            Near(step.Gates.CTilde, gates.CTilde.SubMatrix(0, 4, t * m, m), 1e-14, $"c̃⟨{t}⟩");
        }
        Near(c, final.H, 1e-14, "final c");

        var dc = dcN;
        var sum = new GruWeights<double>(w.Wr * 0, w.Wu * 0, w.Wc * 0, w.Br * 0, w.Bu * 0, w.Bc * 0);
        foreach (int t in order.Reverse())
        {
            var (cPrev, step) = cells[t];
            var g = GruCell.Backward(dc + dy.SubMatrix(0, 4, t * m, m), x.Step(t), cPrev, step, w);
            sum = new GruWeights<double>(sum.Wr + g.DWr, sum.Wu + g.DWu, sum.Wc + g.DWc, sum.Br + g.DBr,
                sum.Bu + g.DBu, sum.Bc + g.DBc);
            Near(g.DX, dx.Step(t), 1e-13, $"dx⟨{t}⟩");
            dc = g.DCPrev;
        }
        Near(dc, d0.H, 1e-13, "dc⟨0⟩");
        var grads = gru.Gradients();
        Near(sum.Wr, grads.Wr, 1e-13, "dWr");
        Near(sum.Wu, grads.Wu, 1e-13, "dWu");
        Near(sum.Wc, grads.Wc, 1e-13, "dWc");
        Near(sum.Br, grads.Br, 1e-13, "dbr");
        Near(sum.Bu, grads.Bu, 1e-13, "dbu");
        Near(sum.Bc, grads.Bc, 1e-13, "dbc");
    }

    [Fact]
    public void The_cell_gradients_match_finite_differences()
    {
        // The cell is the reference the exercises are checked against, so it is checked on its own too.
        var rng = new Random(7);
        var w = new Gru<double>(3, 4, rng).Weights();
        Init.Normal<double>(4, 1, 0.5, rng).CopyTo(w.Br);
        var x = Init.Normal<double>(3, 2, 1.0, rng);
        var cPrev = Init.Normal<double>(4, 2, 0.5, rng);
        var r = Init.Normal<double>(4, 2, 1.0, rng);
        double Loss() => GruCell.Forward(x, cPrev, w).C.PointwiseMultiply(r).Enumerate().Sum();
        var g = GruCell.Backward(r, x, cPrev, GruCell.Forward(x, cPrev, w), w);
        var checks = new[]
        {
            GradientCheck.Input("x", x, g.DX, Loss), GradientCheck.Input("cPrev", cPrev, g.DCPrev, Loss),
            GradientCheck.Input("Wr", w.Wr, g.DWr, Loss), GradientCheck.Input("Wu", w.Wu, g.DWu, Loss),
            GradientCheck.Input("Wc", w.Wc, g.DWc, Loss), GradientCheck.Input("br", w.Br, g.DBr, Loss),
            GradientCheck.Input("bu", w.Bu, g.DBu, Loss), GradientCheck.Input("bc", w.Bc, g.DBc, Loss),
        };
        Assert.All(checks, c => Assert.True(c.MaxRelativeError <= 1e-7, c.ToString()));
    }

    [Fact]
    public void Constant_gates_give_the_hand_derived_memory()
    {
        // All weights 0: Γu = σ(bu) and c̃ = tanh(bc) at every step (Γr has nothing to act on).
        // bu = 0 gives Γu = 1/2, bc = atanh(1/2) gives c̃ = 1/2; from c⟨0⟩ = 0,
        // c⟨t⟩ = Γu·c̃ + (1 − Γu)·c⟨t−1⟩ = 1/4 + c⟨t−1⟩/2: 1/4, 3/8, 7/16.
        int nh = 2, nx = 3;
        var zero = Matrix<double>.Build.Dense(nh, nh + nx);
        var bias = (double b) => Matrix<double>.Build.Dense(nh, 1, b);
        var w = new GruWeights<double>(zero, zero, zero, bias(0.7), bias(0), bias(Math.Atanh(0.5)));
        var x = new SequenceBatch<double>(Init.Normal<double>(nx, 3, 1.0, new Random(1)), 3, 1);
        var (y, final) = new Gru<double>(w).Forward(x);
        double[] c = [0.25, 0.375, 0.4375];
        var cCell = Matrix<double>.Build.Dense(nh, 1);
        for (int t = 0; t < 3; t++)
        {
            cCell = GruCell.Forward(x.Step(t), cCell, w).C;
            for (int j = 0; j < nh; j++)
            {
                Assert.Equal(c[t], y.Data[j, t], 1e-15);
                Assert.Equal(c[t], cCell[j, 0], 1e-15);
            }
        }
        Assert.Equal(0.4375, final.H[0, 0], 1e-15);
    }

    [Fact]
    public void The_reset_gate_acts_before_the_recurrent_product()
    {
        // n_h = 2, n_x = 1, one step from c⟨0⟩ = [1, 0]. Wc's state part swaps the two units, [[0, 1], [1, 0]];
        // every other weight is 0. br = [ln 3, −ln 3] gives Γr = [3/4, 1/4]; bu = 0 gives Γu = 1/2; bc = 0.
        // Lecture (reset before):  c̃ = tanh(Wc·(Γr ⊙ c⟨0⟩)) = tanh(swap [3/4, 0]) = [tanh 0, tanh 3/4] = [0, tanh 3/4].
        // (PyTorch's reset after would give tanh(Γr ⊙ (swap c⟨0⟩)) = tanh([0, 1/4]) instead.)
        // c⟨1⟩ = Γu ⊙ c̃ + (1 − Γu) ⊙ c⟨0⟩ = [1/2, tanh(3/4)/2].
        // A second step with the same gates: Γr ⊙ c⟨1⟩ = [3/8, tanh(3/4)/8]; swapped, c̃ = [tanh(tanh(3/4)/8), tanh(3/8)];
        // c⟨2⟩ = (c̃ + c⟨1⟩)/2.
        var z = Matrix<double>.Build.Dense(2, 3);
        var wc = Tensor.FromRows([0.0, 1.0, 0.0], [1.0, 0.0, 0.0]);
        var w = new GruWeights<double>(z, z, wc, Tensor.Column(Math.Log(3), -Math.Log(3)), Tensor.Column(0.0, 0.0),
            Tensor.Column(0.0, 0.0));
        var c0 = Tensor.Column(1.0, 0.0);
        var x = SequenceBatch<double>.Zeros(1, 2, 1);
        double a = Math.Tanh(0.75) / 2;
        double[] c1 = [0.5, a];
        double[] c2 = [(Math.Tanh(a / 4) + 0.5) / 2, (Math.Tanh(0.375) + a) / 2];

        var step = GruCell.Forward(x.Step(0), c0, w);
        Assert.Equal(0.75, step.Gates.Gr[0, 0], 1e-15);
        Assert.Equal(0.25, step.Gates.Gr[1, 0], 1e-15);
        Assert.Equal(Math.Tanh(0.75), step.Gates.CTilde[1, 0], 1e-15);
        var (y, _) = new Gru<double>(w).Forward(x, new(c0));
        for (int j = 0; j < 2; j++)
        {
            Assert.Equal(c1[j], step.C[j, 0], 1e-15);
            Assert.Equal(c1[j], y.Data[j, 0], 1e-15);
            Assert.Equal(c2[j], y.Data[j, 1], 1e-15);
        }
    }

    [Fact]
    public void An_open_update_gate_writes_the_candidate_and_a_shut_one_keeps_the_memory()
    {
        // The lecture's convention c = Γu ⊙ c̃ + (1 − Γu) ⊙ c⟨t−1⟩: with bu = +40, Γu = 1 (to 1e-17) and c⟨1⟩ = c̃;
        // with bu = −40, Γu = 0 and c⟨1⟩ = c⟨0⟩. The candidate is tanh(bc) = 1/2.
        var z = Matrix<double>.Build.Dense(1, 2);
        var one = (double b) => Matrix<double>.Build.Dense(1, 1, b);
        var c0 = one(-0.3);
        var x = SequenceBatch<double>.Zeros(1, 1, 1);
        var (open, _) = new Gru<double>(new GruWeights<double>(z, z, z, one(0), one(40), one(Math.Atanh(0.5)))).Forward(x, new(c0));
        var (shut, _) = new Gru<double>(new GruWeights<double>(z, z, z, one(0), one(-40), one(Math.Atanh(0.5)))).Forward(x, new(c0));
        Assert.Equal(0.5, open.Data[0, 0], 1e-15);
        Assert.Equal(-0.3, shut.Data[0, 0], 1e-15);
    }

    [Fact]
    public void Per_gate_weights_round_trip_through_the_stacked_layout()
    {
        var rng = new Random(8);
        var w = new GruWeights<double>(Init.Normal<double>(4, 7, 1, rng), Init.Normal<double>(4, 7, 1, rng),
            Init.Normal<double>(4, 7, 1, rng), Init.Normal<double>(4, 1, 1, rng), Init.Normal<double>(4, 1, 1, rng),
            Init.Normal<double>(4, 1, 1, rng));
        var gru = new Gru<double>(w);
        Assert.Equal((3, 4), (gru.InputSize, gru.HiddenSize));
        var back = gru.Weights();
        Assert.Equal(new[] { w.Wr, w.Wu, w.Wc, w.Br, w.Bu, w.Bc }, new[] { back.Wr, back.Wu, back.Wc, back.Br, back.Bu, back.Bc });
        Assert.Equal(w.Wu.SubMatrix(0, 4, 0, 4), gru.Whru.Value.SubMatrix(4, 4, 0, 4));
        Assert.Equal(w.Wc.SubMatrix(0, 4, 0, 4), gru.Whc.Value);
        Assert.Equal(w.Wc.SubMatrix(0, 4, 4, 3), gru.Wx.Value.SubMatrix(8, 4, 0, 3));
    }
}
