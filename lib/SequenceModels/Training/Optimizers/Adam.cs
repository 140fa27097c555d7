using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SequenceModels;

/// <summary>
/// Adam (Kingma and Ba, 2015, Algorithm 1). For each parameter, at its step t = 1, 2, …:
/// <code>
/// m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
/// m̂ = m / (1 − β1ᵗ)              v̂ = v / (1 − β2ᵗ)
/// θ ← θ − α·m̂ / (√v̂ + ε)
/// </code>
/// m and v start at zero; the bias corrections undo that start. The update is computed as PyTorch computes it,
/// <c>θ ← θ − (α / (1 − β1ᵗ))·m / (√v·(1/√(1 − β2ᵗ)) + ε)</c> (the corrections folded into two constants, one
/// square root and one division per entry), in one pass over each parameter's storage with the widest vectors the
/// CPU has, split over the cores for parameters above <see cref="ParallelThreshold"/> numbers. Each entry is
/// computed by the same operations in the same order on every path, so the result does not depend on vector width
/// or thread count.
/// </summary>
public sealed class Adam<T> : IOptimizer<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Parameters with more numbers than this are updated in parallel chunks.</summary>
    public const int ParallelThreshold = 1 << 16;

    private const int ChunkSize = 1 << 16; // a multiple of every vector width

    private readonly Dictionary<T[], Moments> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates the optimiser with the paper's defaults.</summary>
    /// <param name="learningRate">α &gt; 0.</param>
    /// <param name="beta1">β1 in [0, 1), the decay of the mean m.</param>
    /// <param name="beta2">β2 in [0, 1), the decay of the uncentred variance v.</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    public Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(learningRate);
        if (beta1 < 0 || beta1 >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β1 must be in [0, 1).");
        if (beta2 < 0 || beta2 >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β2 must be in [0, 1).");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <inheritdoc />
    public double LearningRate { get; set; }

    /// <summary>β1.</summary>
    public double Beta1 { get; }

    /// <summary>β2.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public void Step(IReadOnlyList<Parameter<T>> parameters)
    {
        GradientClipping.ThrowIfNonFinite(parameters);
        StepChecked(parameters);
    }

    /// <summary>
    /// <see cref="Step"/> for gradients just found finite (their global norm was computed, and clipping scales by a
    /// finite factor): the same update without checking them again.
    /// </summary>
    internal void StepChecked(IReadOnlyList<Parameter<T>> parameters)
    {
        foreach (var p in parameters)
        {
            var w = Tensor.Data(p.Value);
            if (!_state.TryGetValue(w, out var s)) _state[w] = s = new Moments(new T[w.Length], new T[w.Length]);
            s.Step++;
            var k = new Coefficients(
                StepSize: T.CreateChecked(LearningRate / (1 - Math.Pow(Beta1, s.Step))),
                Beta1: T.CreateChecked(Beta1),
                OneMinusBeta1: T.One - T.CreateChecked(Beta1),
                Beta2: T.CreateChecked(Beta2),
                OneMinusBeta2: T.One - T.CreateChecked(Beta2),
                InverseRootCorrection2: T.CreateChecked(1 / Math.Sqrt(1 - Math.Pow(Beta2, s.Step))),
                Epsilon: T.CreateChecked(Epsilon));
            var g = Tensor.Data(p.Grad);
            if (w.Length <= ParallelThreshold)
            {
                Update(w, g, s.M, s.V, 0, w.Length, k);
                continue;
            }
            int chunks = (w.Length + ChunkSize - 1) / ChunkSize;
            Parallel.For(0, chunks, c => Update(w, g, s.M, s.V, c * ChunkSize, Math.Min(w.Length, (c + 1) * ChunkSize), k));
        }
    }

    /// <summary>The fused update of entries [start, end): moments, bias correction and step in one pass.</summary>
    private static void Update(T[] w, T[] g, T[] m, T[] v, int start, int end, in Coefficients k)
    {
        int i = start;
        if (typeof(T) == typeof(float)) i = Update<float>(w, g, m, v, start, end, k);
        else if (typeof(T) == typeof(double)) i = Update<double>(w, g, m, v, start, end, k);
        for (; i < end; i++)
        {
            m[i] = k.Beta1 * m[i] + k.OneMinusBeta1 * g[i];
            v[i] = k.Beta2 * v[i] + k.OneMinusBeta2 * (g[i] * g[i]);
            w[i] = w[i] - k.StepSize * m[i] / (T.Sqrt(v[i]) * k.InverseRootCorrection2 + k.Epsilon);
        }
    }

    // The vector loop for float or double (TFloat = T); returns where the scalar tail starts.
    private static int Update<TFloat>(T[] w, T[] g, T[] m, T[] v, int start, int end, in Coefficients k)
        where TFloat : unmanaged, IFloatingPointIeee754<TFloat>
    {
        Span<TFloat> ws = Cast<TFloat>(w), gs = Cast<TFloat>(g), ms = Cast<TFloat>(m), vs = Cast<TFloat>(v);
        static TFloat F(T x) => Unsafe.As<T, TFloat>(ref x);
        var c = (F(k.StepSize), F(k.Beta1), F(k.OneMinusBeta1), F(k.Beta2), F(k.OneMinusBeta2), F(k.InverseRootCorrection2), F(k.Epsilon));
        return Vector512.IsHardwareAccelerated ? AdamKernel.Update<TFloat, Vector512<TFloat>, Lanes512<TFloat>>(ws, gs, ms, vs, start, end, c)
            : Vector256.IsHardwareAccelerated ? AdamKernel.Update<TFloat, Vector256<TFloat>, Lanes256<TFloat>>(ws, gs, ms, vs, start, end, c)
            : start;
    }

    private static Span<TFloat> Cast<TFloat>(T[] a) where TFloat : unmanaged => MemoryMarshal.Cast<T, TFloat>(a.AsSpan());

    private sealed class Moments(T[] m, T[] v)
    {
        public T[] M { get; } = m;
        public T[] V { get; } = v;
        public int Step { get; set; }
    }

    private readonly record struct Coefficients(T StepSize, T Beta1, T OneMinusBeta1, T Beta2, T OneMinusBeta2,
        T InverseRootCorrection2, T Epsilon);
}

/// <summary>Adam's fused update on vectors of float or double.</summary>
internal static class AdamKernel
{
    /// <summary>Entries [start, end) in whole vectors; returns where the rest starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Update<T, TVector, TLanes>(Span<T> w, Span<T> g, Span<T> m, Span<T> v, int start, int end,
        (T StepSize, T Beta1, T OneMinusBeta1, T Beta2, T OneMinusBeta2, T InverseRootCorrection2, T Epsilon) k)
        where T : unmanaged, IFloatingPointIeee754<T> where TVector : struct where TLanes : struct, ILanes<TVector, T>
    {
        var stepSize = TLanes.Create(k.StepSize);
        var beta1 = TLanes.Create(k.Beta1);
        var oneMinusBeta1 = TLanes.Create(k.OneMinusBeta1);
        var beta2 = TLanes.Create(k.Beta2);
        var oneMinusBeta2 = TLanes.Create(k.OneMinusBeta2);
        var inverseRoot = TLanes.Create(k.InverseRootCorrection2);
        var epsilon = TLanes.Create(k.Epsilon);
        ref T wr = ref MemoryMarshal.GetReference(w);
        ref T gr = ref MemoryMarshal.GetReference(g);
        ref T mr = ref MemoryMarshal.GetReference(m);
        ref T vr = ref MemoryMarshal.GetReference(v);
        int i = start;
        for (; i <= end - TLanes.Count; i += TLanes.Count)
        {
            nuint at = (nuint)i;
            var gi = TLanes.Load(ref gr, at);
            var mi = TLanes.Add(TLanes.Multiply(beta1, TLanes.Load(ref mr, at)), TLanes.Multiply(oneMinusBeta1, gi));
            var vi = TLanes.Add(TLanes.Multiply(beta2, TLanes.Load(ref vr, at)), TLanes.Multiply(oneMinusBeta2, TLanes.Multiply(gi, gi)));
            var denominator = TLanes.Add(TLanes.Multiply(TLanes.Sqrt(vi), inverseRoot), epsilon);
            var wi = TLanes.Subtract(TLanes.Load(ref wr, at), TLanes.Divide(TLanes.Multiply(stepSize, mi), denominator));
            TLanes.Store(mi, ref mr, at);
            TLanes.Store(vi, ref vr, at);
            TLanes.Store(wi, ref wr, at);
        }
        return i;
    }
}
