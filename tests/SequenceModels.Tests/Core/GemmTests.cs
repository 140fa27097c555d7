using System.Numerics;
using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;
using SequenceModels;

namespace SequenceModels.Tests.Core;

public class GemmTests
{
    // (m, n, k): single numbers, empty products, primes, one either side of the vector and tile widths, more rows
    // than one block of A (256 float / 128 double), deeper than one slice of k (256), many columns, and columns of A
    // 4 KB apart (1024 floats or 512 doubles: A is then copied into panels instead of read in place).
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (1, 1, 0), (0, 3, 2), (3, 0, 2), (5, 129, 0), (2, 3, 5), (7, 11, 13), (17, 17, 17), (16, 8, 1),
        (32, 8, 2), (33, 1, 65), (1, 33, 63), (48, 24, 5), (63, 65, 127), (65, 63, 129), (129, 7, 3), (31, 9, 300),
        (300, 20, 10), (257, 3, 2), (3, 4100, 2), (1024, 3, 5), (512, 5, 3),
    ];

    // (α, β): plain product, β = 0 over NaN garbage in C, accumulate, general, α = 0 (C = β·C only).
    private static readonly (double Alpha, double Beta)[] Scalars = [(1, 0), (1, 1), (-1.5, 0.5), (0.25, -2), (0, 0.5)];

    [Theory]
    [InlineData("Vector512", 1, false)]
    [InlineData("Vector512", 1, true)]
    [InlineData("Vector512", 3, false)]
    [InlineData("Vector256", 1, false)]
    [InlineData("Vector256", 2, true)]
    [InlineData("Portable", 1, false)]
    [InlineData("Portable", 1, true)]
    public void Kernel_matches_the_reference_on_odd_shapes_transposes_and_strides(string pathName, int parts, bool useDouble)
    {
        var path = Enum.Parse<GemmPath>(pathName);
        if (!Runs(path)) return; // emulated wide vectors would only make the test slow
        var rng = new Random(11);
        foreach (var (m, n, k) in Shapes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    foreach (var (alpha, beta) in Scalars)
                        foreach (int pad in new[] { 0, 3 })
                        {
                            var product = new Product(ta, tb, m, n, k, alpha, beta, pad);
                            if (useDouble) product.Check<double>(rng, path, parts);
                            else product.Check<float>(rng, path, parts);
                        }
    }

    [Fact]
    public void Random_shapes_match_the_reference()
    {
        // A property over 200 random products, through the public entry point (so on this CPU's best kernel).
        var rng = new Random(42);
        for (int test = 0; test < 200; test++)
        {
            var (alpha, beta) = Scalars[rng.Next(Scalars.Length)];
            var product = new Product(rng.Next(2) == 1, rng.Next(2) == 1, rng.Next(71), rng.Next(71), rng.Next(301),
                alpha, beta, rng.Next(6));
            product.Check<float>(rng);
            product.Check<double>(rng);
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Products_large_enough_for_all_cores_match_the_reference(bool ta, bool tb)
    {
        var rng = new Random(5);
        new Product(ta, tb, 300, 257, 65, 1, 0, 1).Check<float>(rng);
        new Product(ta, tb, 97, 700, 40, 0.5, 1, 0).Check<double>(rng);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Results_do_not_depend_on_the_split_or_the_vector_width(bool ta, bool tb)
    {
        // Each entry of C is the same chain of fused multiply-adds whichever tile or thread computes it, so training
        // runs are reproducible across core counts and across AVX2 and AVX-512 machines.
        var rng = new Random(9);
        var product = new Product(ta, tb, 131, 77, 300, 0.5, 1, 2);
        var (a, b, c) = product.Operands<float>(rng);
        float[]? first = null;
        foreach (var path in new[] { GemmPath.Vector512, GemmPath.Vector256 }.Where(Runs))
            foreach (int parts in new[] { 1, 2, 5 })
            {
                var result = (float[])c.Clone();
                product.Run(path, parts, a, b, result);
                first ??= result;
                Assert.Equal(first, result);
            }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void A_packed_operand_gives_the_same_bits_as_the_unpacked_one(bool ta, bool tb)
    {
        // The recurrent layers pack their weights once per pass and multiply every step by the packed copy.
        var rng = new Random(21);
        foreach (var path in new[] { GemmPath.Vector512, GemmPath.Vector256, GemmPath.Portable }.Where(Runs))
            foreach (var (m, n, k) in new[] { (37, 11, 300), (64, 33, 513), (5, 3, 2), (200, 300, 40) })
            {
                int lda = (ta ? k : m) + 3, ldb = (tb ? n : k) + 2, ldc = m + 1;
                var a = RandomArray<float>(lda * (ta ? m : k), rng);
                var b = RandomArray<float>(ldb * (tb ? k : n), rng);
                var c = RandomArray<float>(ldc * n, rng);
                var expected = (float[])c.Clone();
                Gemm.Multiply(path, 1, ta, tb, m, n, k, 0.5f, a, lda, b, ldb, 1f, expected, ldc);
                var packed = new PackedMatrix<float>().Pack(path, ta, m, k, a, lda);
                var actual = (float[])c.Clone();
                Gemm.Multiply(packed, tb, n, 0.5f, b, ldb, 1f, actual, ldc);
                Assert.Equal(expected, actual);
                // Packing again (another matrix, same storage) replaces the first.
                var a2 = RandomArray<float>(a.Length, rng);
                Gemm.Multiply(path, 1, ta, tb, m, n, k, 1f, a2, lda, b, ldb, 0f, expected, ldc);
                packed.Pack(path, ta, m, k, a2, lda);
                Gemm.Multiply(packed, tb, n, 1f, b, ldb, 0f, actual, ldc);
                Assert.Equal(expected, actual);
            }
    }

    [Fact]
    public void Parallel_products_from_many_threads_at_once_keep_their_parts_apart()
    {
        // Three threads fork their products over the same thread pool, over and over: each must get its own result.
        var path = GemmKernel.Best;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var callers = Enumerable.Range(0, 3).Select(caller =>
        {
            var rng = new Random(100 + caller);
            int m = 190 + 7 * caller, n = 170 - 5 * caller, k = 60 + caller;
            var a = RandomArray<float>(m * k, rng);
            var b = RandomArray<float>(k * n, rng);
            var expected = new float[m * n];
            Gemm.Multiply(path, 1, false, false, m, n, k, 1f, a, m, b, k, 0f, expected, m);
            return new Thread(() =>
            {
                var c = new float[m * n];
                for (int i = 0; i < 200; i++)
                {
                    Array.Fill(c, float.NaN);
                    Gemm.Multiply(path, 3, false, false, m, n, k, 1f, a, m, b, k, 0f, c, m);
                    if (!c.AsSpan().SequenceEqual(expected)) failures.Add($"caller {caller}, product {i}");
                }
            });
        }).ToArray();
        foreach (var thread in callers) thread.Start();
        foreach (var thread in callers) thread.Join();
        Assert.Empty(failures);
    }

    [Fact]
    public void Products_allocate_nothing_once_warmed_up()
    {
        // The recurrent layers multiply once per time step: their loops must not feed the garbage collector.
        var rng = new Random(8);
        var a = RandomArray<float>(200 * 50, rng);
        var b = RandomArray<float>(50 * 64, rng);
        var c = new float[200 * 64];
        var big = RandomArray<float>(256 * 256, rng);
        var bigC = new float[256 * 256];
        void Steps()
        {
            Gemm.Multiply(false, false, 200, 64, 50, 1f, a, 200, b, 50, 0f, c, 200);  // (200 × 50)·(50 × 64)
            Gemm.Multiply(true, false, 50, 64, 200, 0.01f, a, 200, c, 200, 0f, b, 50); // aᵀ·c
            Gemm.Multiply(false, true, 200, 50, 64, 0.01f, c, 200, b, 50, 0f, a, 200); // c·bᵀ
            Gemm.Multiply(false, false, 256, 256, 256, 1f, big, 256, big, 256, 0f, bigC, 256); // on all cores
        }
        Steps();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Steps();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("a", 5, 6, 8, 6)]
    [InlineData("b", 6, 5, 8, 6)]
    [InlineData("c", 6, 6, 7, 6)]
    public void Spans_too_short_for_their_matrices_are_rejected(string name, int aLength, int bLength, int cLength, int ldc)
    {
        // a: 2 × 3 with lda 2 needs 6 numbers; b: 3 × 2 with ldb 3 needs 6; c: 2 × 2 with ldc 6 needs 6 + 2.
        var error = Assert.ThrowsAny<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, 1f,
            new float[aLength], 2, new float[bLength], 3, 0f, new float[cLength], ldc));
        Assert.Equal(name, error.ParamName);
    }

    [Theory]
    [InlineData(false, "lda")]
    [InlineData(true, "ldb")]
    public void Strides_smaller_than_the_rows_are_rejected(bool shortB, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 3, 2, 2, 1.0,
            new double[20], shortB ? 3 : 2, new double[20], shortB ? 1 : 2, 0.0, new double[20], 3));
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void Negative_sizes_are_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply(false, false, -1, 2, 2, 1f, new float[4], 1, new float[4], 2, 0f, new float[4], 1));

    [Fact]
    public void Matrix_form_names_the_operand_of_the_wrong_shape()
    {
        var a = Matrix<double>.Build.Dense(2, 3);
        var error = Assert.Throws<ShapeException>(() => Gemm.Multiply(a, Matrix<double>.Build.Dense(4, 2), Matrix<double>.Build.Dense(2, 2)));
        Assert.Equal("b", error.ParamName);
        Assert.Throws<ShapeException>(() => Gemm.Multiply(a, Matrix<double>.Build.Dense(3, 2), Matrix<double>.Build.Dense(3, 2)));
    }

    [Theory]
    [InlineData(Transpose.DontTranspose, Transpose.DontTranspose)]
    [InlineData(Transpose.Transpose, Transpose.DontTranspose)]
    [InlineData(Transpose.DontTranspose, Transpose.Transpose)]
    [InlineData(Transpose.Transpose, Transpose.ConjugateTranspose)]
    public void Provider_products_match_the_managed_provider(Transpose ta, Transpose tb)
    {
        var rng = new Random(3);
        var fast = GemmLinearAlgebraProvider.Instance;
        var managed = ManagedLinearAlgebraProvider.Instance;
        foreach (var (m, n, k) in new[] { (1, 1, 1), (37, 19, 70), (64, 100, 200), (3, 1, 0) })
        {
            int aRows = ta == Transpose.DontTranspose ? m : k, aCols = ta == Transpose.DontTranspose ? k : m;
            int bRows = tb == Transpose.DontTranspose ? k : n, bCols = tb == Transpose.DontTranspose ? n : k;
            var a = RandomArray<double>(aRows * aCols, rng);
            var b = RandomArray<double>(bRows * bCols, rng);
            var c = RandomArray<double>(m * n, rng);
            var expected = (double[])c.Clone();
            var actual = (double[])c.Clone();
            managed.MatrixMultiplyWithUpdate(ta, tb, 0.5, a, aRows, aCols, b, bRows, bCols, -2.0, expected);
            fast.MatrixMultiplyWithUpdate(ta, tb, 0.5, a, aRows, aCols, b, bRows, bCols, -2.0, actual);
            AssertClose(expected, actual, k, 1e-15);

            var af = Array.ConvertAll(a, x => (float)x);
            var bf = Array.ConvertAll(b, x => (float)x);
            var expectedF = new float[m * n];
            var actualF = new float[m * n];
            managed.MatrixMultiplyWithUpdate(ta, tb, 1f, af, aRows, aCols, bf, bRows, bCols, 0f, expectedF);
            fast.MatrixMultiplyWithUpdate(ta, tb, 1f, af, aRows, aCols, bf, bRows, bCols, 0f, actualF);
            AssertClose(expectedF, actualF, k, 1e-6);
            if (ta == Transpose.DontTranspose && tb == Transpose.DontTranspose)
            {
                fast.MatrixMultiply(af, m, k, bf, k, n, actualF);
                AssertClose(expectedF, actualF, k, 1e-6);
            }
        }
    }

    [Fact]
    public void Provider_rejects_arrays_that_do_not_hold_their_matrices()
    {
        var fast = GemmLinearAlgebraProvider.Instance;
        Assert.Throws<ArgumentOutOfRangeException>(() => fast.MatrixMultiply(new float[5], 2, 3, new float[6], 3, 2, new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => fast.MatrixMultiply(new float[6], 2, 3, new float[6], 2, 3, new float[6]));
        Assert.Throws<ArgumentOutOfRangeException>(() => fast.MatrixMultiply(new double[6], 2, 3, new double[6], 3, 2, new double[5]));
    }

    [Fact]
    public void MathNet_products_run_on_the_fast_kernel_once_the_library_is_loaded()
    {
        var rng = new Random(4);
        var a = Init.Normal<float>(45, 30, 1.0, rng);
        var b = Init.Normal<float>(30, 20, 1.0, rng);
        var b2 = Init.Normal<float>(20, 30, 1.0, rng);
        var a2 = Init.Normal<float>(30, 45, 1.0, rng);
        Assert.IsType<GemmLinearAlgebraProvider>(LinearAlgebraControl.Provider); // installed by loading the library

        // Same operands, same kernel, same bits: MathNet's operators go through Gemm.
        var expected = Matrix<float>.Build.Dense(45, 20);
        Gemm.Multiply(a, b, expected);
        Assert.Equal(Tensor.Data(expected), Tensor.Data(a * b));
        Gemm.Multiply(a2, b, expected, transposeA: true);
        Assert.Equal(Tensor.Data(expected), Tensor.Data(a2.TransposeThisAndMultiply(b)));
        Gemm.Multiply(a, b2, expected, transposeB: true);
        Assert.Equal(Tensor.Data(expected), Tensor.Data(a.TransposeAndMultiply(b2)));

        // And those bits are the product: compared with MathNet's managed provider.
        var managed = new float[45 * 20];
        ManagedLinearAlgebraProvider.Instance.MatrixMultiply(Tensor.Data(a), 45, 30, Tensor.Data(b), 30, 20, managed);
        AssertClose(managed, Tensor.Data(a * b), 30, 1e-6);
        var v = MathNet.Numerics.LinearAlgebra.Vector<float>.Build.Dense(30, i => i % 3 - 1f);
        var av = new float[45];
        Gemm.Multiply(false, false, 45, 1, 30, 1f, Tensor.Data(a), 45, v.AsArray(), 30, 0f, av, 45);
        Assert.Equal(av, (a * v).AsArray());
        for (int i = 0; i < 45; i++)
            Assert.Equal(Enumerable.Range(0, 30).Sum(p => (double)a[i, p] * v[p]), av[i], 1e-4);
    }

    // One product C = α·op(A)·op(B) + β·C with `pad` extra rows of garbage between the columns of every operand.
    private sealed record Product(bool TransposeA, bool TransposeB, int M, int N, int K, double Alpha, double Beta, int Pad)
    {
        private int ARows => TransposeA ? K : M;
        private int ACols => TransposeA ? M : K;
        private int BRows => TransposeB ? N : K;
        private int BCols => TransposeB ? K : N;
        private int Lda => Math.Max(1, ARows) + Pad;
        private int Ldb => Math.Max(1, BRows) + Pad;
        private int Ldc => Math.Max(1, M) + Pad;

        // The shortest spans that hold the operands; padding in A and B is NaN, so reading it would show in C.
        public (T[] A, T[] B, T[] C) Operands<T>(Random rng) where T : struct, IFloatingPointIeee754<T>
        {
            var a = Operand<T>(ARows, ACols, Lda, rng);
            var b = Operand<T>(BRows, BCols, Ldb, rng);
            var c = RandomArray<T>(Length(M, N, Ldc), rng);
            if (Beta == 0) Array.Fill(c, T.NaN);
            return (a, b, c);
        }

        public void Run<T>(GemmPath path, int parts, T[] a, T[] b, T[] c) where T : struct, IFloatingPointIeee754<T> =>
            Gemm.Multiply(path, parts, TransposeA, TransposeB, M, N, K, T.CreateChecked(Alpha), a, Lda, b, Ldb,
                T.CreateChecked(Beta), c, Ldc);

        /// <summary>Runs the kernel (the public entry point when no path is given) and compares with the reference.</summary>
        public void Check<T>(Random rng, GemmPath? path = null, int parts = 1) where T : struct, IFloatingPointIeee754<T>
        {
            var (a, b, c) = Operands<T>(rng);
            var expected = (T[])c.Clone();
            T alpha = T.CreateChecked(Alpha), beta = T.CreateChecked(Beta);
            Gemm.MultiplyReference(TransposeA, TransposeB, M, N, K, alpha, a, Lda, b, Ldb, beta, expected, Ldc);
            var actual = (T[])c.Clone();
            if (path is { } p) Run(p, parts, a, b, actual);
            else Gemm.Multiply(TransposeA, TransposeB, M, N, K, alpha, a, Lda, b, Ldb, beta, actual, Ldc);

            // Rounding error of a k-term sum: at most about k·ε·Σ|α·a·b| (+ the β term), for either implementation.
            var magnitude = new T[c.Length];
            Gemm.MultiplyReference(TransposeA, TransposeB, M, N, K, T.Abs(alpha), Abs(a), Lda, Abs(b), Ldb, T.Zero,
                magnitude, Ldc);
            T eps = T.CreateChecked(typeof(T) == typeof(float) ? 1.2e-7 : 2.3e-16);
            for (int j = 0; j < N; j++)
            {
                for (int i = 0; i < Ldc && j * Ldc + i < c.Length; i++)
                {
                    int at = j * Ldc + i;
                    if (i >= M)
                    {
                        Assert.True(c[at].Equals(actual[at]), $"{this}: padding of C changed at ({i}, {j})");
                        continue;
                    }
                    T bound = magnitude[at] + (beta == T.Zero ? T.Zero : T.Abs(beta * c[at]));
                    T tolerance = T.CreateChecked(2 * (K + 2)) * eps * bound + T.CreateChecked(1e-30);
                    Assert.True(T.Abs(actual[at] - expected[at]) <= tolerance,
                        $"{typeof(T).Name} {path} parts {parts} {this}: C({i}, {j}) = {actual[at]}, expected {expected[at]}");
                }
            }
        }

        private static int Length(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : (cols - 1) * ld + rows;

        private static T[] Operand<T>(int rows, int cols, int ld, Random rng) where T : struct, IFloatingPointIeee754<T>
        {
            var x = RandomArray<T>(Length(rows, cols, ld), rng);
            for (int i = 0; i < x.Length; i++)
                if (i % ld >= rows) x[i] = T.NaN;
            return x;
        }

        private static T[] Abs<T>(T[] x) where T : struct, IFloatingPointIeee754<T> => Array.ConvertAll(x, T.Abs);
    }

    private static bool Runs(GemmPath path) => path switch
    {
        GemmPath.Vector512 => Vector512.IsHardwareAccelerated,
        GemmPath.Vector256 => Vector256.IsHardwareAccelerated,
        _ => true,
    };

    private static T[] RandomArray<T>(int length, Random rng) where T : struct, IFloatingPointIeee754<T>
    {
        var x = new T[length];
        for (int i = 0; i < length; i++) x[i] = T.CreateChecked(2 * rng.NextDouble() - 1);
        return x;
    }

    // Entries of products of values in [-1, 1] are at most k in size: compare with tolerance relative to k.
    private static void AssertClose<T>(T[] expected, T[] actual, int k, double relative) where T : struct, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        T tolerance = T.CreateChecked(relative * 4 * (k + 2));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(T.Abs(expected[i] - actual[i]) <= tolerance, $"at {i}: {actual[i]}, expected {expected[i]}");
    }
}
