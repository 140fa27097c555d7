using MathNet.Numerics.LinearAlgebra;
using SequenceModels;
using Xunit.Abstractions;
using static SequenceModels.Tests.Layers.PyTorchGruReference;

namespace SequenceModels.Tests.Layers;

/// <summary>
/// PyTorchGru against PyTorch itself: the numbers in PyTorchGruReference.cs come from nn.GRU in float64
/// (pytorch_gru_reference.py, beside this file, says how to re-run it). The finite-difference gradient check is in
/// RecurrentLayerTests, with every other layer.
/// </summary>
public class PyTorchGruTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-12;

    private static Matrix<double> M(double[][] rows) => Matrix<double>.Build.DenseOfRowArrays(rows);

    [Fact]
    public void Outputs_and_gradients_match_nn_GRU_in_double()
    {
        var layer = new PyTorchGru<double>(M(OneWi), M(OneWh), M(OneBi), M(OneBh));
        var x = new SequenceBatch<double>(M(OneX), 5, 3);
        var (y, final) = layer.Forward(x, new(M(OneH0)));
        layer.ZeroGrad();
        var (dx, d0) = layer.Backward(x.With(M(OneR)), new(M(OneRh)));

        Near("output", OneOutput, y.Data);
        Near("h_n", OneHn, final.H);
        Near("dWi (weight_ih_l0.grad)", OneDWi, layer.Wi.Grad);
        Near("dWh (weight_hh_l0.grad)", OneDWh, layer.Wh.Grad);
        Near("dbi (bias_ih_l0.grad)", OneDBi, layer.Bi.Grad);
        Near("dbh (bias_hh_l0.grad)", OneDBh, layer.Bh.Grad);
        Near("dx", OneDX, dx.Data);
        Near("dh0", OneDH0, d0.H);
    }

    [Fact]
    public void A_padded_bidirectional_batch_matches_nn_GRU_on_a_packed_sequence()
    {
        var forward = new PyTorchGru<double>(M(BiForwardWi), M(BiForwardWh), M(BiForwardBi), M(BiForwardBh));
        var backward = new PyTorchGru<double>(M(BiBackwardWi), M(BiBackwardWh), M(BiBackwardBi), M(BiBackwardBh), reverse: true);
        var layer = new Bidirectional<double>(forward, backward);
        var x = new SequenceBatch<double>(M(BiX), 5, 3, BiLengths);
        var (y, final) = layer.Forward(x, new(M(BiH0)));
        layer.ZeroGrad();
        var (dx, d0) = layer.Backward(x.With(M(BiR)), new(M(BiRh)));

        Near("output [→h; ←h]", BiOutput, y.Data);
        Near("h_n", BiHn, final.H);
        Near("forward dWi", BiForwardDWi, forward.Wi.Grad);
        Near("forward dWh", BiForwardDWh, forward.Wh.Grad);
        Near("forward dbi", BiForwardDBi, forward.Bi.Grad);
        Near("forward dbh", BiForwardDBh, forward.Bh.Grad);
        Near("reverse dWi", BiBackwardDWi, backward.Wi.Grad);
        Near("reverse dWh", BiBackwardDWh, backward.Wh.Grad);
        Near("reverse dbi", BiBackwardDBi, backward.Bi.Grad);
        Near("reverse dbh", BiBackwardDBh, backward.Bh.Grad);
        Near("dx", BiDX, dx.Data);
        Near("dh0", BiDH0, d0.H);
    }

    [Fact]
    public void With_the_reset_gate_open_the_lectures_weights_give_the_lectures_GRU()
    {
        var rng = new Random(21);
        Matrix<double> W() => Init.Normal<double>(4, 4 + 3, 0.7, rng);
        Matrix<double> B() => Init.Normal<double>(4, 1, 0.5, rng);
        var open = new GruWeights<double>(W() * 0, W(), W(), Matrix<double>.Build.Dense(4, 1, 40.0), B(), B()); // Γr = σ(40) = 1
        var x = new SequenceBatch<double>(Init.Normal<double>(3, 6 * 2, 1.0, rng), 6, 2);
        var c0 = Init.Normal<double>(4, 2, 0.5, rng);

        double Difference(GruWeights<double> w)
        {
            var (lecture, _) = new Gru<double>(w).Forward(x, new(c0));
            var (pytorch, _) = PyTorchGru<double>.FromLecture(w).Forward(x, new(c0));
            return Tensor.MaxAbsDifference(lecture.Data, pytorch.Data);
        }
        double same = Difference(open), different = Difference(open with { Wr = W(), Br = B() });
        output.WriteLine($"reset open: {same:E2}; reset at work: {different:E2}");
        Assert.True(same < 1e-15, $"with Γr = 1 the two forms differ by {same:E2}");
        Assert.True(different > 1e-3, $"with Γr at work the two forms differ by only {different:E2}");
    }

    [Fact]
    public void Weights_of_the_wrong_shape_name_the_argument()
    {
        var wi = Matrix<double>.Build.Dense(9, 4);
        var wh = Matrix<double>.Build.Dense(9, 3);
        var b = Matrix<double>.Build.Dense(9, 1);
        Assert.Equal("wh", Assert.Throws<ShapeException>(() => new PyTorchGru<double>(wi, Matrix<double>.Build.Dense(3, 3), b, b)).ParamName);
        Assert.Equal("wi", Assert.Throws<ShapeException>(() => new PyTorchGru<double>(Matrix<double>.Build.Dense(6, 4), wh, b, b)).ParamName);
        Assert.Equal("bh", Assert.Throws<ShapeException>(() => new PyTorchGru<double>(wi, wh, b, Matrix<double>.Build.Dense(3, 1))).ParamName);
    }

    private void Near(string what, double[][] expected, Matrix<double> actual)
    {
        var e = M(expected);
        Assert.Equal((e.RowCount, e.ColumnCount), (actual.RowCount, actual.ColumnCount));
        double worst = Tensor.MaxAbsDifference(e, actual);
        output.WriteLine($"{what,-24} largest difference from PyTorch {worst:E2}");
        Assert.True(worst <= Tolerance, $"{what} differs from PyTorch by {worst:E2}");
    }
}
