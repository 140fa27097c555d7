using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// One step of the gated recurrent unit (Cho et al. 2014) in the lecture's form, where the memory cell is the output
/// (a⟨t⟩ = c⟨t⟩):
/// <code>
/// Γr   = σ(Wr·[c⟨t−1⟩; x⟨t⟩] + br)           relevance (reset) gate
/// Γu   = σ(Wu·[c⟨t−1⟩; x⟨t⟩] + bu)           update gate
/// c̃    = tanh(Wc·[Γr ⊙ c⟨t−1⟩; x⟨t⟩] + bc)   candidate
/// c⟨t⟩ = Γu ⊙ c̃ + (1 − Γu) ⊙ c⟨t−1⟩
/// </code>
/// Two conventions differ from PyTorch's and cuDNN's GRU, so their weights do not carry over unchanged:
/// (a) here Γr multiplies c⟨t−1⟩ before the recurrent product (Wc·[Γr ⊙ c, x]); they apply it after,
/// r ⊙ (W_hn·h + b_hn); (b) here Γu = 1 takes the new candidate; their update gate z weights the old state,
/// h = (1 − z) ⊙ n + z ⊙ h; <see cref="PyTorchGru{T}"/> computes their form. The sequence layer <see cref="Gru{T}"/>
/// computes the same numbers as this cell, faster.
/// </summary>
public static class GruCell
{
    /// <summary>One forward step.</summary>
    /// <param name="x">x⟨t⟩, n_x × m.</param>
    /// <param name="cPrev">c⟨t−1⟩ (= a⟨t−1⟩), n_h × m.</param>
    /// <param name="w">The gate weights, each n_h × (n_h + n_x), and biases, each n_h × 1.</param>
    /// <returns>c⟨t⟩ (n_h × m) and the gate values (each n_h × m).</returns>
    public static GruStep<T> Forward<T>(Matrix<T> x, Matrix<T> cPrev, GruWeights<T> w)
        where T : struct, IFloatingPointIeee754<T>
    {
        CheckShapes(x, cPrev, w);
        var cx = cPrev.Stack(x);
        var gr = Activations.Apply(Activation.Sigmoid, Tensor.AddColumn(w.Wr * cx, w.Br));
        var gu = Activations.Apply(Activation.Sigmoid, Tensor.AddColumn(w.Wu * cx, w.Bu));
        var cTilde = Activations.Apply(Activation.Tanh, Tensor.AddColumn(w.Wc * gr.PointwiseMultiply(cPrev).Stack(x), w.Bc));
        var c = gu.PointwiseMultiply(cTilde) + (T.One - gu).PointwiseMultiply(cPrev);
        return new GruStep<T>(c, new GruGates<T>(gr, gu, cTilde));
    }

    /// <summary>
    /// One backward step: given dL/dc⟨t⟩ (from the loss at this step and from step t+1), the gradients of every input
    /// and weight. With the gate values of the forward step:
    /// <code>
    /// dΓu = dc ⊙ (c̃ − c⟨t−1⟩),   dc̃ = dc ⊙ Γu,   dc⟨t−1⟩ = dc ⊙ (1 − Γu)
    /// dz_c = dc̃ ⊙ (1 − c̃²),  dWc = dz_c·[Γr ⊙ c⟨t−1⟩; x]ᵀ,  [d(Γr ⊙ c⟨t−1⟩); dx] = Wcᵀ·dz_c
    /// dΓr = d(Γr ⊙ c⟨t−1⟩) ⊙ c⟨t−1⟩,   dc⟨t−1⟩ += d(Γr ⊙ c⟨t−1⟩) ⊙ Γr
    /// dz_r = dΓr ⊙ σ′,  dz_u = dΓu ⊙ σ′,  dW_g = dz_g·[c⟨t−1⟩; x]ᵀ,  [dc⟨t−1⟩; dx] += Wrᵀ·dz_r + Wuᵀ·dz_u
    /// </code>
    /// </summary>
    /// <param name="dc">dL/dc⟨t⟩, n_h × m.</param>
    /// <param name="x">x⟨t⟩, n_x × m.</param>
    /// <param name="cPrev">c⟨t−1⟩, n_h × m.</param>
    /// <param name="step">The forward step's result.</param>
    /// <param name="w">The weights of the forward step.</param>
    public static GruCellGradients<T> Backward<T>(Matrix<T> dc, Matrix<T> x, Matrix<T> cPrev, GruStep<T> step,
        GruWeights<T> w) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(step);
        CheckShapes(x, cPrev, w);
        Shape.RequireSame(dc, cPrev, nameof(dc));
        var (gr, gu, cTilde) = step.Gates;
        int nh = cPrev.RowCount, nx = x.RowCount, m = x.ColumnCount;
        var cx = cPrev.Stack(x);
        var rc = gr.PointwiseMultiply(cPrev);

        var dGu = dc.PointwiseMultiply(cTilde - cPrev);
        var dCTilde = dc.PointwiseMultiply(gu);
        var dCPrev = dc.PointwiseMultiply(T.One - gu);

        var dzc = dCTilde.PointwiseMultiply(T.One - cTilde.PointwiseMultiply(cTilde));
        var dRcX = w.Wc.TransposeThisAndMultiply(dzc);
        var dRc = dRcX.SubMatrix(0, nh, 0, m);
        var dGr = dRc.PointwiseMultiply(cPrev);
        dCPrev += dRc.PointwiseMultiply(gr);

        var dzr = dGr.PointwiseMultiply(gr.PointwiseMultiply(T.One - gr));
        var dzu = dGu.PointwiseMultiply(gu.PointwiseMultiply(T.One - gu));
        var dcx = w.Wr.TransposeThisAndMultiply(dzr) + w.Wu.TransposeThisAndMultiply(dzu);
        return new GruCellGradients<T>(
            DX: dRcX.SubMatrix(nh, nx, 0, m) + dcx.SubMatrix(nh, nx, 0, m),
            DCPrev: dCPrev + dcx.SubMatrix(0, nh, 0, m),
            DWr: dzr.TransposeAndMultiply(cx),
            DWu: dzu.TransposeAndMultiply(cx),
            DWc: dzc.TransposeAndMultiply(rc.Stack(x)),
            DBr: Tensor.RowSums(dzr),
            DBu: Tensor.RowSums(dzu),
            DBc: Tensor.RowSums(dzc));
    }

    private static void CheckShapes<T>(Matrix<T> x, Matrix<T> cPrev, GruWeights<T> w)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(w);
        w.CheckShapes(x.RowCount);
        Shape.Require(cPrev, w.HiddenSize, x.ColumnCount, nameof(cPrev));
    }
}

/// <summary>
/// The GRU's weights in the lecture's form: one matrix per gate over [c⟨t−1⟩; x⟨t⟩] (for Wc, over
/// [Γr ⊙ c⟨t−1⟩; x⟨t⟩]); the first n_h columns multiply the state, the last n_x the input.
/// </summary>
/// <param name="Wr">Relevance (reset) gate Γr, n_h × (n_h + n_x).</param>
/// <param name="Wu">Update gate Γu, n_h × (n_h + n_x).</param>
/// <param name="Wc">Candidate c̃, n_h × (n_h + n_x).</param>
/// <param name="Br">n_h × 1.</param>
/// <param name="Bu">n_h × 1.</param>
/// <param name="Bc">n_h × 1.</param>
public sealed record GruWeights<T>(Matrix<T> Wr, Matrix<T> Wu, Matrix<T> Wc, Matrix<T> Br, Matrix<T> Bu, Matrix<T> Bc)
    where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>n_h.</summary>
    public int HiddenSize => Br.RowCount;

    /// <summary>n_x (the columns of a gate matrix after the first n_h).</summary>
    public int InputSize => Wr.ColumnCount - HiddenSize;

    /// <summary>Throws <see cref="ShapeException"/> unless every matrix fits n_h = Br's rows and n_x = inputSize.</summary>
    internal void CheckShapes(int inputSize)
    {
        ArgumentNullException.ThrowIfNull(Br, nameof(Br));
        int nh = HiddenSize;
        Shape.Require(Wr, nh, nh + inputSize, nameof(Wr));
        Shape.Require(Wu, nh, nh + inputSize, nameof(Wu));
        Shape.Require(Wc, nh, nh + inputSize, nameof(Wc));
        Shape.Require(Bu, nh, 1, nameof(Bu));
        Shape.Require(Bc, nh, 1, nameof(Bc));
    }
}

/// <summary>The GRU's gate values, each n_h × m for one step (or n_h × (T·m) for a whole sequence layer).</summary>
/// <param name="Gr">Γr, the relevance (reset) gate, in (0, 1): how much of c⟨t−1⟩ the candidate sees.</param>
/// <param name="Gu">Γu, the update gate, in (0, 1): 1 writes the candidate, 0 keeps c⟨t−1⟩.</param>
/// <param name="CTilde">c̃, the candidate, in (−1, 1).</param>
public sealed record GruGates<T>(Matrix<T> Gr, Matrix<T> Gu, Matrix<T> CTilde) where T : struct, IFloatingPointIeee754<T>;

/// <summary>The result of one GRU step.</summary>
/// <param name="C">c⟨t⟩ = a⟨t⟩, n_h × m.</param>
/// <param name="Gates">Γr, Γu, c̃ at this step, each n_h × m.</param>
public sealed record GruStep<T>(Matrix<T> C, GruGates<T> Gates) where T : struct, IFloatingPointIeee754<T>;

/// <summary>The gradients of one GRU step, each the shape of what it differentiates.</summary>
/// <param name="DX">dL/dx⟨t⟩, n_x × m.</param>
/// <param name="DCPrev">dL/dc⟨t−1⟩, n_h × m.</param>
/// <param name="DWr">n_h × (n_h + n_x).</param>
/// <param name="DWu">n_h × (n_h + n_x).</param>
/// <param name="DWc">n_h × (n_h + n_x).</param>
/// <param name="DBr">n_h × 1.</param>
/// <param name="DBu">n_h × 1.</param>
/// <param name="DBc">n_h × 1.</param>
public sealed record GruCellGradients<T>(Matrix<T> DX, Matrix<T> DCPrev, Matrix<T> DWr, Matrix<T> DWu, Matrix<T> DWc,
    Matrix<T> DBr, Matrix<T> DBu, Matrix<T> DBc) where T : struct, IFloatingPointIeee754<T>;
