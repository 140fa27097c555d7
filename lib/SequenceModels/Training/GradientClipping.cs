using System.Numerics.Tensors;

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
        ThrowIfNonFinite(parameters);
        double sum = 0;
        foreach (var p in parameters)
            foreach (var g in Tensor.Data(p.Grad))
            {
                double d = double.CreateChecked(g);
                sum += d * d;
            }
        if (!double.IsInfinity(sum)) return Math.Sqrt(sum);
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
