using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// General matrix product on column-major spans, BLAS style: C = α·op(A)·op(B) + β·C, where op(X) is X or Xᵀ,
/// op(A) is m × k, op(B) is k × n and C is m × n. lda, ldb and ldc are the column strides (leading dimensions).
/// The layers call this on column blocks of their buffers (one time step, or all steps at once) without copying.
/// </summary>
public static class Gemm
{
    /// <summary>
    /// C = α·op(A)·op(B) + β·C on spans: op(A) is m × k, op(B) is k × n, C is m × n, each column-major with column
    /// stride lda, ldb, ldc. β = 0 overwrites C (even NaNs in it). float and double run on the vectorised,
    /// cache-blocked kernel (<see cref="Kernel"/>), large products on all cores; other types on the plain loop.
    /// </summary>
    public static void Multiply<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : struct, IFloatingPointIeee754<T> =>
        Multiply(GemmKernel.Best, Parts(m, n, k), transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>The product on a chosen kernel path, split into <paramref name="parts"/> parallel products.</summary>
    internal static void Multiply<T>(GemmPath path, int parts, bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : struct, IFloatingPointIeee754<T>
    {
        CheckArguments(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == T.Zero)
        {
            Scale(beta, m, n, c, ldc);
            return;
        }
        if (path == GemmPath.Portable || (typeof(T) != typeof(float) && typeof(T) != typeof(double)))
            MultiplyColumns(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else if (typeof(T) == typeof(float))
            GemmKernel.Multiply(path, parts, transposeA, transposeB, m, n, k, Unsafe.As<T, float>(ref alpha),
                MemoryMarshal.Cast<T, float>(a), lda, MemoryMarshal.Cast<T, float>(b), ldb,
                Unsafe.As<T, float>(ref beta), MemoryMarshal.Cast<T, float>(c), ldc);
        else
            GemmKernel.Multiply(path, parts, transposeA, transposeB, m, n, k, Unsafe.As<T, double>(ref alpha),
                MemoryMarshal.Cast<T, double>(a), lda, MemoryMarshal.Cast<T, double>(b), ldb,
                Unsafe.As<T, double>(ref beta), MemoryMarshal.Cast<T, double>(c), ldc);
    }

    /// <summary>The kernel this CPU runs: "Vector512", "Vector256" or "Portable".</summary>
    public static string Kernel => GemmKernel.Best.ToString();

    /// <summary>
    /// 2^21 multiply-adds (m·n·k; 128 × 128 × 128): the size from which the widest kernel splits a product over the
    /// cores. A fixed number, so that what depends on it (where <see cref="Lstm{T}"/> cuts a batch into two
    /// recurrences) gives the same numbers on every machine.
    /// </summary>
    internal const long ParallelThreshold = 1L << 21;

    // Products below this many multiply-adds stay on the calling thread. Handing half of a product to a thread-pool
    // thread costs a few µs, so two cores finish first once one core needs about 10 µs for the whole: 2^21 on a
    // Zen 5 core with AVX-512, 2^19 on a Zen 3 core with AVX2 (95 GFLOP/s; measured with `workbook bench matmul`:
    // (64×100)·(100×200) 94 → 152 GFLOP/s, (2048×50)·(50×17) 71 → 96–126, the training steps of W1–W3 no slower).
    // Splitting never changes a result: each part computes its block of C exactly as the whole product would.
    private static readonly long ParallelFrom = GemmKernel.Best == GemmPath.Vector512 ? ParallelThreshold : 1L << 19;

    private static int Parts(int m, int n, int k) =>
        t_serial || (long)m * n * k < ParallelFrom ? 1 : Environment.ProcessorCount;

    [ThreadStatic] private static bool t_serial;

    /// <summary>
    /// True while this thread runs one of several independent parts of a computation (see
    /// <see cref="ForkJoin.Invoke"/>): its products then stay on this thread, since the other cores have parts of their own.
    /// </summary>
    internal static bool Serial
    {
        get => t_serial;
        set => t_serial = value;
    }

    /// <summary>
    /// C = α·A·op(B) + β·C with A packed once beforehand (<see cref="PackedMatrix{T}.Pack(bool, int, int, ReadOnlySpan{T}, int)"/>): the products of a
    /// recurrence reuse the same weights at every step, so they are copied into the kernel's panels once, not at
    /// every step. The result is the same, bit for bit, as <see cref="Multiply{T}(bool, bool, int, int, int, T, ReadOnlySpan{T}, int, ReadOnlySpan{T}, int, T, Span{T}, int)"/>
    /// on the unpacked A. op(B) is k × n, C is m × n.
    /// </summary>
    internal static unsafe void Multiply<T>(PackedMatrix<T> a, bool transposeB, int n, T alpha, ReadOnlySpan<T> b, int ldb,
        T beta, Span<T> c, int ldc) where T : struct, IFloatingPointIeee754<T>
    {
        int m = a.Rows, k = a.Depth;
        CheckArguments(false, transposeB, m, n, k, m * k, Math.Max(1, m), b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == T.Zero)
        {
            Scale(beta, m, n, c, ldc);
            return;
        }
        if (a.Copy is { } copy)
        {
            Multiply(GemmPath.Portable, 1, a.CopyTransposed, transposeB, m, n, k, alpha, copy,
                Math.Max(1, a.CopyTransposed ? k : m), b, ldb, beta, c, ldc);
            return;
        }
        int parts = Parts(m, n, k);
        if (typeof(T) == typeof(float))
            GemmKernel.MultiplyPacked(a.Path, parts, (float*)a.Pointer, a.PackedRows, transposeB, m, n, k,
                Unsafe.As<T, float>(ref alpha), MemoryMarshal.Cast<T, float>(b), ldb, Unsafe.As<T, float>(ref beta),
                MemoryMarshal.Cast<T, float>(c), ldc);
        else
            GemmKernel.MultiplyPacked(a.Path, parts, (double*)a.Pointer, a.PackedRows, transposeB, m, n, k,
                Unsafe.As<T, double>(ref alpha), MemoryMarshal.Cast<T, double>(b), ldb, Unsafe.As<T, double>(ref beta),
                MemoryMarshal.Cast<T, double>(c), ldc);
    }

    private static void Scale<T>(T beta, int m, int n, Span<T> c, int ldc) where T : struct, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < n; j++)
        {
            var cj = c.Slice(j * ldc, m);
            if (beta == T.Zero) cj.Clear();
            else if (beta != T.One) TensorPrimitives.Multiply(cj, beta, cj);
        }
    }

    // The portable path: C column by column as sums of scaled columns of A (or dot products), each vectorised by
    // TensorPrimitives at whatever width the CPU has.
    private static void MultiplyColumns<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : struct, IFloatingPointIeee754<T>
    {
        Scale(beta, m, n, c, ldc);
        for (int j = 0; j < n; j++)
        {
            var cj = c.Slice(j * ldc, m);
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

    /// <summary>The textbook triple loop, for tests: c_ij = α·Σ_p op(A)(i, p)·op(B)(p, j) + β·c_ij.</summary>
    internal static void MultiplyReference<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : struct, IFloatingPointIeee754<T>
    {
        CheckArguments(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                    sum += (transposeA ? a[i * lda + p] : a[p * lda + i]) * (transposeB ? b[p * ldb + j] : b[j * ldb + p]);
                T old = beta == T.Zero ? T.Zero : beta * c[j * ldc + i];
                c[j * ldc + i] = alpha == T.Zero ? old : old + alpha * sum;
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

    /// <summary>
    /// Makes MathNet's float and double matrix products (<c>a * b</c>, <c>a.Multiply(b, result)</c>,
    /// <c>TransposeThisAndMultiply</c>, matrix × vector) run on this kernel, by setting MathNet's
    /// <c>LinearAlgebraControl.Provider</c>; everything else stays MathNet's managed code. Loading the library already
    /// does this, unless the program chose another provider first; <c>LinearAlgebraControl.UseManaged()</c> undoes it.
    /// </summary>
    public static void UseForMathNet() => LinearAlgebraControl.Provider = GemmLinearAlgebraProvider.Instance;

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

/// <summary>
/// op(A) of a product, copied once into the panels the kernel reads (<see cref="Gemm.Multiply{T}(PackedMatrix{T}, bool, int, T, ReadOnlySpan{T}, int, T, Span{T}, int)"/>),
/// for a matrix that multiplies many right-hand sides in turn, such as a recurrent layer's weights at every step.
/// The storage is kept and reused when the next packing needs no more.
/// </summary>
internal sealed unsafe class PackedMatrix<T> where T : struct, IFloatingPointIeee754<T>
{
    private T[]? _storage;
    private int _offset;

    /// <summary>m, the rows of op(A).</summary>
    public int Rows { get; private set; }

    /// <summary>k, the columns of op(A).</summary>
    public int Depth { get; private set; }

    internal GemmPath Path { get; private set; } = GemmKernel.Best;

    internal int PackedRows { get; private set; }

    /// <summary>A as a plain column-major copy (k × m when <see cref="CopyTransposed"/>), for the portable path and
    /// types the kernel does not know.</summary>
    internal T[]? Copy { get; private set; }

    internal bool CopyTransposed { get; private set; }

    internal void* Pointer => Unsafe.AsPointer(ref _storage![_offset]);

    /// <summary>Packs op(A), m × k, of a column-major A with column stride lda (A is k × m when transposed).</summary>
    public PackedMatrix<T> Pack(bool transposeA, int m, int k, ReadOnlySpan<T> a, int lda) => Pack(GemmKernel.Best, transposeA, m, k, a, lda);

    internal PackedMatrix<T> Pack(GemmPath path, bool transposeA, int m, int k, ReadOnlySpan<T> a, int lda)
    {
        Gemm.CheckArguments(transposeA, false, m, 1, k, a.Length, lda, Math.Max(1, k), Math.Max(1, k), Math.Max(1, m), Math.Max(1, m));
        (Rows, Depth, Path) = (m, k, path);
        if (path == GemmPath.Portable || (typeof(T) != typeof(float) && typeof(T) != typeof(double)))
        {
            var copy = Copy is { } c && c.Length >= m * k ? c : new T[m * k];
            int rows = transposeA ? k : m, columns = transposeA ? m : k;
            for (int j = 0; j < columns; j++) a.Slice(j * lda, rows).CopyTo(copy.AsSpan(j * rows, rows));
            (Copy, CopyTransposed) = (copy, transposeA);
            return this;
        }
        Copy = null;
        PackedRows = typeof(T) == typeof(float) ? GemmKernel.PackedRows<float>(path, m) : GemmKernel.PackedRows<double>(path, m);
        int length = PackedRows * k, pad = 64 / Unsafe.SizeOf<T>();
        if (_storage is null || _storage.Length < length + pad)
            _storage = GC.AllocateUninitializedArray<T>(length + pad, pinned: true);
        nint start = (nint)Unsafe.AsPointer(ref _storage[0]);
        _offset = (int)((((start + 63) & ~(nint)63) - start) / Unsafe.SizeOf<T>());
        if (typeof(T) == typeof(float))
            GemmKernel.Pack(path, transposeA, m, k, MemoryMarshal.Cast<T, float>(a), lda, (float*)Pointer);
        else
            GemmKernel.Pack(path, transposeA, m, k, MemoryMarshal.Cast<T, double>(a), lda, (double*)Pointer);
        return this;
    }
}
