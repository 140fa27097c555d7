using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>A matrix of the wrong shape was passed; the message names the argument and both shapes.</summary>
public sealed class ShapeException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="argument"/>.</summary>
    public ShapeException(string argument, string expected, string actual)
        : base($"{argument} has shape {actual}, expected {expected}.", argument)
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The expected shape, for example <c>(50 × 64)</c>.</summary>
    public string Expected { get; }

    /// <summary>The shape that was passed.</summary>
    public string Actual { get; }
}

/// <summary>Shape checks that throw <see cref="ShapeException"/> with both shapes in the message.</summary>
public static class Shape
{
    /// <summary>Formats a shape as <c>(rows × columns)</c>.</summary>
    public static string Of(int rows, int columns) => $"({rows} × {columns})";

    /// <summary>Formats a matrix's shape.</summary>
    public static string Of<T>(Matrix<T> m) where T : struct, IEquatable<T>, IFormattable => Of(m.RowCount, m.ColumnCount);

    /// <summary>Throws unless <paramref name="m"/> is rows × columns.</summary>
    public static void Require<T>(Matrix<T> m, int rows, int columns, string argument)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(m, argument);
        if (m.RowCount != rows || m.ColumnCount != columns)
            throw new ShapeException(argument, Of(rows, columns), Of(m));
    }

    /// <summary>Throws unless <paramref name="m"/> has <paramref name="rows"/> rows.</summary>
    public static void RequireRows<T>(Matrix<T> m, int rows, string argument)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(m, argument);
        if (m.RowCount != rows) throw new ShapeException(argument, Of(rows, m.ColumnCount), Of(m));
    }

    /// <summary>Throws unless <paramref name="m"/> has the same shape as <paramref name="like"/>.</summary>
    public static void RequireSame<T>(Matrix<T> m, Matrix<T> like, string argument)
        where T : struct, IEquatable<T>, IFormattable => Require(m, like.RowCount, like.ColumnCount, argument);
}
