using MathNet.Numerics.LinearAlgebra;
using SequenceModels;

namespace SequenceModels.Tests.Layers;

public class LstmTests
{
    // The finite-difference gradient check is in RecurrentLayerTests (one theory over every layer).

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_step_and_its_gradients_equal_the_cell(bool reverse)
    {
        var rng = new Random(5);
        var lstm = new Lstm<double>(3, 4, rng, reverse);
        Init.Normal<double>(16, 1, 0.5, rng).CopyTo(lstm.B.Value); // all gates off their initial biases
        int steps = 4, m = 2;
        var x = new SequenceBatch<double>(Init.Normal<double>(3, steps * m, 1.0, rng), steps, m);
        var h0 = Init.Normal<double>(4, m, 0.5, rng);
        var c0 = Init.Normal<double>(4, m, 0.5, rng);
        var dy = Init.Normal<double>(4, steps * m, 1.0, rng);
        var dhN = Init.Normal<double>(4, m, 1.0, rng);
        var dcN = Init.Normal<double>(4, m, 1.0, rng);

        var (y, final) = lstm.Forward(x, new(h0, c0));
        var gates = lstm.Gates();
        lstm.ZeroGrad();
        var (dx, d0) = lstm.Backward(x.With(dy), new(dhN, dcN));

        // The same sequence, one lecture-form cell step at a time.
        var w = lstm.Weights();
        var order = Enumerable.Range(0, steps).Select(i => reverse ? steps - 1 - i : i).ToArray();
        var cells = new Dictionary<int, (Matrix<double> HPrev, Matrix<double> CPrev, LstmStep<double> Step)>();
        var (h, c) = (h0, c0);
        foreach (int t in order)
        {
            var step = LstmCell.Forward(x.Step(t), h, c, w);
            cells[t] = (h, c, step);
            (h, c) = (step.H, step.C);
            Near(step.H, y.Step(t), 1e-14, $"h⟨{t}⟩");
            Near(step.Gates.F, gates.F.SubMatrix(0, 4, t * m, m), 1e-14, $"f⟨{t}⟩");
            Near(step.Gates.I, gates.I.SubMatrix(0, 4, t * m, m), 1e-14, $"i⟨{t}⟩");
            Near(step.Gates.CTilde, gates.CTilde.SubMatrix(0, 4, t * m, m), 1e-14, $"c̃⟨{t}⟩");
            Near(step.Gates.O, gates.O.SubMatrix(0, 4, t * m, m), 1e-14, $"o⟨{t}⟩");
        }
        Near(h, final.H, 1e-14, "final h");
        Near(c, final.C!, 1e-14, "final c");

        // Backpropagation through time with the cell's Backward, summing the weight gradients over steps.
        var (dh, dc) = (dhN, dcN);
        var sum = Zero(w);
        foreach (int t in order.Reverse())
        {
            var (hPrev, cPrev, step) = cells[t];
            var g = LstmCell.Backward(dh + dy.SubMatrix(0, 4, t * m, m), dc, x.Step(t), hPrev, cPrev, step, w);
            sum = new LstmWeights<double>(sum.Wf + g.DWf, sum.Wi + g.DWi, sum.Wc + g.DWc, sum.Wo + g.DWo,
                sum.Bf + g.DBf, sum.Bi + g.DBi, sum.Bc + g.DBc, sum.Bo + g.DBo);
            Near(g.DX, dx.Step(t), 1e-13, $"dx⟨{t}⟩");
            (dh, dc) = (g.DHPrev, g.DCPrev);
        }
        Near(dh, d0.H, 1e-13, "dh⟨0⟩");
        Near(dc, d0.C!, 1e-13, "dc⟨0⟩");
        var grads = lstm.Gradients();
        Near(sum.Wf, grads.Wf, 1e-13, "dWf");
        Near(sum.Wi, grads.Wi, 1e-13, "dWi");
        Near(sum.Wc, grads.Wc, 1e-13, "dWc");
        Near(sum.Wo, grads.Wo, 1e-13, "dWo");
        Near(sum.Bf, grads.Bf, 1e-13, "dbf");
        Near(sum.Bi, grads.Bi, 1e-13, "dbi");
        Near(sum.Bc, grads.Bc, 1e-13, "dbc");
        Near(sum.Bo, grads.Bo, 1e-13, "dbo");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void A_padded_batch_equals_the_cell_run_sequence_by_sequence(bool reverse, bool useFloat)
    {
        // The fast layer orders the sequences by length, packs their real steps, runs each step as one product and one
        // fused pass, and (on two cores) splits the batch in two: none of it may change what each sequence computes.
        var rng = new Random(11);
        int nx = 5, nh = 13, steps = 7; // 13 units: vectors and a tail in every gate block
        int[] lengths = [7, 3, 0, 7, 5, 1, 6, 2, 7, 4];
        int m = lengths.Length;
        var lstm = new Lstm<double>(nx, nh, rng, reverse);
        Init.Normal<double>(4 * nh, 1, 0.5, rng).CopyTo(lstm.B.Value);
        var x = new SequenceBatch<double>(Init.Normal<double>(nx, steps * m, 1.0, rng), steps, m, lengths);
        var h0 = Init.Normal<double>(nh, m, 0.5, rng);
        var c0 = Init.Normal<double>(nh, m, 0.5, rng);
        var dy = Init.Normal<double>(nh, steps * m, 1.0, rng);
        var dhN = Init.Normal<double>(nh, m, 1.0, rng);
        var dcN = Init.Normal<double>(nh, m, 1.0, rng);

        // The fast layer, in double or float.
        Matrix<double> y, hN, cN, dx, dh0, dc0;
        LstmWeights<double> grads;
        if (useFloat)
        {
            var f = new Lstm<float>(FloatCopy(lstm), reverse);
            var xf = new SequenceBatch<float>(Tensor.Convert<double, float>(x.Data), steps, m, lengths);
            var (yf, ff) = f.Forward(xf, new(Tensor.Convert<double, float>(h0), Tensor.Convert<double, float>(c0)));
            f.ZeroGrad();
            var (dxf, d0f) = f.Backward(xf.With(Tensor.Convert<double, float>(dy)),
                new(Tensor.Convert<double, float>(dhN), Tensor.Convert<double, float>(dcN)));
            (y, hN, cN) = (D(yf.Data), D(ff.H), D(ff.C!));
            (dx, dh0, dc0) = (D(dxf.Data), D(d0f.H), D(d0f.C!));
            var g = f.Gradients();
            grads = new LstmWeights<double>(D(g.Wf), D(g.Wi), D(g.Wc), D(g.Wo), D(g.Bf), D(g.Bi), D(g.Bc), D(g.Bo));
        }
        else
        {
            var (yd, fd) = lstm.Forward(x, new(h0, c0));
            lstm.ZeroGrad();
            var (dxd, d0d) = lstm.Backward(x.With(dy), new(dhN, dcN));
            (y, hN, cN, dx, dh0, dc0, grads) = (yd.Data, fd.H, fd.C!, dxd.Data, d0d.H, d0d.C!, lstm.Gradients());
        }

        // Each sequence alone through the lecture-form cell, forward and back.
        double tol = useFloat ? 2e-5 : 1e-12;
        var w = lstm.Weights();
        var sum = Zero(w);
        for (int b = 0; b < m; b++)
        {
            var order = Enumerable.Range(0, lengths[b]).Select(i => reverse ? lengths[b] - 1 - i : i).ToArray();
            var (h, c) = (h0.SubMatrix(0, nh, b, 1), c0.SubMatrix(0, nh, b, 1));
            var cells = new Dictionary<int, (Matrix<double> HPrev, Matrix<double> CPrev, LstmStep<double> Step)>();
            foreach (int t in order)
            {
                var step = LstmCell.Forward(x.Data.SubMatrix(0, nx, t * m + b, 1), h, c, w);
                cells[t] = (h, c, step);
                (h, c) = (step.H, step.C);
                Near(step.H, y.SubMatrix(0, nh, t * m + b, 1), tol, $"h⟨{t}⟩ of sequence {b}");
            }
            Near(h, hN.SubMatrix(0, nh, b, 1), tol, $"final h of sequence {b}");
            Near(c, cN.SubMatrix(0, nh, b, 1), tol, $"final c of sequence {b}");
            var (dh, dc) = (dhN.SubMatrix(0, nh, b, 1), dcN.SubMatrix(0, nh, b, 1));
            foreach (int t in order.Reverse())
            {
                var (hPrev, cPrev, step) = cells[t];
                var g = LstmCell.Backward(dh + dy.SubMatrix(0, nh, t * m + b, 1), dc, x.Data.SubMatrix(0, nx, t * m + b, 1),
                    hPrev, cPrev, step, w);
                sum = new LstmWeights<double>(sum.Wf + g.DWf, sum.Wi + g.DWi, sum.Wc + g.DWc, sum.Wo + g.DWo,
                    sum.Bf + g.DBf, sum.Bi + g.DBi, sum.Bc + g.DBc, sum.Bo + g.DBo);
                Near(g.DX, dx.SubMatrix(0, nx, t * m + b, 1), tol, $"dx⟨{t}⟩ of sequence {b}");
                (dh, dc) = (g.DHPrev, g.DCPrev);
            }
            Near(dh, dh0.SubMatrix(0, nh, b, 1), tol, $"dh⟨0⟩ of sequence {b}");
            Near(dc, dc0.SubMatrix(0, nh, b, 1), tol, $"dc⟨0⟩ of sequence {b}");
            for (int t = lengths[b]; t < steps; t++)
            {
                Assert.Equal(0.0, y.Column(t * m + b).AbsoluteMaximum());
                Assert.Equal(0.0, dx.Column(t * m + b).AbsoluteMaximum());
            }
        }
        double gradTol = useFloat ? 2e-4 : 1e-11;
        Near(sum.Wf, grads.Wf, gradTol, "dWf");
        Near(sum.Wi, grads.Wi, gradTol, "dWi");
        Near(sum.Wc, grads.Wc, gradTol, "dWc");
        Near(sum.Wo, grads.Wo, gradTol, "dWo");
        Near(sum.Bf, grads.Bf, gradTol, "dbf");
        Near(sum.Bi, grads.Bi, gradTol, "dbi");
        Near(sum.Bc, grads.Bc, gradTol, "dbc");
        Near(sum.Bo, grads.Bo, gradTol, "dbo");

        static Matrix<double> D(Matrix<float> m) => Tensor.Convert<float, double>(m);
        static LstmWeights<float> FloatCopy(Lstm<double> l)
        {
            var w = l.Weights();
            static Matrix<float> F(Matrix<double> m) => Tensor.Convert<double, float>(m);
            return new LstmWeights<float>(F(w.Wf), F(w.Wi), F(w.Wc), F(w.Wo), F(w.Bf), F(w.Bi), F(w.Bc), F(w.Bo));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Two_cores_give_the_same_bits_as_one(bool reverse)
    {
        // A batch small enough per step to be split between the cores, each half its own recurrence.
        var rng = new Random(12);
        int nx = 6, nh = 9, steps = 8;
        int[] lengths = [8, 2, 5, 8, 0, 3, 7, 1, 6, 4, 8, 5];
        int m = lengths.Length;
        var x = new SequenceBatch<float>(Init.Normal<float>(nx, steps * m, 1.0, rng), steps, m, lengths);
        var dy = x.With(Init.Normal<float>(nh, steps * m, 1.0, rng));
        (Matrix<float> Y, Matrix<float> H, Matrix<float> DX, Matrix<float> DH, Matrix<float>[] Grads) Run(bool serial)
        {
            var lstm = new Lstm<float>(nx, nh, new Random(3), reverse);
            bool before = Gemm.Serial;
            Gemm.Serial = serial;
            try
            {
                var (y, final) = lstm.Forward(x);
                var (dx, d0) = lstm.Backward(dy, new(final.H, final.C));
                return (y.Data, final.H, dx.Data, d0.H, lstm.Parameters.Select(p => p.Grad.Clone()).ToArray());
            }
            finally
            {
                Gemm.Serial = before;
            }
        }
        var one = Run(serial: true);
        var two = Run(serial: false);
        Assert.Equal(one.Y, two.Y);
        Assert.Equal(one.H, two.H);
        Assert.Equal(one.DX, two.DX);
        Assert.Equal(one.DH, two.DH);
        for (int k = 0; k < one.Grads.Length; k++) Assert.Equal(one.Grads[k], two.Grads[k]);
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("lstm-reverse")]
    [InlineData("bi-lstm")]
    [InlineData("stacked-bi-lstm-residual")]
    public void Prediction_gives_the_training_forward_bit_for_bit_and_leaves_its_cache(string kind)
    {
        var rng = new Random(13);
        var layer = RecurrentLayerKinds.Make<float>(kind, 4, 6, rng);
        int steps = 6;
        int[] lengths = [6, 2, 4, 0, 6, 3, 5, 1];
        int m = lengths.Length;
        var x = new SequenceBatch<float>(Init.Normal<float>(4, steps * m, 1.0, rng), steps, m, lengths);
        var other = new SequenceBatch<float>(Init.Normal<float>(4, 3 * 2, 1.0, rng), 3, 2);
        var initial = RecurrentLayerKinds.RandomState(layer, m, rng);
        var dy = x.With(Init.Normal<float>(layer.OutputSize, steps * m, 1.0, rng));

        var (y, final) = layer.Forward(x, initial);
        var (yInferred, finalInferred) = ((IPredictingLayer<float>)layer).Infer(x, initial);
        Assert.Equal(y.Data, yInferred.Data);
        Assert.Equal(final.H, finalInferred.H);
        Assert.Equal(final.C, finalInferred.C);

        // A prediction on another batch between Forward and Backward changes nothing the backward pass reads.
        layer.ZeroGrad();
        var (dx, _) = layer.Backward(dy);
        var grads = layer.Parameters.Select(p => p.Grad.Clone()).ToArray();
        layer.Forward(x, initial);
        ((IPredictingLayer<float>)layer).Infer(other);
        layer.ZeroGrad();
        var (dxAgain, _) = layer.Backward(dy);
        Assert.Equal(dx.Data, dxAgain.Data);
        for (int k = 0; k < grads.Length; k++) Assert.Equal(grads[k], layer.Parameters[k].Grad);
    }

    [Fact]
    public void Constant_gates_give_the_hand_derived_memory()
    {
        // All weights 0, so every gate is its bias through its nonlinearity, the same at every step:
        // bf = bi = bo = 0 give f = i = o = σ(0) = 1/2, and bc = atanh(1/2) gives c̃ = 1/2.
        // From c⟨0⟩ = 0:  c⟨t⟩ = f·c⟨t−1⟩ + i·c̃ = c⟨t−1⟩/2 + 1/4, so c = 1/4, 3/8, 7/16, and h⟨t⟩ = o·tanh(c⟨t⟩).
        int nh = 2, nx = 3;
        var zero = Matrix<double>.Build.Dense(nh, nh + nx);
        var bias = (double b) => Matrix<double>.Build.Dense(nh, 1, b);
        var w = new LstmWeights<double>(zero, zero, zero, zero, bias(0), bias(0), bias(Math.Atanh(0.5)), bias(0));
        double[] c = [0.25, 0.375, 0.4375];

        var x = new SequenceBatch<double>(Init.Normal<double>(nx, 3, 1.0, new Random(1)), 3, 1);
        var (y, final) = new Lstm<double>(w).Forward(x);
        var (hCell, cCell) = (Matrix<double>.Build.Dense(nh, 1), Matrix<double>.Build.Dense(nh, 1));
        for (int t = 0; t < 3; t++)
        {
            var step = LstmCell.Forward(x.Step(t), hCell, cCell, w);
            (hCell, cCell) = (step.H, step.C);
            for (int j = 0; j < nh; j++)
            {
                Assert.Equal(0.5 * Math.Tanh(c[t]), y.Data[j, t], 1e-15);
                Assert.Equal(0.5 * Math.Tanh(c[t]), step.H[j, 0], 1e-15);
                Assert.Equal(c[t], step.C[j, 0], 1e-15);
                Assert.Equal(0.5, step.Gates.F[j, 0], 1e-15);
                Assert.Equal(0.5, step.Gates.CTilde[j, 0], 1e-15);
            }
        }
        Assert.Equal(0.4375, final.C![1, 0], 1e-15);
    }

    [Fact]
    public void The_candidate_reads_the_input_and_the_gates_weigh_old_against_new()
    {
        // n_h = n_x = 1, and only the candidate sees the input: Wc = [0, 1] (h-column 0, x-column 1), so c̃ = tanh(x).
        // The other weights are 0, so the other gates are constants: bf = ln(1/3) gives f = 1/(1 + 3) = 1/4,
        // bi = ln 3 gives i = 3/4, bo = 0 gives o = 1/2. With x⟨0⟩ = atanh(0.2), x⟨1⟩ = atanh(−0.6) and c = 0 before:
        // c⟨0⟩ = 3/4·0.2 = 0.15;  c⟨1⟩ = 1/4·0.15 + 3/4·(−0.6) = −0.4125;  h = tanh(c)/2.
        var z = Matrix<double>.Build.Dense(1, 2);
        var one = (double b) => Matrix<double>.Build.Dense(1, 1, b);
        var w = new LstmWeights<double>(z, z, Tensor.FromRows([0.0, 1.0]), z, one(Math.Log(1.0 / 3)), one(Math.Log(3)),
            one(0), one(0));
        var x = SequenceBatch<double>.FromSteps([one(Math.Atanh(0.2)), one(Math.Atanh(-0.6))]);
        var (y, final) = new Lstm<double>(w).Forward(x);
        Assert.Equal(Math.Tanh(0.15) / 2, y.Data[0, 0], 1e-15);
        Assert.Equal(Math.Tanh(-0.4125) / 2, y.Data[0, 1], 1e-15);
        Assert.Equal(-0.4125, final.C![0, 0], 1e-15);
    }

    [Fact]
    public void The_forget_gate_bias_starts_at_one_and_the_others_at_zero()
    {
        var w = new Lstm<double>(3, 5, new Random(1)).Weights();
        Assert.All(w.Bf.Enumerate(), b => Assert.Equal(1.0, b));
        Assert.All(w.Bi.Enumerate().Concat(w.Bc.Enumerate()).Concat(w.Bo.Enumerate()), b => Assert.Equal(0.0, b));
    }

    [Fact]
    public void Per_gate_weights_round_trip_through_the_stacked_layout()
    {
        var rng = new Random(3);
        var w = new LstmWeights<double>(Init.Normal<double>(4, 7, 1, rng), Init.Normal<double>(4, 7, 1, rng),
            Init.Normal<double>(4, 7, 1, rng), Init.Normal<double>(4, 7, 1, rng), Init.Normal<double>(4, 1, 1, rng),
            Init.Normal<double>(4, 1, 1, rng), Init.Normal<double>(4, 1, 1, rng), Init.Normal<double>(4, 1, 1, rng));
        var lstm = new Lstm<double>(w);
        Assert.Equal((3, 4), (lstm.InputSize, lstm.HiddenSize));
        var back = lstm.Weights();
        Assert.Equal(w.Wf, back.Wf);
        Assert.Equal(w.Wi, back.Wi);
        Assert.Equal(w.Wc, back.Wc);
        Assert.Equal(w.Wo, back.Wo);
        Assert.Equal(w.Bf, back.Bf);
        Assert.Equal(w.Bo, back.Bo);
        // Row block 2 of the stacked matrices is the candidate's: Wh takes Wc's first n_h columns, Wx the rest.
        Assert.Equal(w.Wc.SubMatrix(0, 4, 0, 4), lstm.Wh.Value.SubMatrix(8, 4, 0, 4));
        Assert.Equal(w.Wc.SubMatrix(0, 4, 4, 3), lstm.Wx.Value.SubMatrix(8, 4, 0, 3));
    }

    [Fact]
    public void Padded_positions_show_no_gate_activity()
    {
        var lstm = new Lstm<double>(2, 3, new Random(4));
        var x = new SequenceBatch<double>(Init.Normal<double>(2, 3 * 2, 1.0, new Random(5)), 3, 2, [3, 1]);
        lstm.Forward(x);
        var g = lstm.Gates();
        for (int t = 1; t < 3; t++)
            foreach (var gate in new[] { g.F, g.I, g.CTilde, g.O })
                Assert.Equal(0.0, gate.Column(t * 2 + 1).AbsoluteMaximum());
        Assert.True(g.F.Column(0).Minimum() > 0);
    }

    [Fact]
    public void Cell_weights_of_the_wrong_shape_are_named()
    {
        var ok = Matrix<double>.Build.Dense(4, 7);
        var b = Matrix<double>.Build.Dense(4, 1);
        var w = new LstmWeights<double>(ok, ok, Matrix<double>.Build.Dense(4, 6), ok, b, b, b, b);
        var e = Assert.Throws<ShapeException>(() => LstmCell.Forward(Matrix<double>.Build.Dense(3, 2),
            Matrix<double>.Build.Dense(4, 2), Matrix<double>.Build.Dense(4, 2), w));
        Assert.Equal("Wc has shape (4 × 6), expected (4 × 7). (Parameter 'Wc')", e.Message);
    }

    private static LstmWeights<double> Zero(LstmWeights<double> w) => new(w.Wf * 0, w.Wi * 0, w.Wc * 0, w.Wo * 0,
        w.Bf * 0, w.Bi * 0, w.Bc * 0, w.Bo * 0);

    internal static void Near(Matrix<double> expected, Matrix<double> actual, double tolerance, string what)
    {
        double diff = Tensor.MaxAbsDifference(expected, actual);
        Assert.True(diff <= tolerance, $"{what}: differs by {diff:E2}");
    }
}
