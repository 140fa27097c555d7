namespace SequenceModels;

/// <summary>
/// Updates parameters from their gradients. <see cref="Step"/> first checks every gradient for NaN and ±∞
/// (<see cref="GradientClipping.ThrowIfNonFinite{T}"/>) and changes nothing if one is found. An optimiser keeps its
/// per-parameter state (momentum, squared-gradient sums) keyed by the parameter's storage, so the same parameter
/// seen under another name (a prefixed view) shares its state.
/// </summary>
public interface IOptimizer<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>η (α for Adam); settable, for learning-rate schedules.</summary>
    double LearningRate { get; set; }

    /// <summary>One update of every parameter from its current Grad.</summary>
    /// <exception cref="NonFiniteGradientException">A gradient holds NaN or ±∞; no parameter was changed.</exception>
    void Step(IReadOnlyList<Parameter<T>> parameters);
}
