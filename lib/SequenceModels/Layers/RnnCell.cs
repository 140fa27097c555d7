using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// One step of the vanilla RNN, written as the lecture writes it (allocating, one matrix operation per term):
/// <c>h⟨t⟩ = f(Wxh·x⟨t⟩ + Whh·h⟨t−1⟩ + bh)</c>. The sequence layer <see cref="Rnn{T}"/> computes the same numbers
/// faster; the exercises are checked against this.
/// </summary>
public static class RnnCell
{
    /// <summary>One forward step.</summary>
    /// <param name="x">x⟨t⟩, n_x × m.</param>
    /// <param name="hPrev">h⟨t−1⟩, n_h × m.</param>
    /// <param name="wxh">n_h × n_x.</param>
    /// <param name="whh">n_h × n_h.</param>
    /// <param name="bh">n_h × 1.</param>
    /// <param name="activation">f: tanh in the lecture, ReLU for an IRNN.</param>
    /// <returns>h⟨t⟩, n_h × m.</returns>
    public static Matrix<T> Forward<T>(Matrix<T> x, Matrix<T> hPrev, Matrix<T> wxh, Matrix<T> whh, Matrix<T> bh,
        Activation activation = Activation.Tanh) where T : struct, IFloatingPointIeee754<T>
    {
        CheckShapes(x, hPrev, wxh, whh, bh);
        var z = wxh * x + whh * hPrev;
        return Activations.Apply(activation, Tensor.AddColumn(z, bh));
    }

    /// <summary>
    /// One backward step: given dL/dh⟨t⟩ and the step's inputs and output, the gradients of every input.
    /// With dz = dh ⊙ f′ (for tanh, f′ = 1 − h²): dWxh = dz·xᵀ, dWhh = dz·h⟨t−1⟩ᵀ, dbh = Σ_columns dz,
    /// dx = Wxhᵀ·dz, dh⟨t−1⟩ = Whhᵀ·dz.
    /// </summary>
    /// <param name="dh">dL/dh⟨t⟩, n_h × m.</param>
    /// <param name="x">x⟨t⟩, n_x × m.</param>
    /// <param name="hPrev">h⟨t−1⟩, n_h × m.</param>
    /// <param name="h">h⟨t⟩ from the forward step, n_h × m.</param>
    /// <param name="wxh">n_h × n_x.</param>
    /// <param name="whh">n_h × n_h.</param>
    /// <param name="activation">The forward step's activation.</param>
    public static RnnCellGradients<T> Backward<T>(Matrix<T> dh, Matrix<T> x, Matrix<T> hPrev, Matrix<T> h,
        Matrix<T> wxh, Matrix<T> whh, Activation activation = Activation.Tanh) where T : struct, IFloatingPointIeee754<T>
    {
        CheckShapes(x, hPrev, wxh, whh, Matrix<T>.Build.Dense(whh.RowCount, 1));
        Shape.RequireSame(h, hPrev, nameof(h));
        Shape.RequireSame(dh, hPrev, nameof(dh));
        var dz = Matrix<T>.Build.Dense(h.RowCount, h.ColumnCount);
        Activations.Backward<T>(activation, Tensor.Data(h), Tensor.Data(dh), Tensor.Data(dz));
        return new RnnCellGradients<T>(
            DX: wxh.TransposeThisAndMultiply(dz),
            DHPrev: whh.TransposeThisAndMultiply(dz),
            DWxh: dz.TransposeAndMultiply(x),
            DWhh: dz.TransposeAndMultiply(hPrev),
            DBh: Tensor.RowSums(dz));
    }

    /// <summary>
    /// The cell unrolled over a sequence: h⟨t⟩ = f(Wxh·x⟨t⟩ + Whh·h⟨t−1⟩ + bh) for t = 1..T, the same weights at every
    /// step, starting from <paramref name="h0"/>.
    /// </summary>
    /// <param name="xs">x⟨1⟩..x⟨T⟩, each n_x × m.</param>
    /// <param name="h0">The initial state, n_h × m (zeros in the lecture).</param>
    /// <param name="wxh">n_h × n_x.</param>
    /// <param name="whh">n_h × n_h.</param>
    /// <param name="bh">n_h × 1.</param>
    /// <param name="activation">f.</param>
    /// <returns>h⟨1⟩..h⟨T⟩, each n_h × m.</returns>
    public static Matrix<T>[] Unroll<T>(IReadOnlyList<Matrix<T>> xs, Matrix<T> h0, Matrix<T> wxh, Matrix<T> whh, Matrix<T> bh,
        Activation activation = Activation.Tanh) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(xs);
        var hs = new Matrix<T>[xs.Count];
        var h = h0;
        for (int t = 0; t < xs.Count; t++) hs[t] = h = Forward(xs[t], h, wxh, whh, bh, activation);
        return hs;
    }

    private static void CheckShapes<T>(Matrix<T> x, Matrix<T> hPrev, Matrix<T> wxh, Matrix<T> whh, Matrix<T> bh)
        where T : struct, IFloatingPointIeee754<T>
    {
        int nh = whh.RowCount, nx = wxh.ColumnCount, m = x.ColumnCount;
        Shape.Require(whh, nh, nh, nameof(whh));
        Shape.Require(wxh, nh, x.RowCount, nameof(wxh));
        Shape.Require(hPrev, nh, m, nameof(hPrev));
        Shape.Require(bh, nh, 1, nameof(bh));
        _ = nx;
    }
}

/// <summary>The gradients of one RNN step, each the shape of what it differentiates.</summary>
public sealed record RnnCellGradients<T>(Matrix<T> DX, Matrix<T> DHPrev, Matrix<T> DWxh, Matrix<T> DWhh, Matrix<T> DBh)
    where T : struct, IFloatingPointIeee754<T>;
