namespace SequenceModels;

/// <summary>
/// Adam (Kingma and Ba, 2015, Algorithm 1). For each parameter, at its step t = 1, 2, …:
/// <code>
/// m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
/// m̂ = m / (1 − β1ᵗ)              v̂ = v / (1 − β2ᵗ)
/// θ ← θ − α·m̂ / (√v̂ + ε)
/// </code>
/// m and v start at zero; the bias corrections undo that start. All of it is one pass over each parameter's
/// storage, vectorised with <see cref="Vector{T}"/>, and split over threads for parameters above
/// <see cref="ParallelThreshold"/> numbers. Each entry is computed by the same operations in the same order on
/// every path, so the result does not depend on vector width or thread count.
/// </summary>
public sealed class Adam<T> : IOptimizer<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Parameters with more numbers than this are updated in parallel chunks.</summary>
    public const int ParallelThreshold = 1 << 16;

    private const int ChunkSize = 1 << 14; // a multiple of every vector width

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
        foreach (var p in parameters)
        {
            var w = Tensor.Data(p.Value);
            if (!_state.TryGetValue(w, out var s)) _state[w] = s = new Moments(new T[w.Length], new T[w.Length]);
            s.Step++;
            var k = new Coefficients(
                Alpha: T.CreateChecked(LearningRate),
                Beta1: T.CreateChecked(Beta1),
                OneMinusBeta1: T.One - T.CreateChecked(Beta1),
                Beta2: T.CreateChecked(Beta2),
                OneMinusBeta2: T.One - T.CreateChecked(Beta2),
                Correction1: T.CreateChecked(1 - Math.Pow(Beta1, s.Step)),
                Correction2: T.CreateChecked(1 - Math.Pow(Beta2, s.Step)),
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
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var alpha = new Vector<T>(k.Alpha);
            var beta1 = new Vector<T>(k.Beta1);
            var oneMinusBeta1 = new Vector<T>(k.OneMinusBeta1);
            var beta2 = new Vector<T>(k.Beta2);
            var oneMinusBeta2 = new Vector<T>(k.OneMinusBeta2);
            var correction1 = new Vector<T>(k.Correction1);
            var correction2 = new Vector<T>(k.Correction2);
            var epsilon = new Vector<T>(k.Epsilon);
            for (; i <= end - Vector<T>.Count; i += Vector<T>.Count)
            {
                var gi = new Vector<T>(g, i);
                var mi = beta1 * new Vector<T>(m, i) + oneMinusBeta1 * gi;
                var vi = beta2 * new Vector<T>(v, i) + oneMinusBeta2 * (gi * gi);
                var mHat = mi / correction1;
                var vHat = vi / correction2;
                var wi = new Vector<T>(w, i) - alpha * mHat / (Vector.SquareRoot(vHat) + epsilon);
                mi.CopyTo(m, i);
                vi.CopyTo(v, i);
                wi.CopyTo(w, i);
            }
        }
        for (; i < end; i++)
        {
            m[i] = k.Beta1 * m[i] + k.OneMinusBeta1 * g[i];
            v[i] = k.Beta2 * v[i] + k.OneMinusBeta2 * (g[i] * g[i]);
            T mHat = m[i] / k.Correction1;
            T vHat = v[i] / k.Correction2;
            w[i] = w[i] - k.Alpha * mHat / (T.Sqrt(vHat) + k.Epsilon);
        }
    }

    private sealed class Moments(T[] m, T[] v)
    {
        public T[] M { get; } = m;
        public T[] V { get; } = v;
        public int Step { get; set; }
    }

    private readonly record struct Coefficients(T Alpha, T Beta1, T OneMinusBeta1, T Beta2, T OneMinusBeta2,
        T Correction1, T Correction2, T Epsilon);
}
