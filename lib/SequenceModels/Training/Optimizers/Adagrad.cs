namespace SequenceModels;

/// <summary>
/// Adagrad (Duchi, Hazan and Singer, 2011): each entry's step shrinks with the sum of its past squared gradients,
/// <c>G ← G + g²</c>, <c>θ ← θ − η·g / (√G + ε)</c>, so rarely updated entries (rare words' embeddings) keep
/// larger steps.
/// </summary>
public sealed class Adagrad<T> : IOptimizer<T> where T : struct, IFloatingPointIeee754<T>
{
    private readonly Dictionary<T[], T[]> _sumOfSquares = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates the optimiser.</summary>
    /// <param name="learningRate">η &gt; 0.</param>
    /// <param name="epsilon">ε, which keeps the first steps finite.</param>
    public Adagrad(double learningRate = 0.01, double epsilon = 1e-8)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(learningRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        LearningRate = learningRate;
        Epsilon = epsilon;
    }

    /// <inheritdoc />
    public double LearningRate { get; set; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public void Step(IReadOnlyList<Parameter<T>> parameters)
    {
        GradientClipping.ThrowIfNonFinite(parameters);
        T eta = T.CreateChecked(LearningRate), eps = T.CreateChecked(Epsilon);
        foreach (var p in parameters)
        {
            var w = Tensor.Data(p.Value);
            var g = Tensor.Data(p.Grad);
            if (!_sumOfSquares.TryGetValue(w, out var sq)) _sumOfSquares[w] = sq = new T[w.Length];
            for (int i = 0; i < w.Length; i++)
            {
                sq[i] += g[i] * g[i];
                w[i] -= eta * g[i] / (T.Sqrt(sq[i]) + eps);
            }
        }
    }
}
