using System.Numerics.Tensors;

namespace SequenceModels;

/// <summary>
/// Stochastic gradient descent, <c>θ ← θ − η·g</c>, optionally with momentum μ (Polyak's heavy ball, in the form
/// most frameworks use): <c>v ← μ·v + g</c>, <c>θ ← θ − η·v</c>, with v starting at zero.
/// </summary>
public sealed class Sgd<T> : IOptimizer<T> where T : struct, IFloatingPointIeee754<T>
{
    private readonly Dictionary<T[], T[]> _velocity = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates the optimiser.</summary>
    /// <param name="learningRate">η &gt; 0.</param>
    /// <param name="momentum">μ in [0, 1); 0 is plain SGD.</param>
    public Sgd(double learningRate, double momentum = 0.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(learningRate);
        if (momentum < 0 || momentum >= 1) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "μ must be in [0, 1).");
        LearningRate = learningRate;
        Momentum = momentum;
    }

    /// <inheritdoc />
    public double LearningRate { get; set; }

    /// <summary>μ.</summary>
    public double Momentum { get; }

    /// <inheritdoc />
    public void Step(IReadOnlyList<Parameter<T>> parameters)
    {
        GradientClipping.ThrowIfNonFinite(parameters);
        T eta = T.CreateChecked(LearningRate), mu = T.CreateChecked(Momentum);
        foreach (var p in parameters)
        {
            var w = Tensor.Data(p.Value);
            var g = Tensor.Data(p.Grad);
            if (Momentum == 0)
            {
                TensorPrimitives.MultiplyAdd<T>(g, -eta, w, w);
                continue;
            }
            if (!_velocity.TryGetValue(w, out var v)) _velocity[w] = v = new T[w.Length];
            TensorPrimitives.MultiplyAdd<T>(v, mu, g, v);
            TensorPrimitives.MultiplyAdd<T>(v, -eta, w, w);
        }
    }
}
