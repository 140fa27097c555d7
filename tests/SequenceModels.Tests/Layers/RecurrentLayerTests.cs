using MathNet.Numerics.LinearAlgebra;
using SequenceModels;
using Xunit.Abstractions;
using static SequenceModels.Tests.Layers.RecurrentLayerKinds;

namespace SequenceModels.Tests.Layers;

/// <summary>What every recurrent layer must do, run over every layer type.</summary>
public class RecurrentLayerTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> KindsMaskedAndUnmasked =>
        Plain.Concat(Wrapped).SelectMany(k => new[] { new object[] { k, false }, [k, true] });

    [Theory]
    [MemberData(nameof(KindsMaskedAndUnmasked))]
    public void Backward_matches_finite_differences(string kind, bool padded)
    {
        var rng = new Random(1);
        var layer = Make<double>(kind, 3, 4, rng);
        int steps = 5, m = 4;
        int[]? lengths = padded ? [5, 2, 0, 4] : null;
        // Random numbers everywhere, padding included: the layer must ignore x and dOutput there.
        var x = new SequenceBatch<double>(Init.Normal<double>(3, steps * m, 1.0, rng), steps, m, lengths);
        var initial = RandomState(layer, m, rng);
        var r = Init.Normal<double>(layer.OutputSize, steps * m, 1.0, rng);
        var rh = Init.Normal<double>(layer.StateSize, m, 1.0, rng);
        var rc = Init.Normal<double>(layer.StateSize, m, 1.0, rng);
        // L = Σ y ⊙ r + Σ h_final ⊙ rh (+ Σ c_final ⊙ rc), so dL/dy = r and dL/dfinal = (rh, rc).
        double Loss()
        {
            var (y, final) = layer.Forward(x, initial);
            return Dot(y.Data, r) + Dot(final.H, rh) + (final.C is { } c ? Dot(c, rc) : 0);
        }
        SequenceBatch<double>? dx = null;
        RecurrentState<double> d0 = default;
        // The five-point stencil: the central difference's error (≈ 1e-11) is too coarse for the small gradients deep
        // in stacked and gated layers (relative errors up to 1e-6 on correct code); this one's is ≈ 1e-13.
        const double eps = GradientCheck.FourthOrderEpsilon;
        var report = GradientCheck.Run(layer.Parameters, Loss,
            () => (dx, d0) = layer.Backward(x.With(r), new(rh, layer.HasCell ? rc : null)), eps, order: 4);
        var inputs = new List<ParameterCheck>
        {
            GradientCheck.Input("x", x.Data, dx!.Data, Loss, eps, order: 4),
            GradientCheck.Input("initial.H", initial.H, d0.H, Loss, eps, order: 4),
        };
        if (layer.HasCell) inputs.Add(GradientCheck.Input("initial.C", initial.C!, d0.C!, Loss, eps, order: 4));

        var all = report.Parameters.Concat(inputs).ToList();
        double worst = all.Max(p => p.MaxRelativeError);
        output.WriteLine($"{kind}{(padded ? " (masked)" : "")}: max relative error {worst:E2}");
        foreach (var p in all) output.WriteLine("  " + p);
        Assert.True(worst <= 1e-7, string.Join(Environment.NewLine, all));
        Assert.Equal(layer.Parameters.Sum(p => p.Count), report.Parameters.Sum(p => p.Checked));
    }

    public static IEnumerable<object[]> PaddingKinds =>
        new[] { "rnn-tanh", "lstm", "lstm-reverse", "gru", "gru-reverse", "bi-lstm", "bi-gru", "stacked-lstm-residual",
            "stacked-gru", "stacked-bi-lstm-residual", "pytorch-gru", "pytorch-gru-reverse", "bi-pytorch-gru" }.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(PaddingKinds))]
    public void Padding_a_batch_differently_leaves_real_steps_and_gradients_unchanged(string kind)
    {
        var rng = new Random(2);
        var layer = Make<double>(kind, 2, 3, rng);
        int[] lengths = [3, 1, 2];
        int m = lengths.Length, nOut = layer.OutputSize;
        var initial = RandomState(layer, m, rng);
        var dFinal = RandomState(layer, m, rng);
        // The same sequences in a batch of 3 steps and one of 6; every padded position holds other random numbers.
        var tight = new SequenceBatch<double>(Init.Normal<double>(2, 3 * m, 1.0, rng), 3, m, lengths);
        var loose = new SequenceBatch<double>(Init.Normal<double>(2, 6 * m, 5.0, rng), 6, m, lengths);
        var dTight = Init.Normal<double>(nOut, 3 * m, 1.0, rng);
        var dLoose = Init.Normal<double>(nOut, 6 * m, 9.0, rng);
        foreach (var (t, b) in RealPositions(lengths))
        {
            loose.Data.SetColumn(t * m + b, tight.Data.Column(t * m + b));
            dLoose.SetColumn(t * m + b, dTight.Column(t * m + b));
        }

        var (yTight, fTight, gTight, dxTight, d0Tight) = RunBoth(layer, tight, initial, dTight, dFinal);
        var (yLoose, fLoose, gLoose, dxLoose, d0Loose) = RunBoth(layer, loose, initial, dFinal: dFinal, dOutput: dLoose);

        const double tol = 1e-13;
        foreach (var (t, b) in RealPositions(lengths))
        {
            Assert.True((yTight.Column(t * m + b) - yLoose.Column(t * m + b)).AbsoluteMaximum() < tol, $"output ({t}, {b})");
            Assert.True((dxTight.Column(t * m + b) - dxLoose.Column(t * m + b)).AbsoluteMaximum() < tol, $"dX ({t}, {b})");
        }
        for (int t = 3; t < 6; t++)
            for (int b = 0; b < m; b++)
                if (t >= lengths[b]) Assert.Equal(0.0, yLoose.Column(t * m + b).AbsoluteMaximum());
        Assert.True(Tensor.MaxAbsDifference(fTight.H, fLoose.H) < tol);
        Assert.True(Tensor.MaxAbsDifference(d0Tight.H, d0Loose.H) < tol);
        if (layer.HasCell)
        {
            Assert.True(Tensor.MaxAbsDifference(fTight.C!, fLoose.C!) < tol);
            Assert.True(Tensor.MaxAbsDifference(d0Tight.C!, d0Loose.C!) < tol);
        }
        for (int k = 0; k < gTight.Count; k++)
            Assert.True(Tensor.MaxAbsDifference(gTight[k], gLoose[k]) < tol, layer.Parameters[k].Name);
    }

    public static IEnumerable<object[]> AllKinds => All;

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Float_and_double_agree_on_the_same_weights(string kind)
    {
        // The same seed gives the same weights in both precisions (float rounds the double draws).
        var ld = Make<double>(kind, 3, 4, new Random(4));
        var lf = Make<float>(kind, 3, 4, new Random(4));
        var rng = new Random(5);
        int steps = 6, m = 3;
        int[] lengths = [6, 3, 5];
        var x = new SequenceBatch<double>(Init.Normal<double>(3, steps * m, 1.0, rng), steps, m, lengths);
        var s0 = RandomState(ld, m, rng);
        var dy = Init.Normal<double>(ld.OutputSize, steps * m, 1.0, rng);
        var dFinal = RandomState(ld, m, rng);

        var (yd, fd) = ld.Forward(x, s0);
        var (yf, ff) = lf.Forward(x.ToFloat(), s0.ToFloat());
        ld.ZeroGrad();
        lf.ZeroGrad();
        var (dxd, d0d) = ld.Backward(x.With(dy), dFinal);
        var (dxf, d0f) = lf.Backward(x.ToFloat().With(Tensor.Convert<double, float>(dy)), dFinal.ToFloat());

        double worst = 0;
        void Compare(string what, Matrix<double> d, Matrix<float> f)
        {
            var diff = Tensor.MaxAbsDifference(Tensor.Convert<float, double>(f), d) / Math.Max(1, d.Enumerate().Max(Math.Abs));
            worst = Math.Max(worst, diff);
            Assert.True(diff < 5e-6, $"{what}: float differs from double by {diff:E2}");
        }
        Compare("output", yd.Data, yf.Data);
        Compare("final.H", fd.H, ff.H);
        Compare("dX", dxd.Data, dxf.Data);
        Compare("dInitial.H", d0d.H, d0f.H);
        if (ld.HasCell)
        {
            Compare("final.C", fd.C!, ff.C!);
            Compare("dInitial.C", d0d.C!, d0f.C!);
        }
        for (int k = 0; k < ld.Parameters.Count; k++)
            Compare(ld.Parameters[k].Name, ld.Parameters[k].Grad, lf.Parameters[k].Grad);
        output.WriteLine($"{kind}: largest float/double difference (relative to the largest value) {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void The_same_seed_gives_bit_identical_parameters(string kind)
    {
        var a = Make<double>(kind, 3, 4, new Random(7));
        var b = Make<double>(kind, 3, 4, new Random(7));
        var c = Make<double>(kind, 3, 4, new Random(8));
        Assert.Equal(a.Parameters.Select(p => p.Name), b.Parameters.Select(p => p.Name));
        for (int k = 0; k < a.Parameters.Count; k++)
            Assert.Equal(Tensor.Data(a.Parameters[k].Value), Tensor.Data(b.Parameters[k].Value));
        Assert.Contains(Enumerable.Range(0, a.Parameters.Count),
            k => !Tensor.Data(a.Parameters[k].Value).SequenceEqual(Tensor.Data(c.Parameters[k].Value)));
    }

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Wrong_shapes_name_the_argument(string kind)
    {
        var layer = Make<double>(kind, 3, 4, new Random(9));
        var x = SequenceBatch<double>.Zeros(3, 2, 2);
        var e = Assert.Throws<ShapeException>(() => layer.Forward(SequenceBatch<double>.Zeros(5, 2, 2)));
        Assert.Equal("x", e.ParamName);
        e = Assert.Throws<ShapeException>(() => layer.Forward(x, new(Matrix<double>.Build.Dense(layer.StateSize + 1, 2))));
        Assert.Equal("initial.H", e.ParamName);
        layer.Forward(x);
        e = Assert.Throws<ShapeException>(() => layer.Backward(SequenceBatch<double>.Zeros(layer.OutputSize, 3, 2)));
        Assert.Equal("dOutput", e.ParamName);
    }

    private static IEnumerable<(int T, int B)> RealPositions(int[] lengths) =>
        from b in Enumerable.Range(0, lengths.Length) from t in Enumerable.Range(0, lengths[b]) select (t, b);

    private static (Matrix<double> Y, RecurrentState<double> Final, List<Matrix<double>> Grads, Matrix<double> DX,
        RecurrentState<double> DInitial) RunBoth(IRecurrentLayer<double> layer, SequenceBatch<double> x,
        RecurrentState<double> initial, Matrix<double> dOutput, RecurrentState<double> dFinal)
    {
        var (y, final) = layer.Forward(x, initial);
        layer.ZeroGrad();
        var (dx, d0) = layer.Backward(x.With(dOutput), dFinal);
        return (y.Data, final, layer.Parameters.Select(p => p.Grad.Clone()).ToList(), dx.Data, d0);
    }
}

internal static class PrecisionExtensions
{
    public static SequenceBatch<float> ToFloat(this SequenceBatch<double> x) =>
        new(Tensor.Convert<double, float>(x.Data), x.Steps, x.BatchSize, x.Lengths);

    public static RecurrentState<float> ToFloat(this RecurrentState<double> s) =>
        new(Tensor.Convert<double, float>(s.H), s.C is null ? null : Tensor.Convert<double, float>(s.C));
}
