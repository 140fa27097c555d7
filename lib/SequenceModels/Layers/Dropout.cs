using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// Inverted dropout (Srivastava et al., 2014) for training passes: each entry is set to zero with probability p and
/// the rest are scaled by 1/(1 − p), so every entry keeps its expected value and nothing changes at prediction time.
/// The mask (0 or 1/(1 − p) per entry) is what the backward pass multiplies the gradient by.
/// <para>
/// The mask is counter-based: one 64-bit key is drawn from the generator, and entry i is dropped when a hash of
/// (key, i) falls below p·2³², so the whole mask is computed eight or sixteen entries at a time, in any order, with
/// the same result (as the Philox generators of cuRAND and PyTorch do it).
/// </para>
/// </summary>
public static class Dropout
{
    /// <summary>
    /// Drops entries of <paramref name="x"/> in place and returns the mask, one value per entry of x in its storage
    /// order. One key is drawn from <paramref name="rng"/>; the mask is a function of that key.
    /// </summary>
    /// <param name="x">Any matrix, changed in place.</param>
    /// <param name="p">The probability of dropping an entry, in [0, 1).</param>
    /// <param name="rng">The seeded generator of the mask's key.</param>
    public static T[] Apply<T>(Matrix<T> x, double p, Random rng) where T : struct, IFloatingPointIeee754<T>
    {
        T[]? mask = null;
        Apply(x, p, rng, ref mask);
        return mask;
    }

    /// <summary><see cref="Apply{T}(Matrix{T}, double, Random)"/> into a mask buffer that is reused when it has the right length.</summary>
    internal static void Apply<T>(Matrix<T> x, double p, Random rng, [System.Diagnostics.CodeAnalysis.NotNull] ref T[]? mask)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(rng);
        if (p is < 0 or >= 1 || double.IsNaN(p))
            throw new ArgumentOutOfRangeException(nameof(p), p, "The dropout probability must be in [0, 1).");
        var data = Tensor.Data(x);
        if (mask is null || mask.Length != data.Length) mask = new T[data.Length];
        Mask(mask, p, (ulong)rng.NextInt64());
        TensorPrimitives.Multiply(data, mask, data);
    }

    /// <summary>The backward pass: multiplies the gradient <paramref name="dx"/> in place by the mask of <see cref="Apply{T}(Matrix{T}, double, Random)"/>.</summary>
    /// <param name="dx">The gradient with respect to the dropped matrix's output, same shape as that matrix.</param>
    /// <param name="mask">The mask <see cref="Apply{T}(Matrix{T}, double, Random)"/> returned.</param>
    public static void Backward<T>(Matrix<T> dx, T[] mask) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(dx);
        ArgumentNullException.ThrowIfNull(mask);
        var data = Tensor.Data(dx);
        if (data.Length != mask.Length)
            throw new ShapeException(nameof(dx), $"{mask.Length} entries, as the mask", $"({dx.RowCount} × {dx.ColumnCount})");
        TensorPrimitives.Multiply(data, mask, data);
    }

    /// <summary>mask[i] = 0 when Hash(key, i) &lt; p·2³², 1/(1 − p) otherwise.</summary>
    internal static void Mask<T>(Span<T> mask, double p, ulong key) where T : struct, IFloatingPointIeee754<T>
    {
        uint threshold = (uint)Math.Min(uint.MaxValue, Math.Round(p * 4294967296.0));
        T keep = T.CreateChecked(1 / (1 - p));
        uint k0 = (uint)key, k1 = (uint)(key >> 32);
        int i = 0;
        if (typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated)
        {
            var m = MemoryMarshal.Cast<T, float>(mask);
            float keepF = float.CreateChecked(keep);
            if (Vector512.IsHardwareAccelerated)
            {
                var index = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
                for (; i <= m.Length - 16; i += 16, index += Vector512.Create(16u))
                {
                    var drop = Vector512.LessThan(Hash(index, k0, k1), Vector512.Create(threshold));
                    Vector512.ConditionalSelect(drop.AsSingle(), Vector512<float>.Zero, Vector512.Create(keepF))
                        .StoreUnsafe(ref MemoryMarshal.GetReference(m), (nuint)i);
                }
            }
            else
            {
                var index = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
                for (; i <= m.Length - 8; i += 8, index += Vector256.Create(8u))
                {
                    var drop = Vector256.LessThan(Hash(index, k0, k1), Vector256.Create(threshold));
                    Vector256.ConditionalSelect(drop.AsSingle(), Vector256<float>.Zero, Vector256.Create(keepF))
                        .StoreUnsafe(ref MemoryMarshal.GetReference(m), (nuint)i);
                }
            }
        }
        for (; i < mask.Length; i++) mask[i] = Hash((uint)i, k0, k1) < threshold ? T.Zero : keep;
    }

    // A counter-based generator: the entry's index, keyed, through two rounds of Wellons' lowbias32 integer hash
    // (x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b; x ^= x >> 16), a bijection of 32-bit words
    // whose every output bit depends on every input bit.
    internal static uint Hash(uint i, uint k0, uint k1) => Mix(Mix(i * 0x9E3779B9u + k0) ^ k1);

    private static uint Mix(uint x)
    {
        x ^= x >> 16;
        x *= 0x7feb352du;
        x ^= x >> 15;
        x *= 0x846ca68bu;
        return x ^ (x >> 16);
    }

    private static Vector256<uint> Hash(Vector256<uint> i, uint k0, uint k1) =>
        Mix(Mix(i * Vector256.Create(0x9E3779B9u) + Vector256.Create(k0)) ^ Vector256.Create(k1));

    private static Vector256<uint> Mix(Vector256<uint> x)
    {
        x ^= Vector256.ShiftRightLogical(x, 16);
        x *= Vector256.Create(0x7feb352du);
        x ^= Vector256.ShiftRightLogical(x, 15);
        x *= Vector256.Create(0x846ca68bu);
        return x ^ Vector256.ShiftRightLogical(x, 16);
    }

    private static Vector512<uint> Hash(Vector512<uint> i, uint k0, uint k1) =>
        Mix(Mix(i * Vector512.Create(0x9E3779B9u) + Vector512.Create(k0)) ^ Vector512.Create(k1));

    private static Vector512<uint> Mix(Vector512<uint> x)
    {
        x ^= Vector512.ShiftRightLogical(x, 16);
        x *= Vector512.Create(0x7feb352du);
        x ^= Vector512.ShiftRightLogical(x, 15);
        x *= Vector512.Create(0x846ca68bu);
        return x ^ Vector512.ShiftRightLogical(x, 16);
    }
}
