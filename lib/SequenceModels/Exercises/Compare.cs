using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels.Exercises;

/// <summary>
/// Comparisons that say what differs, for checkers: shapes first (the most common mistake), then the largest
/// difference with its position and both values.
/// </summary>
public static class Compare
{
    /// <summary>The default tolerance on the largest absolute difference.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>Null when <paramref name="actual"/> matches <paramref name="expected"/> within the tolerance, else what differs.</summary>
    public static string? Matrices(string name, Matrix<double>? expected, Matrix<double>? actual, double tolerance = Tolerance)
    {
        if (expected is null) throw new ArgumentNullException(nameof(expected));
        if (actual is null) return $"{name} is null, expected a {Shape.Of(expected)} matrix.";
        if (actual.RowCount != expected.RowCount || actual.ColumnCount != expected.ColumnCount)
        {
            var hint = actual.RowCount == expected.ColumnCount && actual.ColumnCount == expected.RowCount
                ? " (transposed?)"
                : "";
            return $"{name} has shape {Shape.Of(actual)}, expected {Shape.Of(expected)}{hint}.";
        }
        double worst = -1;
        int wi = 0, wj = 0;
        for (int j = 0; j < expected.ColumnCount; j++)
            for (int i = 0; i < expected.RowCount; i++)
            {
                double d = Math.Abs(expected[i, j] - actual[i, j]);
                if (double.IsNaN(actual[i, j])) d = double.PositiveInfinity;
                if (d > worst) (worst, wi, wj) = (d, i, j);
            }
        if (worst <= tolerance) return null;
        return $"{name} differs at ({wi}, {wj}): expected {F(expected[wi, wj])}, got {F(actual[wi, wj])} " +
               $"(largest difference {F(worst)}, tolerance {F(tolerance)}).";
    }

    /// <summary>Compares two lists of matrices (for example one per time step), naming the first that differs.</summary>
    public static string? MatrixLists(string name, IReadOnlyList<Matrix<double>>? expected, IReadOnlyList<Matrix<double>>? actual,
        double tolerance = Tolerance)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (actual is null) return $"{name} is null, expected {expected.Count} matrices.";
        if (actual.Count != expected.Count) return $"{name} has {actual.Count} entries, expected {expected.Count}.";
        for (int t = 0; t < expected.Count; t++)
            if (Matrices($"{name}[{t}]", expected[t], actual[t], tolerance) is { } problem) return problem;
        return null;
    }

    /// <summary>Compares two numbers.</summary>
    public static string? Scalars(string name, double expected, double actual, double tolerance = Tolerance) =>
        Math.Abs(expected - actual) <= tolerance || expected.Equals(actual)
            ? null
            : $"{name}: expected {F(expected)}, got {F(actual)} (tolerance {F(tolerance)}).";

    /// <summary>Compares two integer sequences exactly.</summary>
    public static string? Integers(string name, IReadOnlyList<int>? expected, IReadOnlyList<int>? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (actual is null) return $"{name} is null.";
        if (actual.Count != expected.Count) return $"{name} has {actual.Count} entries, expected {expected.Count}.";
        for (int i = 0; i < expected.Count; i++)
            if (expected[i] != actual[i]) return $"{name}[{i}] is {actual[i]}, expected {expected[i]}.";
        return null;
    }

    /// <summary>A number with 6 significant digits, invariant culture.</summary>
    public static string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
