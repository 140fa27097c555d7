using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// A bidirectional RNN: one layer reads the sequence forwards, another of the same kind and size reads it backwards,
/// and the output at step t stacks both, <c>ŷ⟨t⟩ features = [→a⟨t⟩; ←a⟨t⟩]</c>, so every position sees the whole
/// sequence (the past through →a, the future through ←a). Padding is handled by the layers: the reverse layer starts
/// at each sequence's last real step. States are [forward; reverse] along the rows; parameters are named
/// <c>fwd.Wx</c>, <c>bwd.Wx</c>, ….
/// </summary>
public sealed class Bidirectional<T> : IRecurrentLayer<T> where T : struct, IFloatingPointIeee754<T>
{
    private readonly IRecurrentLayer<T>[] _parts;
    private int _steps, _batchSize;
    private bool _ran;

    /// <summary>Pairs a forward layer with a reverse one of the same kind and sizes.</summary>
    /// <param name="forward">Reads from the first step to the last.</param>
    /// <param name="reverse">Reads from the last step to the first (constructed with <c>reverse: true</c>).</param>
    public Bidirectional(IRecurrentLayer<T> forward, IRecurrentLayer<T> reverse)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(reverse);
        if (forward.GetType() != reverse.GetType())
            throw new ArgumentException($"Both directions must be the same kind of layer, got {forward.GetType().Name} " +
                $"and {reverse.GetType().Name}.", nameof(reverse));
        if (forward.InputSize != reverse.InputSize || forward.OutputSize != reverse.OutputSize || forward.StateSize != reverse.StateSize)
            throw new ArgumentException($"Both directions must have the same sizes, got {Sizes(forward)} and {Sizes(reverse)}.",
                nameof(reverse));
        if (RunsInReverse(forward) == true)
            throw new ArgumentException("The forward layer runs in reverse; construct it with reverse: false.", nameof(forward));
        if (RunsInReverse(reverse) == false)
            throw new ArgumentException("The reverse layer runs forwards; construct it with reverse: true.", nameof(reverse));
        ForwardLayer = forward;
        ReverseLayer = reverse;
        _parts = [forward, reverse];
        Parameters = ParameterExtensions.Prefixed(("fwd", forward), ("bwd", reverse));
    }

    /// <summary>The layer reading from the first step to the last (output rows 0..n_h).</summary>
    public IRecurrentLayer<T> ForwardLayer { get; }

    /// <summary>The layer reading from the last step to the first (output rows n_h..2n_h).</summary>
    public IRecurrentLayer<T> ReverseLayer { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <inheritdoc />
    public int InputSize => ForwardLayer.InputSize;

    /// <summary>Twice the parts' output size: [forward; reverse].</summary>
    public int OutputSize => ForwardLayer.OutputSize + ReverseLayer.OutputSize;

    /// <inheritdoc />
    public int StateSize => ForwardLayer.StateSize + ReverseLayer.StateSize;

    /// <inheritdoc />
    public bool HasCell => ForwardLayer.HasCell;

    /// <inheritdoc />
    /// <remarks>x is n_x × (T·m); the output is 2n_h × (T·m); states are 2n_h × m, the forward layer's rows first.</remarks>
    public (SequenceBatch<T> Output, RecurrentState<T> Final) Forward(SequenceBatch<T> x, RecurrentState<T>? initial = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.RequireRows(x.Data, InputSize, nameof(x));
        var initials = Recurrence.SplitState(initial, _parts, x.BatchSize, nameof(initial));
        var (yf, ff) = ForwardLayer.Forward(x, initials[0]);
        var (yb, fb) = ReverseLayer.Forward(x, initials[1]);
        (_steps, _batchSize, _ran) = (x.Steps, x.BatchSize, true);
        return (x.With(yf.Data.Stack(yb.Data)), Recurrence.ConcatState([ff, fb], HasCell));
    }

    /// <inheritdoc />
    /// <remarks>dOutput is 2n_h × (T·m), DInput n_x × (T·m); states are 2n_h × m, the forward layer's rows first.</remarks>
    public (SequenceBatch<T> DInput, RecurrentState<T> DInitial) Backward(SequenceBatch<T> dOutput, RecurrentState<T>? dFinal = null)
    {
        if (!_ran) throw new InvalidOperationException("Backward needs a Forward first.");
        ArgumentNullException.ThrowIfNull(dOutput);
        int columns = _steps * _batchSize, nf = ForwardLayer.OutputSize;
        Shape.Require(dOutput.Data, OutputSize, columns, nameof(dOutput));
        var dFinals = Recurrence.SplitState(dFinal, _parts, _batchSize, nameof(dFinal));
        var (dxf, df) = ForwardLayer.Backward(dOutput.With(dOutput.Data.SubMatrix(0, nf, 0, columns)), dFinals[0]);
        var (dxb, db) = ReverseLayer.Backward(dOutput.With(dOutput.Data.SubMatrix(nf, ReverseLayer.OutputSize, 0, columns)), dFinals[1]);
        return (dxf.With(dxf.Data + dxb.Data), Recurrence.ConcatState([df, db], HasCell));
    }

    /// <summary>The direction of the layers this library knows; null for others.</summary>
    private static bool? RunsInReverse(IRecurrentLayer<T> layer) => layer switch
    {
        Rnn<T> rnn => rnn.Reverse,
        Lstm<T> lstm => lstm.Reverse,
        Gru<T> gru => gru.Reverse,
        _ => null,
    };

    private static string Sizes(IRecurrentLayer<T> layer) =>
        $"(input {layer.InputSize}, output {layer.OutputSize}, state {layer.StateSize})";
}
