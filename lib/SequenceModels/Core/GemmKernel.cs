using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SequenceModels;

/// <summary>The kernel a product runs on: the widest vectors the CPU has, or the portable loop.</summary>
internal enum GemmPath { Vector512, Vector256, Portable }

/// <summary>
/// The fast product behind <see cref="Gemm.Multiply{T}(bool, bool, int, int, int, T, ReadOnlySpan{T}, int, ReadOnlySpan{T}, int, T, Span{T}, int)"/>,
/// organised as in Goto and van de Geijn, "Anatomy of high-performance matrix multiplication" (2008): a micro-kernel
/// keeps a tile of C of MR = 2 vectors of rows × NR columns in registers while it runs down k, adding one outer
/// product of a column of A (two vector loads) and a row of B (NR broadcasts) per step. Around it, k is cut into
/// slices of KC and the rows of A into blocks that stay in the L2 cache. op(B) is read where it is (any transpose
/// or stride, through two strides); A too when its columns are contiguous, otherwise (transposed, or a stride that
/// makes columns collide in the cache) a block of A is first copied ("packed") into contiguous panels. The edges of
/// odd shapes get narrower tiles (a kernel for every width up to NR, one or two vectors tall), never padding work.
/// On a Zen 5 core (two 512-bit multiply-adds per cycle) the float kernel ran at 190–215 GFLOP/s, about twice
/// OpenBLAS 0.3.21; on a Zen 3 core (AVX2) at 95 GFLOP/s on the 512 × 512 product, as fast as MKL on one thread.
/// </summary>
internal static unsafe class GemmKernel
{
    // Depth of a slice of k: a tile's panel of A (2 vectors × KC) and of B (KC × NR) stay in the L1 and L2 caches.
    private const int KC = 256;
    // Rows of A per block: a packed block (mc × KC) stays in the 1 MB L2 cache.
    private const int ABlockBytes = 256 * 1024;

    /// <summary>The path of this CPU: Vector512 with AVX-512, Vector256 with AVX2 and FMA, else the portable loop.</summary>
    public static readonly GemmPath Best =
        Vector512.IsHardwareAccelerated ? GemmPath.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmPath.Vector256
        : GemmPath.Portable;

    /// <summary>Rows (MR) and columns (NR) of the register tile of a path; the unit in which work is split.</summary>
    public static (int Rows, int Columns) Tile<T>(GemmPath path) where T : unmanaged => path switch
    {
        GemmPath.Vector512 => (2 * Vector512<T>.Count, Ops512<T>.Columns),
        GemmPath.Vector256 => (2 * Vector256<T>.Count, Ops256<T>.Columns),
        _ => (1, 1),
    };

    /// <summary>
    /// C = α·op(A)·op(B) + β·C with k ≥ 1 and α ≠ 0 (the caller handles the rest), split into
    /// <paramref name="parts"/> independent products over rows or columns of C run in parallel.
    /// </summary>
    public static void Multiply<T>(GemmPath path, int parts, bool transposeA, bool transposeB, int m, int n, int k,
        T alpha, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            var packed = new Packed<T>(null, 0);
            if (parts <= 1) Blocked(path, transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, packed, 0);
            else Fork<T>.Run(path, parts, transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, packed);
        }
    }

    /// <summary>
    /// C = α·A·op(B) + β·C with A already packed by <see cref="Pack{T}"/> (m × k rows and depths of op(A) in
    /// <paramref name="packed"/>, <paramref name="packedRows"/> rows per slice of k): the same products, in the same
    /// order, as the unpacked call, without copying A again.
    /// </summary>
    public static void MultiplyPacked<T>(GemmPath path, int parts, T* packed, int packedRows, bool transposeB, int m, int n,
        int k, T alpha, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            var p = new Packed<T>(packed, packedRows);
            if (parts <= 1) Blocked(path, false, transposeB, m, n, k, alpha, null, m, pb, ldb, beta, pc, ldc, p, 0);
            else Fork<T>.Run(path, parts, false, transposeB, m, n, k, alpha, null, m, pb, ldb, beta, pc, ldc, p);
        }
    }

    /// <summary>
    /// The rows of the packed form of an m × k op(A): whole panels of 2w rows, the last one w or 2w rows tall
    /// (zeros below row m). A packed A holds k·PackedRows numbers: each slice of KC depths is PackedRows × kc, its
    /// panel starting at row r at offset r·kc.
    /// </summary>
    public static int PackedRows<T>(GemmPath path, int m) where T : unmanaged
    {
        var (mr, _) = Tile<T>(path);
        int w = mr / 2, rest = m % mr;
        return m / mr * mr + (rest == 0 ? 0 : rest > w ? mr : w);
    }

    /// <summary>Packs all of op(A) (m × k) into <paramref name="packed"/> (k·PackedRows numbers), slice by slice.</summary>
    public static void Pack<T>(GemmPath path, bool transposeA, int m, int k, ReadOnlySpan<T> a, int lda, T* packed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int packedRows = PackedRows<T>(path, m);
        fixed (T* pa = a)
        {
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                if (path == GemmPath.Vector512)
                    PackA<T, Vector512<T>, Ops512<T>>(transposeA, pa, lda, 0, pc, m, kc, packed + (long)pc * packedRows);
                else
                    PackA<T, Vector256<T>, Ops256<T>>(transposeA, pa, lda, 0, pc, m, kc, packed + (long)pc * packedRows);
            }
        }
    }

    // A packed A operand: null when A is read (and packed block by block) as the call goes.
    private readonly struct Packed<T>(T* data, int rows) where T : unmanaged
    {
        public readonly T* Data = data;
        public readonly int Rows = rows;
    }

    // Runs the parts of one product on the calling thread and on thread-pool threads, without allocating: one
    // Fork per calling thread, reused. Each part is a whole product on its own block of C (the longer side of C is
    // split, in whole tiles) and goes to whichever thread claims it first, so the caller never waits for a pool
    // thread that has not started, only for parts being run. The claim counter carries the number of parts in its
    // upper half, so a pool thread that comes late (queued for an earlier product) finds nothing left to claim.
    private sealed class Fork<T> : IThreadPoolWorkItem where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] private static Fork<T>? ofThisThread;
        private readonly SemaphoreSlim finished = new(0); // released once, by whoever ends the last part
        private long claims; // (parts << 32) + the next part to claim
        private int done;
        private Exception? error;
        private GemmPath path;
        private bool transposeA, transposeB, splitRows;
        private int m, n, k, lda, ldb, ldc, length, unit;
        private T alpha, beta;
        private T* a, b, c;
        private Packed<T> packed;

        public static void Run(GemmPath path, int parts, bool transposeA, bool transposeB, int m, int n, int k,
            T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc, Packed<T> packed)
        {
            var fork = ofThisThread ??= new Fork<T>();
            var (mr, nr) = Tile<T>(path);
            fork.splitRows = m > n;
            fork.length = fork.splitRows ? m : n;
            fork.unit = fork.splitRows ? mr : nr;
            parts = Math.Min(parts, (fork.length + fork.unit - 1) / fork.unit);
            (fork.path, fork.transposeA, fork.transposeB, fork.m, fork.n, fork.k) = (path, transposeA, transposeB, m, n, k);
            (fork.alpha, fork.lda, fork.ldb, fork.beta, fork.ldc) = (alpha, lda, ldb, beta, ldc);
            fork.a = a;
            fork.b = b;
            fork.c = c;
            fork.packed = packed;
            fork.done = 0;
            fork.error = null;
            Volatile.Write(ref fork.claims, (long)parts << 32);
            for (int i = 1; i < parts; i++) ThreadPool.UnsafeQueueUserWorkItem(fork, preferLocal: false);
            fork.Execute();
            fork.finished.Wait();
            if (fork.error is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
        }

        public void Execute()
        {
            while (true)
            {
                long claim = Interlocked.Increment(ref claims) - 1;
                int parts = (int)(claim >> 32), part = (int)(claim & uint.MaxValue);
                if (part >= parts) return;
                try
                {
                    RunPart(part, parts);
                }
                catch (Exception e)
                {
                    error = e;
                }
                if (Interlocked.Increment(ref done) == parts) finished.Release();
            }
        }

        private void RunPart(int part, int parts)
        {
            int units = (length + unit - 1) / unit;
            int first = Math.Min(length, (int)((long)units * part / parts) * unit);
            int last = Math.Min(length, (int)((long)units * (part + 1) / parts) * unit);
            if (last <= first) return;
            if (splitRows)
                Blocked(path, transposeA, transposeB, last - first, n, k, alpha,
                    a == null ? null : a + (transposeA ? (long)first * lda : first), lda, b, ldb, beta, c + first, ldc,
                    packed, first);
            else
                Blocked(path, transposeA, transposeB, m, last - first, k, alpha, a, lda,
                    b + (transposeB ? first : (long)first * ldb), ldb, beta, c + (long)first * ldc, ldc, packed, 0);
        }
    }

    private static void Blocked<T>(GemmPath path, bool transposeA, bool transposeB, int m, int n, int k, T alpha,
        T* a, int lda, T* b, int ldb, T beta, T* c, int ldc, Packed<T> packed, int packedRow)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (path == GemmPath.Vector512)
            Blocked<T, Vector512<T>, Ops512<T>>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, packed, packedRow);
        else
            Blocked<T, Vector256<T>, Ops256<T>>(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, packed, packedRow);
    }

    // The loops around the micro-kernel (pc, ic, jr, ir), on one thread.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocked<T, TVector, TOps>(bool transposeA, bool transposeB, int m, int n, int k, T alpha,
        T* a, int lda, T* b, int ldb, T beta, T* c, int ldc, Packed<T> packed, int packedRow)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TOps : struct, IVectorOps<TVector, T>
    {
        int w = TOps.Count, mr = 2 * w;
        int mcMax = Math.Min(RoundUp(m, mr), Math.Max(mr, ABlockBytes / (KC * sizeof(T)) / mr * mr));
        bool prepacked = packed.Data != null;
        T* packedA = prepacked ? null : PackBuffers<T>.A(mcMax * Math.Min(KC, k));
        // Panels of B as even as possible (17 columns: 6 + 6 + 5, not 8 + 8 + 1): a narrow tile has too few
        // accumulators to hide the latency of its multiply-adds.
        int panels = (n + TOps.Columns - 1) / TOps.Columns;
        // Whole panels of A are read in place too, unless A is transposed (a panel's rows are then far apart) or its
        // columns are a multiple of 256 bytes apart: the 64 sets of the L1 cache repeat every 4 KB, so a panel's
        // columns would fall into 16 sets or fewer and evict each other, and copying them into a contiguous panel is
        // faster. (A stride of 2 KB, 512 floats, leaves 2 sets.)
        bool direct = !prepacked && !transposeA && ((long)lda * sizeof(T)) % 256 != 0;
        // A transposed B is copied panel by panel into a contiguous KC × NR block: read in place, every depth of the
        // panel would be a cache line of its own.
        T* packedB = transposeB ? PackBuffers<T>.B(KC * TOps.Columns) : null;
        for (int pc = 0; pc < k; pc += KC)
        {
            int kc = Math.Min(KC, k - pc);
            T betaHere = pc == 0 ? beta : T.One; // later slices of k add to what the first one wrote
            for (int ic = 0; ic < m; ic += mcMax)
            {
                int mc = Math.Min(mcMax, m - ic);
                if (prepacked) packedA = packed.Data + (long)pc * packed.Rows + (long)(packedRow + ic) * kc;
                else if (!direct) PackA<T, TVector, TOps>(transposeA, a, lda, ic, pc, mc, kc, packedA);
                else if (mc % mr != 0) // only the last rows, padded with zeros
                    PackA<T, TVector, TOps>(false, a, lda, ic + mc / mr * mr, pc, mc % mr, kc, packedA + (long)mc / mr * mr * kc);
                for (int q = 0; q < panels; q++)
                {
                    int first = (int)((long)n * q / panels), cols = (int)((long)n * (q + 1) / panels) - first;
                    // op(B)(p, first + j) is b[(first + j)·ldb + p], read where it is, or b[p·ldb + first + j], copied.
                    T* panelB = b + (long)first * ldb + pc;
                    nint bNext = 1, bColumn = ldb;
                    if (transposeB)
                    {
                        T* from = b + (long)pc * ldb + first;
                        for (int p = 0; p < kc; p++, from += ldb)
                            for (int j = 0; j < cols; j++) packedB[p * cols + j] = from[j];
                        panelB = packedB;
                        bNext = cols;
                        bColumn = 1;
                    }
                    T* cBlock = c + (long)first * ldc + ic;
                    for (int ir = 0; ir < mc; ir += mr)
                    {
                        int rows = Math.Min(mr, mc - ir);
                        bool whole = direct && rows == mr;
                        T* panelA = whole ? a + (long)pc * lda + ic + ir : packedA + (long)ir * kc;
                        Tile<T, TVector, TOps>(rows > w, cols, kc, panelA, whole ? lda : (rows > w ? mr : w), panelB,
                            bNext, bColumn, cBlock + ir, ldc, rows, alpha, betaHere);
                    }
                }
            }
        }
    }

    private static int RoundUp(int x, int unit) => (x + unit - 1) / unit * unit;

    // Rows [ic, ic+mc) × depths [pc, pc+kc) of op(A) into panels of 2w rows: panel ir holds op(A)(ir+i, p) at
    // [ir·kc + p·h + i], h = 2w (or w for a last panel of at most w rows), padded with zeros.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA<T, TVector, TOps>(bool transposeA, T* a, int lda, int ic, int pc, int mc, int kc,
        T* packed)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TOps : struct, IVectorOps<TVector, T>
    {
        int w = TOps.Count, whole = mc / (2 * w) * (2 * w);
        if (!transposeA)
        {
            // A(i, p) = a[p·lda + i]: each depth p is a contiguous run of rows, copied whole into every panel.
            for (int p = 0; p < kc; p++)
            {
                T* src = a + (long)(pc + p) * lda + ic;
                for (int ir = 0; ir < whole; ir += 2 * w)
                {
                    T* dst = packed + (long)ir * kc + p * 2 * w;
                    TOps.Store(TOps.Load(src + ir), dst);
                    TOps.Store(TOps.Load(src + ir + w), dst + w);
                }
            }
        }
        for (int ir = transposeA ? 0 : whole; ir < mc; ir += 2 * w)
        {
            int rows = Math.Min(2 * w, mc - ir);
            int h = rows > w ? 2 * w : w;
            T* dst = packed + (long)ir * kc;
            if (!transposeA)
            {
                // The last rows, padded with zeros to a whole vector or two.
                T* src = a + (long)pc * lda + ic + ir;
                for (int p = 0; p < kc; p++, src += lda, dst += h)
                    for (int i = 0; i < h; i++) dst[i] = i < rows ? src[i] : T.Zero;
            }
            else
            {
                // A(i, p) = a[i·lda + p]: each row i is a contiguous run of depths; a transposing copy.
                Transpose(a + (long)(ic + ir) * lda + pc, lda, rows, kc, dst, h);
                for (int i = rows; i < h; i++)
                    for (int p = 0; p < kc; p++) dst[p * h + i] = T.Zero;
            }
        }
    }

    // dst[p·h + i] = src[i·lda + p] for i < rows, p < cols: in 8 × 8 (float) or 4 × 4 (double) blocks with AVX
    // shuffles, four to five times faster than one number at a time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose<T>(T* src, int lda, int rows, int cols, T* dst, int h) where T : unmanaged
    {
        int block = !Avx.IsSupported ? 1 : typeof(T) == typeof(float) ? 8 : typeof(T) == typeof(double) ? 4 : 1;
        int i = 0;
        for (; block > 1 && i + block <= rows; i += block)
        {
            int p = 0;
            for (; p + block <= cols; p += block)
            {
                if (block == 8) Transpose8x8((float*)(src + (long)i * lda + p), lda, (float*)(dst + (long)p * h + i), h);
                else Transpose4x4((double*)(src + (long)i * lda + p), lda, (double*)(dst + (long)p * h + i), h);
            }
            for (; p < cols; p++)
                for (int ii = i; ii < i + block; ii++) dst[(long)p * h + ii] = src[(long)ii * lda + p];
        }
        for (; i < rows; i++)
            for (int p = 0; p < cols; p++) dst[(long)p * h + i] = src[(long)i * lda + p];
    }

    // Rows r0..r7 (8 depths each) in, columns out: interleave pairs, then quadruples, then the 128-bit halves.
    private static void Transpose8x8(float* src, int lda, float* dst, int h)
    {
        var r0 = Avx.LoadVector256(src); var r1 = Avx.LoadVector256(src + lda);
        var r2 = Avx.LoadVector256(src + 2L * lda); var r3 = Avx.LoadVector256(src + 3L * lda);
        var r4 = Avx.LoadVector256(src + 4L * lda); var r5 = Avx.LoadVector256(src + 5L * lda);
        var r6 = Avx.LoadVector256(src + 6L * lda); var r7 = Avx.LoadVector256(src + 7L * lda);
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + h, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * h, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * h, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * h, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * h, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * h, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * h, Avx.Permute2x128(u3, u7, 0x31));
    }

    private static void Transpose4x4(double* src, int lda, double* dst, int h)
    {
        var r0 = Avx.LoadVector256(src); var r1 = Avx.LoadVector256(src + lda);
        var r2 = Avx.LoadVector256(src + 2L * lda); var r3 = Avx.LoadVector256(src + 3L * lda);
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        Avx.Store(dst, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(dst + h, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(dst + 2 * h, Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(dst + 3 * h, Avx.Permute2x128(t1, t3, 0x31));
    }

    // Picks the micro-kernel compiled for this tile's height (one or two vectors) and width (1..NR columns).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<T, TVector, TOps>(bool twoVectors, int cols, int kc, T* a, nint aNext, T* b,
        nint bNext, nint bColumn, T* c, int ldc, int rows, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TOps : struct, IVectorOps<TVector, T>
    {
        if (twoVectors)
        {
            switch (cols)
            {
                case 8: Kernel<T, TVector, TOps, N2, N8>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
                case 7: Kernel<T, TVector, TOps, N2, N7>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
                case 6: Kernel<T, TVector, TOps, N2, N6>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
                case 5: Kernel<T, TVector, TOps, N2, N5>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
                case 4: Kernel<T, TVector, TOps, N2, N4>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
                case 3: Kernel<T, TVector, TOps, N2, N3>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
                case 2: Kernel<T, TVector, TOps, N2, N2>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
                default: Kernel<T, TVector, TOps, N2, N1>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
            }
        }
        else
        {
            switch (cols)
            {
                case 8: Kernel<T, TVector, TOps, N1, N8>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
                case 7: Kernel<T, TVector, TOps, N1, N7>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
                case 6: Kernel<T, TVector, TOps, N1, N6>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
                case 5: Kernel<T, TVector, TOps, N1, N5>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
                case 4: Kernel<T, TVector, TOps, N1, N4>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
                case 3: Kernel<T, TVector, TOps, N1, N3>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
                case 2: Kernel<T, TVector, TOps, N1, N2>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
                default: Kernel<T, TVector, TOps, N1, N1>(kc, a, aNext, b, bNext, bColumn, c, ldc, rows, alpha, beta); break;
            }
        }
    }

    // The micro-kernel: a (TRows vectors) × TCols tile of C in registers, one rank-1 update per depth p:
    // c(:, j) += a(:, p) · b(p, j). TRows and TCols are compile-time constants, so the JIT drops the unused lines.
    [SkipLocalsInit, MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<T, TVector, TOps, TRows, TCols>(int kc, T* a, nint aNext, T* b, nint bNext,
        nint bColumn, T* c, int ldc, int rows, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TOps : struct, IVectorOps<TVector, T>
        where TRows : struct, IConstant
        where TCols : struct, IConstant
    {
        bool two = TRows.Value == 2;
        int cols = TCols.Value, w = TOps.Count, step = TRows.Value * w;
        TVector c00 = default, c01 = default, c02 = default, c03 = default,
            c04 = default, c05 = default, c06 = default, c07 = default;
        TVector c10 = default, c11 = default, c12 = default, c13 = default,
            c14 = default, c15 = default, c16 = default, c17 = default;
        nint b1 = bColumn, b2 = 2 * bColumn, b3 = 3 * bColumn, b4 = 4 * bColumn, b5 = 5 * bColumn, b6 = 6 * bColumn,
            b7 = 7 * bColumn;
        for (int p = 0; p < kc; p++, a += aNext, b += bNext)
        {
            TVector a0 = TOps.Load(a);
            TVector a1 = two ? TOps.Load(a + w) : default;
            TVector bj = TOps.Broadcast(b);
            c00 = TOps.MultiplyAdd(a0, bj, c00);
            if (two) c10 = TOps.MultiplyAdd(a1, bj, c10);
            if (cols > 1)
            {
                bj = TOps.Broadcast(b + b1);
                c01 = TOps.MultiplyAdd(a0, bj, c01);
                if (two) c11 = TOps.MultiplyAdd(a1, bj, c11);
            }
            if (cols > 2)
            {
                bj = TOps.Broadcast(b + b2);
                c02 = TOps.MultiplyAdd(a0, bj, c02);
                if (two) c12 = TOps.MultiplyAdd(a1, bj, c12);
            }
            if (cols > 3)
            {
                bj = TOps.Broadcast(b + b3);
                c03 = TOps.MultiplyAdd(a0, bj, c03);
                if (two) c13 = TOps.MultiplyAdd(a1, bj, c13);
            }
            if (cols > 4)
            {
                bj = TOps.Broadcast(b + b4);
                c04 = TOps.MultiplyAdd(a0, bj, c04);
                if (two) c14 = TOps.MultiplyAdd(a1, bj, c14);
            }
            if (cols > 5)
            {
                bj = TOps.Broadcast(b + b5);
                c05 = TOps.MultiplyAdd(a0, bj, c05);
                if (two) c15 = TOps.MultiplyAdd(a1, bj, c15);
            }
            if (cols > 6)
            {
                bj = TOps.Broadcast(b + b6);
                c06 = TOps.MultiplyAdd(a0, bj, c06);
                if (two) c16 = TOps.MultiplyAdd(a1, bj, c16);
            }
            if (cols > 7)
            {
                bj = TOps.Broadcast(b + b7);
                c07 = TOps.MultiplyAdd(a0, bj, c07);
                if (two) c17 = TOps.MultiplyAdd(a1, bj, c17);
            }
        }
        if (rows == step)
        {
            // A whole tile: straight into C. (No calls here: every vector register is caller-saved, and a call
            // after the loop would make the JIT keep the accumulators on the stack inside it.)
            var va = TOps.Create(alpha);
            var vb = TOps.Create(beta);
            bool overwrite = beta == T.Zero;
            Save<T, TVector, TOps>(c, two, overwrite, c00, c10, va, vb);
            if (cols > 1) Save<T, TVector, TOps>(c + ldc, two, overwrite, c01, c11, va, vb);
            if (cols > 2) Save<T, TVector, TOps>(c + 2 * ldc, two, overwrite, c02, c12, va, vb);
            if (cols > 3) Save<T, TVector, TOps>(c + 3 * ldc, two, overwrite, c03, c13, va, vb);
            if (cols > 4) Save<T, TVector, TOps>(c + 4 * ldc, two, overwrite, c04, c14, va, vb);
            if (cols > 5) Save<T, TVector, TOps>(c + 5 * ldc, two, overwrite, c05, c15, va, vb);
            if (cols > 6) Save<T, TVector, TOps>(c + 6 * ldc, two, overwrite, c06, c16, va, vb);
            if (cols > 7) Save<T, TVector, TOps>(c + 7 * ldc, two, overwrite, c07, c17, va, vb);
        }
        else
        {
            // The last rows of an odd shape: through a buffer, so nothing below row `rows` of C is touched.
            T* tile = stackalloc T[16 * TOps.Count];
            TOps.Store(c00, tile); TOps.Store(c10, tile + w);
            if (cols > 1) { TOps.Store(c01, tile + 2 * w); TOps.Store(c11, tile + 3 * w); }
            if (cols > 2) { TOps.Store(c02, tile + 4 * w); TOps.Store(c12, tile + 5 * w); }
            if (cols > 3) { TOps.Store(c03, tile + 6 * w); TOps.Store(c13, tile + 7 * w); }
            if (cols > 4) { TOps.Store(c04, tile + 8 * w); TOps.Store(c14, tile + 9 * w); }
            if (cols > 5) { TOps.Store(c05, tile + 10 * w); TOps.Store(c15, tile + 11 * w); }
            if (cols > 6) { TOps.Store(c06, tile + 12 * w); TOps.Store(c16, tile + 13 * w); }
            if (cols > 7) { TOps.Store(c07, tile + 14 * w); TOps.Store(c17, tile + 15 * w); }
            SavePartial(c, ldc, rows, cols, tile, 2 * w, alpha, beta);
        }
    }

    // c = α·acc + β·c for one column of a whole tile; β = 0 never reads c.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Save<T, TVector, TOps>(T* c, bool two, bool overwrite, TVector lo, TVector hi,
        TVector alpha, TVector beta)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TOps : struct, IVectorOps<TVector, T>
    {
        int w = TOps.Count;
        if (overwrite)
        {
            TOps.Store(TOps.Multiply(lo, alpha), c);
            if (two) TOps.Store(TOps.Multiply(hi, alpha), c + w);
        }
        else
        {
            TOps.Store(TOps.MultiplyAdd(lo, alpha, TOps.Multiply(TOps.Load(c), beta)), c);
            if (two) TOps.Store(TOps.MultiplyAdd(hi, alpha, TOps.Multiply(TOps.Load(c + w), beta)), c + w);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SavePartial<T>(T* c, int ldc, int rows, int cols, T* tile, int height, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < cols; j++, c += ldc, tile += height)
            for (int i = 0; i < rows; i++)
                c[i] = beta == T.Zero ? alpha * tile[i] : alpha * tile[i] + beta * c[i];
    }

    // Pinned, 64-byte aligned pack buffers, one pair per thread, grown when a larger product needs them.
    private static class PackBuffers<T> where T : unmanaged
    {
        [ThreadStatic] private static T[]? a;
        [ThreadStatic] private static T[]? b;

        public static T* A(int length) => Get(ref a, length);

        public static T* B(int length) => Get(ref b, length);

        private static T* Get(ref T[]? buffer, int length)
        {
            int pad = 64 / sizeof(T);
            if (buffer is null || buffer.Length < length + pad)
                buffer = GC.AllocateUninitializedArray<T>(length + pad, pinned: true);
            nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
            return (T*)((start + 63) & ~(nint)63);
        }
    }
}

/// <summary>The vector operations the micro-kernel needs, for one vector width.</summary>
internal unsafe interface IVectorOps<TVector, T> where TVector : struct where T : unmanaged
{
    /// <summary>Numbers per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Columns of the register tile (NR): 2·NR accumulators + 3 must fit in the vector registers.</summary>
    static abstract int Columns { get; }

    static abstract TVector Load(T* source);

    static abstract void Store(TVector value, T* destination);

    static abstract TVector Broadcast(T* source);

    static abstract TVector Create(T value);

    static abstract TVector Multiply(TVector x, TVector y);

    /// <summary>x·y + z, rounded once.</summary>
    static abstract TVector MultiplyAdd(TVector x, TVector y, TVector z);
}

/// <summary>AVX-512: 32 registers hold a 2 × 8 tile of vectors.</summary>
internal readonly unsafe struct Ops512<T> : IVectorOps<Vector512<T>, T> where T : unmanaged
{
    public static int Count => Vector512<T>.Count;

    public static int Columns => 8;

    public static Vector512<T> Load(T* source) => Vector512.Load(source);

    public static void Store(Vector512<T> value, T* destination) => value.Store(destination);

    public static Vector512<T> Broadcast(T* source) => Vector512.Create(*source);

    public static Vector512<T> Create(T value) => Vector512.Create(value);

    public static Vector512<T> Multiply(Vector512<T> x, Vector512<T> y) => x * y;

    public static Vector512<T> MultiplyAdd(Vector512<T> x, Vector512<T> y, Vector512<T> z) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
}

/// <summary>AVX2 + FMA: 16 registers hold a 2 × 6 tile of vectors.</summary>
internal readonly unsafe struct Ops256<T> : IVectorOps<Vector256<T>, T> where T : unmanaged
{
    public static int Count => Vector256<T>.Count;

    public static int Columns => 6;

    public static Vector256<T> Load(T* source) => Vector256.Load(source);

    public static void Store(Vector256<T> value, T* destination) => value.Store(destination);

    public static Vector256<T> Broadcast(T* source) => Vector256.Create(*source);

    public static Vector256<T> Create(T value) => Vector256.Create(value);

    public static Vector256<T> Multiply(Vector256<T> x, Vector256<T> y) => x * y;

    public static Vector256<T> MultiplyAdd(Vector256<T> x, Vector256<T> y, Vector256<T> z) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
}

/// <summary>An integer known to the JIT, so a generic kernel is compiled once per tile shape.</summary>
internal interface IConstant
{
    static abstract int Value { get; }
}

#pragma warning disable CS1591 // the constants 1..8 need no description
internal readonly struct N1 : IConstant { public static int Value => 1; }
internal readonly struct N2 : IConstant { public static int Value => 2; }
internal readonly struct N3 : IConstant { public static int Value => 3; }
internal readonly struct N4 : IConstant { public static int Value => 4; }
internal readonly struct N5 : IConstant { public static int Value => 5; }
internal readonly struct N6 : IConstant { public static int Value => 6; }
internal readonly struct N7 : IConstant { public static int Value => 7; }
internal readonly struct N8 : IConstant { public static int Value => 8; }
#pragma warning restore CS1591
