using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace SequenceModels;

/// <summary>
/// Small helpers over MathNet matrices. Dense MathNet matrices are column-major: column j occupies
/// <c>Data[j·rows .. (j+1)·rows)</c>, so a block of whole columns is one contiguous span. The hot paths of the
/// layers work on those spans; everything else uses MathNet's own operations.
/// </summary>
public static class Tensor
{
    /// <summary>A dense rows × columns matrix of zeros.</summary>
    public static Matrix<T> Zeros<T>(int rows, int columns) where T : struct, IFloatingPointIeee754<T> =>
        Matrix<T>.Build.Dense(rows, columns);

    /// <summary>A dense matrix from row-major values, handy for hand-set weights in tests and notebooks.</summary>
    public static Matrix<T> FromRows<T>(params T[][] rows) where T : struct, IFloatingPointIeee754<T> =>
        Matrix<T>.Build.DenseOfRowArrays(rows);

    /// <summary>A column vector (n × 1) from values.</summary>
    public static Matrix<T> Column<T>(params T[] values) where T : struct, IFloatingPointIeee754<T> =>
        Matrix<T>.Build.Dense(values.Length, 1, (T[])values.Clone());

    /// <summary>The column-major storage array of a dense matrix (not a copy).</summary>
    public static T[] Data<T>(Matrix<T> m) where T : struct, IFloatingPointIeee754<T> =>
        m.Storage is DenseColumnMajorMatrixStorage<T> dense
            ? dense.Data
            : throw new ArgumentException("The matrix must be dense (Matrix<T>.Build.Dense...).", nameof(m));

    /// <summary>Checks that a matrix is dense, which every layer requires of its inputs and parameters.</summary>
    internal static Matrix<T> RequireDense<T>(Matrix<T> m, string argument) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(m, argument);
        if (m.Storage is not DenseColumnMajorMatrixStorage<T>)
            throw new ArgumentException($"{argument} must be a dense matrix (Matrix<T>.Build.Dense...).", argument);
        return m;
    }

    /// <summary>Columns [first, first+count) of a dense matrix as a span (no copy).</summary>
    public static Span<T> Columns<T>(Matrix<T> m, int first, int count) where T : struct, IFloatingPointIeee754<T> =>
        Data(m).AsSpan(first * m.RowCount, count * m.RowCount);

    /// <summary>Returns <c>m + b·1ᵀ</c>: the column vector <paramref name="b"/> (rows × 1) added to every column.</summary>
    public static Matrix<T> AddColumn<T>(Matrix<T> m, Matrix<T> b) where T : struct, IFloatingPointIeee754<T>
    {
        Shape.Require(b, m.RowCount, 1, nameof(b));
        var result = m.Clone();
        AddColumnInPlace(result, b);
        return result;
    }

    /// <summary>Adds the column vector <paramref name="b"/> to every column of <paramref name="m"/>, in place.</summary>
    public static void AddColumnInPlace<T>(Matrix<T> m, Matrix<T> b) where T : struct, IFloatingPointIeee754<T>
    {
        Shape.Require(b, m.RowCount, 1, nameof(b));
        var data = Data(m);
        var bias = Data(b);
        int rows = m.RowCount;
        for (int j = 0; j < m.ColumnCount; j++)
            System.Numerics.Tensors.TensorPrimitives.Add(data.AsSpan(j * rows, rows), bias, data.AsSpan(j * rows, rows));
    }

    /// <summary>The sum of each row, as a column vector (rows × 1): the gradient of a broadcast bias.</summary>
    public static Matrix<T> RowSums<T>(Matrix<T> m) where T : struct, IFloatingPointIeee754<T>
    {
        var result = Matrix<T>.Build.Dense(m.RowCount, 1);
        AccumulateRowSums(Data(m), m.RowCount, m.ColumnCount, Data(result));
        return result;
    }

    /// <summary>Adds the row sums of a rows × columns column-major block to <paramref name="sums"/>.</summary>
    internal static void AccumulateRowSums<T>(ReadOnlySpan<T> block, int rows, int columns, Span<T> sums)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < columns; j++)
            System.Numerics.Tensors.TensorPrimitives.Add(sums, block.Slice(j * rows, rows), sums);
    }

    /// <summary>Converts a matrix to another precision (float ↔ double).</summary>
    public static Matrix<TTo> Convert<TFrom, TTo>(Matrix<TFrom> m)
        where TFrom : struct, IFloatingPointIeee754<TFrom>
        where TTo : struct, IFloatingPointIeee754<TTo> =>
        Matrix<TTo>.Build.Dense(m.RowCount, m.ColumnCount, Array.ConvertAll(Data(m), TTo.CreateChecked));

    /// <summary>The largest absolute difference between two matrices of the same shape.</summary>
    public static T MaxAbsDifference<T>(Matrix<T> a, Matrix<T> b) where T : struct, IFloatingPointIeee754<T>
    {
        Shape.RequireSame(b, a, nameof(b));
        T max = T.Zero;
        var x = Data(a);
        var y = Data(b);
        for (int i = 0; i < x.Length; i++)
        {
            var d = T.Abs(x[i] - y[i]);
            if (d > max || T.IsNaN(d)) max = d;
        }
        return max;
    }
}
