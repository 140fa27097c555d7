namespace SequenceModels;

/// <summary>
/// A deep RNN: recurrent layers stacked so that layer l reads the output sequence of layer l − 1,
/// <c>a[l]⟨t⟩ = layer_l(a[l−1]⟨t⟩, a[l]⟨t−1⟩)</c>. With <see cref="Residual"/>, every layer after the first also adds
/// its input to its output (a skip connection, He et al. 2016): <c>out_l = layer_l(in_l) + in_l</c>, which gives the
/// gradient a path around each layer. States are the layers' states concatenated along the rows, layer 0 first;
/// parameters are named <c>layer0.Wx</c>, <c>layer1.Wx</c>, ….
/// </summary>
public sealed class StackedRecurrent<T> : IRecurrentLayer<T>, IPredictingLayer<T> where T : struct, IFloatingPointIeee754<T>
{
    private SequenceBatch<T>? _x;

    /// <summary>Stacks <paramref name="layers"/> (at least one), bottom first.</summary>
    /// <param name="layers">Layer l's InputSize must equal layer l − 1's OutputSize; all have a memory cell, or none.</param>
    /// <param name="residual">Add each layer's input to its output (layers 1 and up; their input and output sizes
    /// must then be equal).</param>
    public StackedRecurrent(IReadOnlyList<IRecurrentLayer<T>> layers, bool residual = false)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("A stack needs at least one layer.", nameof(layers));
        for (int l = 0; l < layers.Count; l++)
        {
            ArgumentNullException.ThrowIfNull(layers[l], $"{nameof(layers)}[{l}]");
            if (layers[l].HasCell != layers[0].HasCell)
                throw new ArgumentException(
                    $"layers[{l}] {(layers[l].HasCell ? "has" : "has no")} memory cell C but layers[0] " +
                    $"{(layers[0].HasCell ? "has" : "has none")}: stacked states must be all (H, C) or all H.", nameof(layers));
            if (l == 0) continue;
            if (layers[l].InputSize != layers[l - 1].OutputSize)
                throw new ArgumentException(
                    $"layers[{l}] reads {layers[l].InputSize} features but layers[{l - 1}] outputs {layers[l - 1].OutputSize}.",
                    nameof(layers));
            if (residual && layers[l].OutputSize != layers[l].InputSize)
                throw new ArgumentException(
                    $"A residual connection adds layers[{l}]'s input to its output, but it reads {layers[l].InputSize} " +
                    $"features and outputs {layers[l].OutputSize}; give every layer after the first equal sizes.",
                    nameof(residual));
        }
        Layers = layers.ToArray();
        Residual = residual;
        Parameters = ParameterExtensions.Prefixed(Layers.Select((layer, l) => ($"layer{l}", (IHasParameters<T>)layer)).ToArray());
    }

    /// <summary>
    /// <paramref name="count"/> layers made by <paramref name="layer"/>, which receives each layer's input size
    /// (<paramref name="inputSize"/> for the first, the previous layer's output size after that). For example
    /// <c>StackedRecurrent&lt;double&gt;.Of(2, 10, n =&gt; new Lstm&lt;double&gt;(n, 32, rng))</c>.
    /// </summary>
    public static StackedRecurrent<T> Of(int count, int inputSize, Func<int, IRecurrentLayer<T>> layer, bool residual = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(layer);
        var layers = new List<IRecurrentLayer<T>>();
        for (int l = 0; l < count; l++) layers.Add(layer(l == 0 ? inputSize : layers[l - 1].OutputSize));
        return new StackedRecurrent<T>(layers, residual);
    }

    /// <summary>The layers, bottom (reading the input) first.</summary>
    public IReadOnlyList<IRecurrentLayer<T>> Layers { get; }

    /// <summary>True when layers 1 and up add their input to their output.</summary>
    public bool Residual { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <inheritdoc />
    public int InputSize => Layers[0].InputSize;

    /// <inheritdoc />
    public int OutputSize => Layers[^1].OutputSize;

    /// <inheritdoc />
    public int StateSize => Layers.Sum(l => l.StateSize);

    /// <inheritdoc />
    public bool HasCell => Layers[0].HasCell;

    /// <inheritdoc />
    /// <remarks>x is InputSize × (T·m), the output OutputSize × (T·m); states are StateSize × m, layer 0's rows first.</remarks>
    public (SequenceBatch<T> Output, RecurrentState<T> Final) Forward(SequenceBatch<T> x, RecurrentState<T>? initial = null)
    {
        var result = Run(x, initial, train: true);
        _x = x;
        return result;
    }

    /// <inheritdoc />
    (SequenceBatch<T> Output, RecurrentState<T> Final) IPredictingLayer<T>.Infer(SequenceBatch<T> x, RecurrentState<T>? initial) =>
        Run(x, initial, train: false);

    private (SequenceBatch<T> Output, RecurrentState<T> Final) Run(SequenceBatch<T> x, RecurrentState<T>? initial, bool train)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.RequireRows(x.Data, InputSize, nameof(x));
        var initials = Recurrence.SplitState(initial, Layers, x.BatchSize, nameof(initial));
        var finals = new RecurrentState<T>[Layers.Count];
        var a = x;
        for (int l = 0; l < Layers.Count; l++)
        {
            var (output, final) = train ? Layers[l].Forward(a, initials[l]) : Layers[l].Infer(a, initials[l]);
            // Both are zero at padded positions, so the sum is too.
            a = Residual && l > 0 ? output.With(output.Data + a.Data) : output;
            finals[l] = final;
        }
        return (a, Recurrence.ConcatState(finals, HasCell));
    }

    /// <inheritdoc />
    /// <remarks>dOutput is OutputSize × (T·m), DInput InputSize × (T·m); states are StateSize × m.</remarks>
    public (SequenceBatch<T> DInput, RecurrentState<T> DInitial) Backward(SequenceBatch<T> dOutput, RecurrentState<T>? dFinal = null)
    {
        var x = _x ?? throw new InvalidOperationException("Backward needs a Forward first.");
        ArgumentNullException.ThrowIfNull(dOutput);
        Shape.Require(dOutput.Data, OutputSize, x.Steps * x.BatchSize, nameof(dOutput));
        var dFinals = Recurrence.SplitState(dFinal, Layers, x.BatchSize, nameof(dFinal));
        var dInitials = new RecurrentState<T>[Layers.Count];
        // The skip path passes dOutput on unchanged, so its padded positions, which the layers ignore, are cleared.
        var da = Residual ? x.With(dOutput.Data.Clone()).ZeroPadding() : x.With(dOutput.Data);
        for (int l = Layers.Count - 1; l >= 0; l--)
        {
            var (dInput, dInitial) = Layers[l].Backward(da, dFinals[l]);
            da = Residual && l > 0 ? dInput.With(dInput.Data + da.Data) : dInput;
            dInitials[l] = dInitial;
        }
        return (da, Recurrence.ConcatState(dInitials, HasCell));
    }
}
