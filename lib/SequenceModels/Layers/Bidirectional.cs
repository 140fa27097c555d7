using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// A bidirectional RNN: one layer reads the sequence forwards, another of the same kind and size reads it backwards,
/// and the output at step t stacks both, <c>ŷ⟨t⟩ features = [→a⟨t⟩; ←a⟨t⟩]</c>, so every position sees the whole
/// sequence (the past through →a, the future through ←a). Padding is handled by the layers: the reverse layer starts
/// at each sequence's last real step. States are [forward; reverse] along the rows; parameters are named
/// <c>fwd.Wx</c>, <c>bwd.Wx</c>, ….
/// <para>
/// The two directions are independent, so they run at the same time on two cores (<see cref="ForkJoin"/>); two
/// LSTMs write their halves of the output straight into it and read theirs of its gradient in place.
/// </para>
/// </summary>
public sealed class Bidirectional<T> : IRecurrentLayer<T>, IPredictingLayer<T> where T : struct, IFloatingPointIeee754<T>
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
        var result = Run(x, initial, train: true);
        (_steps, _batchSize, _ran) = (x.Steps, x.BatchSize, true);
        return result;
    }

    /// <inheritdoc />
    (SequenceBatch<T> Output, RecurrentState<T> Final) IPredictingLayer<T>.Infer(SequenceBatch<T> x, RecurrentState<T>? initial) =>
        Run(x, initial, train: false);

    private (SequenceBatch<T> Output, RecurrentState<T> Final) Run(SequenceBatch<T> x, RecurrentState<T>? initial, bool train)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.RequireRows(x.Data, InputSize, nameof(x));
        var initials = Recurrence.SplitState(initial, _parts, x.BatchSize, nameof(initial));
        var finals = new RecurrentState<T>[2];
        if (ForwardLayer is Lstm<T> f && ReverseLayer is Lstm<T> r)
        {
            int columns = f.CheckInput(x, initials[0]), nh = f.HiddenSize;
            r.CheckInput(x, initials[1]);
            var output = Matrix<T>.Build.Dense(2 * nh, columns);
            var y = Tensor.Data(output);
            ForkJoin.Invoke(() => finals[0] = f.Run(x, initials[0], train, y, 2 * nh, 0),
                () => finals[1] = r.Run(x, initials[1], train, y, 2 * nh, nh));
            return (x.With(output), Recurrence.ConcatState(finals, HasCell));
        }
        var outputs = new SequenceBatch<T>[2];
        ForkJoin.Invoke(() => (outputs[0], finals[0]) = train ? ForwardLayer.Forward(x, initials[0]) : ForwardLayer.Infer(x, initials[0]),
            () => (outputs[1], finals[1]) = train ? ReverseLayer.Forward(x, initials[1]) : ReverseLayer.Infer(x, initials[1]));
        return (x.With(outputs[0].Data.Stack(outputs[1].Data)), Recurrence.ConcatState(finals, HasCell));
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
        var dInitials = new RecurrentState<T>[2];
        if (ForwardLayer is Lstm<T> f && ReverseLayer is Lstm<T> r)
        {
            var dy = Tensor.Data(dOutput.Data);
            ForkJoin.Invoke(() => dInitials[0] = f.BackwardThroughTime(dy, 2 * nf, 0, dFinals[0]),
                () => dInitials[1] = r.BackwardThroughTime(dy, 2 * nf, nf, dFinals[1]));
            // dx = Wxᵀ·dZ of both directions, the forward one first.
            var dx = Matrix<T>.Build.Dense(InputSize, columns);
            f.InputGradient(Tensor.Data(dx), accumulate: false);
            r.InputGradient(Tensor.Data(dx), accumulate: true);
            return (dOutput.With(dx), Recurrence.ConcatState(dInitials, HasCell));
        }
        var dInputs = new SequenceBatch<T>[2];
        ForkJoin.Invoke(
            () => (dInputs[0], dInitials[0]) = ForwardLayer.Backward(dOutput.With(dOutput.Data.SubMatrix(0, nf, 0, columns)), dFinals[0]),
            () => (dInputs[1], dInitials[1]) = ReverseLayer.Backward(dOutput.With(dOutput.Data.SubMatrix(nf, ReverseLayer.OutputSize, 0, columns)), dFinals[1]));
        return (dInputs[0].With(dInputs[0].Data + dInputs[1].Data), Recurrence.ConcatState(dInitials, HasCell));
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
