using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// The state a recurrent layer carries from step to step: the hidden state h (a in the lecture), and for an LSTM the
/// memory cell c. Each is HiddenSize × BatchSize. Wrappers (stacked, bidirectional) concatenate their parts' states
/// along the rows.
/// </summary>
/// <param name="H">The hidden state, HiddenSize × BatchSize.</param>
/// <param name="C">The LSTM memory cell, HiddenSize × BatchSize; null for RNN and GRU layers.</param>
public readonly record struct RecurrentState<T>(Matrix<T> H, Matrix<T>? C = null)
    where T : struct, IFloatingPointIeee754<T>;

/// <summary>
/// A layer that runs over a whole batch of sequences and backpropagates through time. Forward keeps what Backward
/// needs, so call Backward after the Forward it belongs to, with the input left unchanged in between.
/// </summary>
public interface IRecurrentLayer<T> : IHasParameters<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>n_x, the features per input step.</summary>
    int InputSize { get; }

    /// <summary>The features per output step (HiddenSize, or twice it for a bidirectional layer).</summary>
    int OutputSize { get; }

    /// <summary>The rows of the carried state (H, C): HiddenSize, or the sum over a wrapper's parts.</summary>
    int StateSize { get; }

    /// <summary>True for an LSTM-like layer whose state has a memory cell C.</summary>
    bool HasCell { get; }

    /// <summary>
    /// Runs the layer over every step. <paramref name="x"/> is InputSize × (Steps·BatchSize); the output is
    /// OutputSize × (Steps·BatchSize), zero at padded positions. <paramref name="initial"/> defaults to zeros
    /// (StateSize × BatchSize). The final state is each sequence's state after its last real step.
    /// </summary>
    (SequenceBatch<T> Output, RecurrentState<T> Final) Forward(SequenceBatch<T> x, RecurrentState<T>? initial = null);

    /// <summary>
    /// Backpropagation through time for the last Forward: adds every parameter's gradient into its Grad and returns
    /// the gradients of the input (InputSize × (Steps·BatchSize)) and of the initial state. <paramref name="dOutput"/>
    /// is the loss gradient of the output (its padded positions are ignored); <paramref name="dFinal"/> that of the
    /// final state, if the loss used it.
    /// </summary>
    (SequenceBatch<T> DInput, RecurrentState<T> DInitial) Backward(SequenceBatch<T> dOutput, RecurrentState<T>? dFinal = null);
}
