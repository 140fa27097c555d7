using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// One step of the LSTM (Hochreiter and Schmidhuber, 1997, with the forget gate of Gers et al., 2000), written as the
/// lecture writes it: every gate looks at the concatenation [h⟨t−1⟩; x⟨t⟩],
/// <code>
/// f    = σ(Wf·[h⟨t−1⟩; x⟨t⟩] + bf)        forget gate
/// i    = σ(Wi·[h⟨t−1⟩; x⟨t⟩] + bi)        input (update) gate
/// c̃    = tanh(Wc·[h⟨t−1⟩; x⟨t⟩] + bc)     candidate
/// o    = σ(Wo·[h⟨t−1⟩; x⟨t⟩] + bo)        output gate
/// c⟨t⟩ = f ⊙ c⟨t−1⟩ + i ⊙ c̃
/// h⟨t⟩ = o ⊙ tanh(c⟨t⟩)
/// </code>
/// Allocating and readable; the sequence layer <see cref="Lstm{T}"/> computes the same numbers faster, and the
/// exercises are checked against this.
/// </summary>
public static class LstmCell
{
    /// <summary>One forward step.</summary>
    /// <param name="x">x⟨t⟩, n_x × m.</param>
    /// <param name="hPrev">h⟨t−1⟩, n_h × m.</param>
    /// <param name="cPrev">c⟨t−1⟩, n_h × m.</param>
    /// <param name="w">The gate weights, each n_h × (n_h + n_x), and biases, each n_h × 1.</param>
    /// <returns>h⟨t⟩ and c⟨t⟩ (n_h × m) and the gate values (each n_h × m).</returns>
    public static LstmStep<T> Forward<T>(Matrix<T> x, Matrix<T> hPrev, Matrix<T> cPrev, LstmWeights<T> w)
        where T : struct, IFloatingPointIeee754<T>
    {
        CheckShapes(x, hPrev, cPrev, w);
        var hx = hPrev.Stack(x);
        var f = Activations.Apply(Activation.Sigmoid, Tensor.AddColumn(w.Wf * hx, w.Bf));
        var i = Activations.Apply(Activation.Sigmoid, Tensor.AddColumn(w.Wi * hx, w.Bi));
        var cTilde = Activations.Apply(Activation.Tanh, Tensor.AddColumn(w.Wc * hx, w.Bc));
        var o = Activations.Apply(Activation.Sigmoid, Tensor.AddColumn(w.Wo * hx, w.Bo));
        var c = f.PointwiseMultiply(cPrev) + i.PointwiseMultiply(cTilde);
        var h = o.PointwiseMultiply(Activations.Apply(Activation.Tanh, c));
        return new LstmStep<T>(h, c, new LstmGates<T>(f, i, cTilde, o));
    }

    /// <summary>
    /// One backward step: given dL/dh⟨t⟩ and dL/dc⟨t⟩ (from the loss at this step and from step t+1), the gradients of
    /// every input and weight. With the gate values of the forward step:
    /// <code>
    /// do = dh ⊙ tanh(c⟨t⟩)
    /// dc = dc + dh ⊙ o ⊙ (1 − tanh²(c⟨t⟩))
    /// df = dc ⊙ c⟨t−1⟩,   di = dc ⊙ c̃,   dc̃ = dc ⊙ i,   dc⟨t−1⟩ = dc ⊙ f
    /// dz_g = dg ⊙ σ′ (or tanh′ for c̃),  dW_g = dz_g·[h⟨t−1⟩; x⟨t⟩]ᵀ,  db_g = Σ_columns dz_g
    /// [dh⟨t−1⟩; dx] = Σ_g W_gᵀ·dz_g
    /// </code>
    /// </summary>
    /// <param name="dh">dL/dh⟨t⟩, n_h × m.</param>
    /// <param name="dc">dL/dc⟨t⟩ from step t+1 (not through h⟨t⟩), n_h × m.</param>
    /// <param name="x">x⟨t⟩, n_x × m.</param>
    /// <param name="hPrev">h⟨t−1⟩, n_h × m.</param>
    /// <param name="cPrev">c⟨t−1⟩, n_h × m.</param>
    /// <param name="step">The forward step's result.</param>
    /// <param name="w">The weights of the forward step.</param>
    public static LstmCellGradients<T> Backward<T>(Matrix<T> dh, Matrix<T> dc, Matrix<T> x, Matrix<T> hPrev,
        Matrix<T> cPrev, LstmStep<T> step, LstmWeights<T> w) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(step);
        CheckShapes(x, hPrev, cPrev, w);
        Shape.RequireSame(dh, hPrev, nameof(dh));
        Shape.RequireSame(dc, hPrev, nameof(dc));
        var (f, i, cTilde, o) = step.Gates;
        var hx = hPrev.Stack(x);
        var tanhC = Activations.Apply(Activation.Tanh, step.C);

        var dO = dh.PointwiseMultiply(tanhC);
        var dC = dc + dh.PointwiseMultiply(o).PointwiseMultiply(T.One - tanhC.PointwiseMultiply(tanhC));
        var dF = dC.PointwiseMultiply(cPrev);
        var dI = dC.PointwiseMultiply(cTilde);
        var dCTilde = dC.PointwiseMultiply(i);

        var dzf = dF.PointwiseMultiply(SigmoidDerivative(f));
        var dzi = dI.PointwiseMultiply(SigmoidDerivative(i));
        var dzc = dCTilde.PointwiseMultiply(T.One - cTilde.PointwiseMultiply(cTilde));
        var dzo = dO.PointwiseMultiply(SigmoidDerivative(o));

        var dhx = w.Wf.TransposeThisAndMultiply(dzf) + w.Wi.TransposeThisAndMultiply(dzi)
            + w.Wc.TransposeThisAndMultiply(dzc) + w.Wo.TransposeThisAndMultiply(dzo);
        int nh = hPrev.RowCount;
        return new LstmCellGradients<T>(
            DX: dhx.SubMatrix(nh, x.RowCount, 0, x.ColumnCount),
            DHPrev: dhx.SubMatrix(0, nh, 0, x.ColumnCount),
            DCPrev: dC.PointwiseMultiply(f),
            DWf: dzf.TransposeAndMultiply(hx),
            DWi: dzi.TransposeAndMultiply(hx),
            DWc: dzc.TransposeAndMultiply(hx),
            DWo: dzo.TransposeAndMultiply(hx),
            DBf: Tensor.RowSums(dzf),
            DBi: Tensor.RowSums(dzi),
            DBc: Tensor.RowSums(dzc),
            DBo: Tensor.RowSums(dzo));
    }

    /// <summary>σ′ from σ's output: y ⊙ (1 − y).</summary>
    private static Matrix<T> SigmoidDerivative<T>(Matrix<T> y) where T : struct, IFloatingPointIeee754<T> =>
        y.PointwiseMultiply(T.One - y);

    private static void CheckShapes<T>(Matrix<T> x, Matrix<T> hPrev, Matrix<T> cPrev, LstmWeights<T> w)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(w);
        int nh = w.Bf.RowCount, m = x.ColumnCount;
        w.CheckShapes(x.RowCount);
        Shape.Require(hPrev, nh, m, nameof(hPrev));
        Shape.Require(cPrev, nh, m, nameof(cPrev));
    }
}

/// <summary>
/// The LSTM's weights in the lecture's form: one matrix per gate over [h⟨t−1⟩; x⟨t⟩] (its first n_h columns multiply
/// h⟨t−1⟩, the last n_x multiply x⟨t⟩) and one bias per gate.
/// </summary>
/// <param name="Wf">Forget gate, n_h × (n_h + n_x).</param>
/// <param name="Wi">Input gate, n_h × (n_h + n_x).</param>
/// <param name="Wc">Candidate c̃, n_h × (n_h + n_x).</param>
/// <param name="Wo">Output gate, n_h × (n_h + n_x).</param>
/// <param name="Bf">Forget bias, n_h × 1.</param>
/// <param name="Bi">Input bias, n_h × 1.</param>
/// <param name="Bc">Candidate bias, n_h × 1.</param>
/// <param name="Bo">Output bias, n_h × 1.</param>
public sealed record LstmWeights<T>(Matrix<T> Wf, Matrix<T> Wi, Matrix<T> Wc, Matrix<T> Wo,
    Matrix<T> Bf, Matrix<T> Bi, Matrix<T> Bc, Matrix<T> Bo) where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>n_h.</summary>
    public int HiddenSize => Bf.RowCount;

    /// <summary>n_x (the columns of a gate matrix after the first n_h).</summary>
    public int InputSize => Wf.ColumnCount - HiddenSize;

    /// <summary>Throws <see cref="ShapeException"/> unless every matrix fits n_h = Bf's rows and n_x = inputSize.</summary>
    internal void CheckShapes(int inputSize)
    {
        ArgumentNullException.ThrowIfNull(Bf, nameof(Bf));
        int nh = HiddenSize;
        Shape.Require(Wf, nh, nh + inputSize, nameof(Wf));
        Shape.Require(Wi, nh, nh + inputSize, nameof(Wi));
        Shape.Require(Wc, nh, nh + inputSize, nameof(Wc));
        Shape.Require(Wo, nh, nh + inputSize, nameof(Wo));
        Shape.Require(Bi, nh, 1, nameof(Bi));
        Shape.Require(Bc, nh, 1, nameof(Bc));
        Shape.Require(Bo, nh, 1, nameof(Bo));
        Shape.Require(Bf, nh, 1, nameof(Bf));
    }
}

/// <summary>The LSTM's gate values, each n_h × m for one step (or n_h × (T·m) for a whole sequence layer).</summary>
/// <param name="F">Forget gate f, in (0, 1): how much of c⟨t−1⟩ to keep.</param>
/// <param name="I">Input gate i, in (0, 1): how much of the candidate to write.</param>
/// <param name="CTilde">Candidate c̃, in (−1, 1): what could be written.</param>
/// <param name="O">Output gate o, in (0, 1): how much of tanh(c⟨t⟩) to show as h⟨t⟩.</param>
public sealed record LstmGates<T>(Matrix<T> F, Matrix<T> I, Matrix<T> CTilde, Matrix<T> O)
    where T : struct, IFloatingPointIeee754<T>;

/// <summary>The result of one LSTM step.</summary>
/// <param name="H">h⟨t⟩, n_h × m.</param>
/// <param name="C">c⟨t⟩, n_h × m.</param>
/// <param name="Gates">f, i, c̃, o at this step, each n_h × m.</param>
public sealed record LstmStep<T>(Matrix<T> H, Matrix<T> C, LstmGates<T> Gates) where T : struct, IFloatingPointIeee754<T>;

/// <summary>The gradients of one LSTM step, each the shape of what it differentiates.</summary>
/// <param name="DX">dL/dx⟨t⟩, n_x × m.</param>
/// <param name="DHPrev">dL/dh⟨t−1⟩, n_h × m.</param>
/// <param name="DCPrev">dL/dc⟨t−1⟩, n_h × m.</param>
/// <param name="DWf">n_h × (n_h + n_x).</param>
/// <param name="DWi">n_h × (n_h + n_x).</param>
/// <param name="DWc">n_h × (n_h + n_x).</param>
/// <param name="DWo">n_h × (n_h + n_x).</param>
/// <param name="DBf">n_h × 1.</param>
/// <param name="DBi">n_h × 1.</param>
/// <param name="DBc">n_h × 1.</param>
/// <param name="DBo">n_h × 1.</param>
public sealed record LstmCellGradients<T>(Matrix<T> DX, Matrix<T> DHPrev, Matrix<T> DCPrev,
    Matrix<T> DWf, Matrix<T> DWi, Matrix<T> DWc, Matrix<T> DWo, Matrix<T> DBf, Matrix<T> DBi, Matrix<T> DBc, Matrix<T> DBo)
    where T : struct, IFloatingPointIeee754<T>;
