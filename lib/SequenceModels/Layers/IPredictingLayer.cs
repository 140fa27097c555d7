namespace SequenceModels;

/// <summary>
/// A recurrent layer with a forward pass for prediction only: the same output and final state as
/// <see cref="IRecurrentLayer{T}.Forward"/>, but nothing is kept for a backward pass (and the last training
/// Forward's cache is left as it was), so it needs a few steps' worth of memory instead of the whole batch's.
/// </summary>
internal interface IPredictingLayer<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Forward without a backward pass: x is InputSize × (Steps·BatchSize), as in Forward.</summary>
    (SequenceBatch<T> Output, RecurrentState<T> Final) Infer(SequenceBatch<T> x, RecurrentState<T>? initial = null);
}

/// <summary>Prediction through any recurrent layer: its own <see cref="IPredictingLayer{T}.Infer"/>, or Forward.</summary>
internal static class Prediction
{
    /// <summary>The layer's prediction pass when it has one, otherwise its Forward.</summary>
    public static (SequenceBatch<T> Output, RecurrentState<T> Final) Infer<T>(this IRecurrentLayer<T> layer, SequenceBatch<T> x,
        RecurrentState<T>? initial = null) where T : struct, IFloatingPointIeee754<T> =>
        layer is IPredictingLayer<T> fast ? fast.Infer(x, initial) : layer.Forward(x, initial);
}
