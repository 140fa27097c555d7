using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// General matrix product on column-major spans, BLAS style: C = α·op(A)·op(B) + β·C, where op(X) is X or Xᵀ,
/// op(A) is m × k, op(B) is k × n and C is m × n. lda, ldb and ldc are the column strides (leading dimensions).
/// The layers call this on column blocks of their buffers (one time step, or all steps at once) without copying.
/// </summary>
public static class Gemm
{
    /// <summary>C = α·op(A)·op(B) + β·C on spans. β = 0 overwrites C (even NaNs in it).</summary>
    public static void Multiply<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : struct, IFloatingPointIeee754<T>
    {
        CheckArguments(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        for (int j = 0; j < n; j++)
        {
            var cj = c.Slice(j * ldc, m);
            if (beta == T.Zero) cj.Clear();
            else if (beta != T.One) TensorPrimitives.Multiply(cj, beta, cj);
            if (k == 0 || alpha == T.Zero) continue;
            if (!transposeA)
            {
                // c_j += Σ_p α·B(p, j) · A(:, p): a sum of scaled columns of A.
                for (int p = 0; p < k; p++)
                {
                    T bpj = transposeB ? b[p * ldb + j] : b[j * ldb + p];
                    if (bpj != T.Zero) TensorPrimitives.MultiplyAdd(a.Slice(p * lda, m), alpha * bpj, cj, cj);
                }
            }
            else
            {
                // c_ij += α · A(:, i)ᵀ · op(B)(:, j): dot products of columns of A.
                if (!transposeB)
                {
                    var bj = b.Slice(j * ldb, k);
                    for (int i = 0; i < m; i++) cj[i] += alpha * TensorPrimitives.Dot(a.Slice(i * lda, k), bj);
                }
                else
                {
                    for (int i = 0; i < m; i++)
                    {
                        T sum = T.Zero;
                        var ai = a.Slice(i * lda, k);
                        for (int p = 0; p < k; p++) sum += ai[p] * b[p * ldb + j];
                        cj[i] += alpha * sum;
                    }
                }
            }
        }
    }

    /// <summary>C = α·op(A)·op(B) + β·C on dense matrices; shapes are checked and named.</summary>
    public static void Multiply<T>(Matrix<T> a, Matrix<T> b, Matrix<T> c, bool transposeA = false,
        bool transposeB = false, T? alpha = null, T? beta = null) where T : struct, IFloatingPointIeee754<T>
    {
        int m = transposeA ? a.ColumnCount : a.RowCount;
        int k = transposeA ? a.RowCount : a.ColumnCount;
        int kb = transposeB ? b.ColumnCount : b.RowCount;
        int n = transposeB ? b.RowCount : b.ColumnCount;
        if (kb != k)
            throw new ShapeException(nameof(b), $"{k} rows in op(b) to match op(a) {Shape.Of(m, k)}",
                Shape.Of(kb, n) + (transposeB ? " after transposing" : ""));
        Shape.Require(c, m, n, nameof(c));
        Multiply(transposeA, transposeB, m, n, k, alpha ?? T.One, Tensor.Data(a), a.RowCount, Tensor.Data(b),
            b.RowCount, beta ?? T.Zero, Tensor.Data(c), c.RowCount);
    }

    /// <summary>The number of floating-point operations of an m × k by k × n product (2·m·n·k).</summary>
    public static double Flops(int m, int n, int k) => 2.0 * m * n * k;

    internal static void CheckArguments(bool transposeA, bool transposeB, int m, int n, int k, int aLength, int lda,
        int bLength, int ldb, int cLength, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        CheckOperand("a", aRows, aCols, aLength, lda);
        CheckOperand("b", bRows, bCols, bLength, ldb);
        CheckOperand("c", m, n, cLength, ldc);
    }

    private static void CheckOperand(string name, int rows, int cols, int length, int ld)
    {
        if (ld < Math.Max(1, rows))
            throw new ArgumentOutOfRangeException("ld" + name, ld, $"The stride of {name} must be at least its {rows} rows.");
        if (cols > 0 && rows > 0 && (long)(cols - 1) * ld + rows > length)
            throw new ArgumentException(
                $"{name} holds {length} numbers, too few for {Shape.Of(rows, cols)} with stride {ld}.", name);
    }
}
