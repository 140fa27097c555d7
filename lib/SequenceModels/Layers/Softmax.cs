using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// Softmax over each column, <c>ŷ_k = e^{z_k} / Σ_j e^{z_j}</c>, turning the scores of K classes into
/// probabilities. Numerically stable: the column maximum is subtracted first (softmax(z) = softmax(z − c)), so no
/// exponential overflows and the largest term is exactly e⁰ = 1; softmax([1000, 0]) = [1, e^−1000 = 0].
/// </summary>
public static class Softmax
{
    /// <summary>ŷ = softmax(z) for every column: z and the result are K × N.</summary>
    public static Matrix<T> Forward<T>(Matrix<T> z) where T : struct, IFloatingPointIeee754<T>
    {
        Tensor.RequireDense(z, nameof(z));
        var y = Matrix<T>.Build.Dense(z.RowCount, z.ColumnCount);
        for (int col = 0; col < z.ColumnCount; col++)
            Forward<T>(Tensor.Columns(z, col, 1), Tensor.Columns(y, col, 1));
        return y;
    }

    /// <summary>One column: y = softmax(z), both K long (they may be the same span).</summary>
    public static void Forward<T>(ReadOnlySpan<T> z, Span<T> y) where T : struct, IFloatingPointIeee754<T>
    {
        T sum = ExpShifted(z, y, out _);
        TensorPrimitives.Divide(y, sum, y);
    }

    /// <summary>
    /// dz = ŷ ⊙ (dŷ − ŷᵀdŷ) for every column (the Jacobian diag(ŷ) − ŷŷᵀ applied to dŷ), from the output ŷ.
    /// y and dY are K × N; so is the result.
    /// </summary>
    public static Matrix<T> Backward<T>(Matrix<T> y, Matrix<T> dY) where T : struct, IFloatingPointIeee754<T>
    {
        Tensor.RequireDense(y, nameof(y));
        Tensor.RequireDense(dY, nameof(dY));
        Shape.RequireSame(dY, y, nameof(dY));
        var dz = Matrix<T>.Build.Dense(y.RowCount, y.ColumnCount);
        for (int col = 0; col < y.ColumnCount; col++)
        {
            var yc = Tensor.Columns(y, col, 1);
            var dyc = Tensor.Columns(dY, col, 1);
            var dzc = Tensor.Columns(dz, col, 1);
            T dot = TensorPrimitives.Dot<T>(yc, dyc);
            TensorPrimitives.Subtract(dyc, dot, dzc);
            TensorPrimitives.Multiply(dzc, yc, dzc);
        }
        return dz;
    }

    /// <summary>e = exp(z − max z) into <paramref name="e"/>; returns Σ e (at least 1) and the maximum.</summary>
    internal static T ExpShifted<T>(ReadOnlySpan<T> z, Span<T> e, out T max) where T : struct, IFloatingPointIeee754<T>
    {
        max = TensorPrimitives.Max(z);
        TensorPrimitives.Subtract(z, max, e);
        TensorPrimitives.Exp<T>(e, e);
        return TensorPrimitives.Sum<T>(e);
    }
}

/// <summary>
/// Log-softmax over each column, <c>log ŷ_k = z_k − log Σ_j e^{z_j}</c>, the input the negative log-likelihood
/// needs. Computed as <c>(z_k − c) − log Σ_j e^{z_j − c}</c> with c the column maximum (the log-sum-exp trick), so it
/// is exact at large scores: log-softmax([1000, 0]) = [0, −1000], where the naive log(softmax) gives [0, −∞].
/// </summary>
public static class LogSoftmax
{
    /// <summary>log softmax(z) for every column: z and the result are K × N.</summary>
    public static Matrix<T> Forward<T>(Matrix<T> z) where T : struct, IFloatingPointIeee754<T>
    {
        Tensor.RequireDense(z, nameof(z));
        var y = Matrix<T>.Build.Dense(z.RowCount, z.ColumnCount);
        var scratch = new T[z.RowCount];
        for (int col = 0; col < z.ColumnCount; col++)
            Forward<T>(Tensor.Columns(z, col, 1), Tensor.Columns(y, col, 1), scratch);
        return y;
    }

    /// <summary>
    /// One column: y = log softmax(z), both K long (they may be the same span); <paramref name="scratch"/> holds at
    /// least K numbers.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> z, Span<T> y, Span<T> scratch) where T : struct, IFloatingPointIeee754<T>
    {
        var e = scratch[..z.Length];
        T sum = Softmax.ExpShifted(z, e, out T max);
        // (z − c) − log Σ e^{z − c}: the subtraction z − c is exact for the largest entry.
        TensorPrimitives.Subtract(z, max, y);
        TensorPrimitives.Subtract(y, T.Log(sum), y);
    }

    /// <summary>
    /// dz = dy − softmax(z)·Σ_k dy_k for every column, with softmax(z) = exp(y) recovered from the output y.
    /// y and dY are K × N; so is the result.
    /// </summary>
    public static Matrix<T> Backward<T>(Matrix<T> y, Matrix<T> dY) where T : struct, IFloatingPointIeee754<T>
    {
        Tensor.RequireDense(y, nameof(y));
        Tensor.RequireDense(dY, nameof(dY));
        Shape.RequireSame(dY, y, nameof(dY));
        var dz = Matrix<T>.Build.Dense(y.RowCount, y.ColumnCount);
        for (int col = 0; col < y.ColumnCount; col++)
        {
            var dyc = Tensor.Columns(dY, col, 1);
            var dzc = Tensor.Columns(dz, col, 1);
            T sum = TensorPrimitives.Sum<T>(dyc);
            TensorPrimitives.Exp<T>(Tensor.Columns(y, col, 1), dzc);
            TensorPrimitives.MultiplyAdd<T>(dzc, -sum, dyc, dzc);
        }
        return dz;
    }
}
