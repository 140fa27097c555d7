using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// Inverted dropout (Srivastava et al., 2014) for training passes: each entry is set to zero with probability p and
/// the rest are scaled by 1/(1 − p), so every entry keeps its expected value and nothing changes at prediction time.
/// The mask (0 or 1/(1 − p) per entry) is what the backward pass multiplies the gradient by.
/// </summary>
public static class Dropout
{
    /// <summary>
    /// Drops entries of <paramref name="x"/> in place and returns the mask, one value per entry of x in its storage
    /// order. The mask is drawn entry by entry from <paramref name="rng"/>.
    /// </summary>
    /// <param name="x">Any matrix, changed in place.</param>
    /// <param name="p">The probability of dropping an entry, in [0, 1).</param>
    /// <param name="rng">The seeded generator of the mask.</param>
    public static T[] Apply<T>(Matrix<T> x, double p, Random rng) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(rng);
        if (p is < 0 or >= 1 || double.IsNaN(p))
            throw new ArgumentOutOfRangeException(nameof(p), p, "The dropout probability must be in [0, 1).");
        var data = Tensor.Data(x);
        var mask = new T[data.Length];
        var keep = T.CreateChecked(1 / (1 - p));
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble() < p ? T.Zero : keep;
        TensorPrimitives.Multiply(data, mask, data);
        return mask;
    }

    /// <summary>The backward pass: multiplies the gradient <paramref name="dx"/> in place by the mask of <see cref="Apply{T}"/>.</summary>
    /// <param name="dx">The gradient with respect to the dropped matrix's output, same shape as that matrix.</param>
    /// <param name="mask">The mask <see cref="Apply{T}"/> returned.</param>
    public static void Backward<T>(Matrix<T> dx, T[] mask) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(dx);
        ArgumentNullException.ThrowIfNull(mask);
        var data = Tensor.Data(dx);
        if (data.Length != mask.Length)
            throw new ShapeException(nameof(dx), $"{mask.Length} entries, as the mask", $"({dx.RowCount} × {dx.ColumnCount})");
        TensorPrimitives.Multiply(data, mask, data);
    }
}
