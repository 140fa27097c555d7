using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SequenceModels;

/// <summary>
/// Gradient clipping against exploding gradients (Pascanu, Mikolov and Bengio, 2013), and the check that stops a
/// NaN or infinite gradient before it reaches the weights. Both clipping methods run the check first, and every
/// optimiser runs it before it changes anything, so a non-finite gradient is reported, never applied.
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// Clamps every gradient entry to [−<paramref name="limit"/>, <paramref name="limit"/>], in place. Simple, but
    /// it changes the gradient's direction; clipping by norm does not.
    /// </summary>
    /// <returns>How many entries were clipped.</returns>
    /// <exception cref="NonFiniteGradientException">A gradient holds NaN or ±∞ (nothing is changed).</exception>
    public static long ClipByValue<T>(IReadOnlyList<Parameter<T>> parameters, double limit)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ThrowIfNonFinite(parameters);
        T max = T.CreateChecked(limit), min = -max;
        long clipped = 0;
        foreach (var p in parameters)
        {
            var g = Tensor.Data(p.Grad);
            for (int i = 0; i < g.Length; i++)
            {
                if (g[i] > max) { g[i] = max; clipped++; }
                else if (g[i] < min) { g[i] = min; clipped++; }
            }
        }
        return clipped;
    }

    /// <summary>
    /// If the global norm ‖g‖ = √(Σ over every parameter of Σ g²) exceeds <paramref name="maxNorm"/>, scales every
    /// gradient by maxNorm/‖g‖, in place: the direction is kept and the step length bounded.
    /// </summary>
    /// <returns>The global norm before clipping.</returns>
    /// <exception cref="NonFiniteGradientException">A gradient holds NaN or ±∞ (nothing is changed).</exception>
    public static double ClipByGlobalNorm<T>(IReadOnlyList<Parameter<T>> parameters, double maxNorm)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNorm);
        double norm = GlobalNorm(parameters);
        ScaleToNorm(parameters, norm, maxNorm);
        return norm;
    }

    /// <summary>
    /// The second half of <see cref="ClipByGlobalNorm{T}"/>, for a caller that has just measured
    /// <paramref name="norm"/> = <see cref="GlobalNorm{T}"/> of these gradients: scales them by maxNorm/norm when the
    /// norm exceeds <paramref name="maxNorm"/>, so the norm is not computed twice.
    /// </summary>
    internal static void ScaleToNorm<T>(IReadOnlyList<Parameter<T>> parameters, double norm, double maxNorm)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (!(norm > maxNorm)) return;
        var scale = T.CreateChecked(maxNorm / norm);
        foreach (var p in parameters)
        {
            var g = Tensor.Data(p.Grad);
            TensorPrimitives.Multiply(g, scale, g);
        }
    }

    /// <summary>The global norm √(Σ g²) over every parameter's gradient, computed in double precision.</summary>
    /// <exception cref="NonFiniteGradientException">A gradient holds NaN or ±∞.</exception>
    public static double GlobalNorm<T>(IReadOnlyList<Parameter<T>> parameters) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        // One pass: a NaN or ±∞ entry makes the sum NaN or +∞, and only then are the entries checked one by one.
        double sum = 0;
        foreach (var p in parameters) sum += SumOfSquares<T>(Tensor.Data(p.Grad));
        if (double.IsFinite(sum)) return Math.Sqrt(sum);
        ThrowIfNonFinite(parameters);
        // Finite doubles whose squares overflow: scale by the largest magnitude first.
        double scale = parameters.Max(p => double.CreateChecked(TensorPrimitives.MaxMagnitude<T>(Tensor.Data(p.Grad))));
        sum = 0;
        foreach (var p in parameters)
            foreach (var g in Tensor.Data(p.Grad))
            {
                double d = double.CreateChecked(g) / scale;
                sum += d * d;
            }
        return scale * Math.Sqrt(sum);
    }

    // Σ g² in double, in chunks of a fixed size summed in order (the chunks of a large gradient on all cores), so the
    // result does not depend on the number of cores.
    private const int NormChunk = 1 << 15;

    private static double SumOfSquares<T>(T[] g) where T : struct, IFloatingPointIeee754<T>
    {
        int chunks = (g.Length + NormChunk - 1) / NormChunk;
        if (chunks <= 1) return SumOfSquares<T>(g.AsSpan());
        var partial = new double[chunks];
        Parallel.For(0, chunks, c => partial[c] = SumOfSquares<T>(g.AsSpan(c * NormChunk, Math.Min(NormChunk, g.Length - c * NormChunk))));
        double sum = 0;
        foreach (double x in partial) sum += x;
        return sum;
    }

    private static double SumOfSquares<T>(ReadOnlySpan<T> g) where T : struct, IFloatingPointIeee754<T>
    {
        int i = 0;
        var s0 = Vector256<double>.Zero;
        var s1 = Vector256<double>.Zero;
        if (typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated)
        {
            var f = MemoryMarshal.Cast<T, float>(g);
            for (; i <= f.Length - 8; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(f), (nuint)i));
                s0 = Vector256.FusedMultiplyAdd(lo, lo, s0);
                s1 = Vector256.FusedMultiplyAdd(hi, hi, s1);
            }
        }
        else if (typeof(T) == typeof(double) && Vector256.IsHardwareAccelerated)
        {
            var d = MemoryMarshal.Cast<T, double>(g);
            for (; i <= d.Length - 8; i += 8)
            {
                var a = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(d), (nuint)i);
                var b = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(d), (nuint)(i + 4));
                s0 = Vector256.FusedMultiplyAdd(a, a, s0);
                s1 = Vector256.FusedMultiplyAdd(b, b, s1);
            }
        }
        double sum = Vector256.Sum(s0 + s1);
        for (; i < g.Length; i++)
        {
            double x = double.CreateChecked(g[i]);
            sum += x * x;
        }
        return sum;
    }

    /// <summary>Throws if any gradient entry is NaN or ±∞, naming the first parameter and entry where it is.</summary>
    /// <exception cref="NonFiniteGradientException">A gradient holds NaN or ±∞.</exception>
    public static void ThrowIfNonFinite<T>(IReadOnlyList<Parameter<T>> parameters) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var p in parameters)
        {
            var g = Tensor.Data(p.Grad);
            if (TensorPrimitives.IsFiniteAll<T>(g)) continue;
            int i = 0;
            while (T.IsFinite(g[i])) i++;
            int rows = p.Grad.RowCount;
            throw new NonFiniteGradientException(p.Name, i % rows, i / rows, double.CreateChecked(g[i]));
        }
    }
}

/// <summary>
/// A gradient held NaN or ±∞ (an exploding gradient, a log of zero, a division by zero upstream). The message names
/// the parameter and its first bad entry; no parameter was updated.
/// </summary>
public sealed class NonFiniteGradientException : ArithmeticException
{
    /// <summary>Creates the exception for entry (row, column) of <paramref name="parameter"/>'s gradient.</summary>
    public NonFiniteGradientException(string parameter, int row, int column, double value)
        : base($"The gradient of {parameter} is not finite: {Format(value)} at ({row}, {column}). No parameter was updated.")
    {
        Parameter = parameter;
        Row = row;
        Column = column;
        Value = value;
    }

    /// <summary>The parameter's name, for example <c>rnn.Whh</c>.</summary>
    public string Parameter { get; }

    /// <summary>The row of the first non-finite entry.</summary>
    public int Row { get; }

    /// <summary>The column of the first non-finite entry.</summary>
    public int Column { get; }

    /// <summary>The entry: NaN, +∞ or −∞.</summary>
    public double Value { get; }

    private static string Format(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+∞" : "−∞";
}
