using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// The vanilla RNN over a whole batch of sequences: <c>h⟨t⟩ = f(Wxh·x⟨t⟩ + Whh·h⟨t−1⟩ + bh)</c> with the same weights
/// at every step, and backpropagation through time. Same numbers as <see cref="RnnCell"/> step by step, computed with
/// one product for the input terms of all steps and one product per step for the recurrence.
/// </summary>
public sealed class Rnn<T> : IRecurrentLayer<T> where T : struct, IFloatingPointIeee754<T>
{
    // What Forward keeps for Backward.
    private SequenceBatch<T>? _x;
    private Matrix<T>? _states; // n_h × (Steps+1)·m: the initial state and h⟨t⟩ for every step (see Recurrence.StateBlock)

    /// <summary>A layer with Glorot-initialised Wxh, orthogonal Whh and zero bh.</summary>
    /// <param name="inputSize">n_x.</param>
    /// <param name="hiddenSize">n_h.</param>
    /// <param name="rng">The seeded generator for the initial weights.</param>
    /// <param name="activation">f: tanh (the lecture) or ReLU (an IRNN).</param>
    /// <param name="reverse">Run from the last real step to the first (the backward half of a bidirectional RNN).</param>
    public Rnn(int inputSize, int hiddenSize, Random rng, Activation activation = Activation.Tanh, bool reverse = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        Wxh = new Parameter<T>("Wxh", Init.Glorot<T>(hiddenSize, inputSize, rng));
        Whh = new Parameter<T>("Whh", Init.Orthogonal<T>(hiddenSize, hiddenSize, rng));
        Bh = new Parameter<T>("bh", Init.Zeros<T>(hiddenSize, 1));
        Activation = activation;
        Reverse = reverse;
        Parameters = [Wxh, Whh, Bh];
    }

    /// <summary>
    /// An IRNN (Le, Jaitly and Hinton, 2015): ReLU, Whh = identity, bh = 0 and small Wxh (normal, std 0.001), so at
    /// the start the state is copied forward unchanged and gradients neither vanish nor explode.
    /// </summary>
    public static Rnn<T> Irnn(int inputSize, int hiddenSize, Random rng, bool reverse = false)
    {
        var rnn = new Rnn<T>(inputSize, hiddenSize, rng, Activation.Relu, reverse);
        Init.Normal<T>(hiddenSize, inputSize, 0.001, rng).CopyTo(rnn.Wxh.Value);
        Init.Identity<T>(hiddenSize).CopyTo(rnn.Whh.Value);
        return rnn;
    }

    /// <summary>Input weights, n_h × n_x.</summary>
    public Parameter<T> Wxh { get; }

    /// <summary>Recurrent weights, n_h × n_h.</summary>
    public Parameter<T> Whh { get; }

    /// <summary>Bias, n_h × 1.</summary>
    public Parameter<T> Bh { get; }

    /// <summary>f, applied elementwise.</summary>
    public Activation Activation { get; }

    /// <summary>True when the layer runs from the last step to the first.</summary>
    public bool Reverse { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <inheritdoc />
    public int InputSize => Wxh.Value.ColumnCount;

    /// <summary>n_h.</summary>
    public int HiddenSize => Whh.Value.RowCount;

    /// <inheritdoc />
    public int OutputSize => HiddenSize;

    /// <inheritdoc />
    public int StateSize => HiddenSize;

    /// <inheritdoc />
    public bool HasCell => false;

    /// <inheritdoc />
    public (SequenceBatch<T> Output, RecurrentState<T> Final) Forward(SequenceBatch<T> x, RecurrentState<T>? initial = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.RequireRows(x.Data, InputSize, nameof(x));
        int nh = HiddenSize, m = x.BatchSize, steps = x.Steps, block = nh * m;
        var h0 = initial?.H;
        if (h0 is not null) Shape.Require(h0, nh, m, "initial.H");

        var states = Matrix<T>.Build.Dense(nh, (steps + 1) * m);
        var s = Tensor.Data(states);
        if (h0 is not null) Tensor.Data(h0).AsSpan().CopyTo(s.AsSpan(Recurrence.InitialBlock(steps, Reverse) * block, block));

        // Input terms of every step at once: Z = Wxh·X + bh, written straight into the state slots.
        int first = Recurrence.FirstOutputBlock(Reverse) * m;
        var w = Tensor.Data(Wxh.Value);
        Gemm.Multiply(false, false, nh, steps * m, InputSize, T.One, w, nh, Tensor.Data(x.Data), InputSize, T.Zero,
            s.AsSpan(first * nh, steps * block), nh);
        var bias = Tensor.Data(Bh.Value);
        for (int j = 0; j < steps * m; j++)
            System.Numerics.Tensors.TensorPrimitives.Add(s.AsSpan((first + j) * nh, nh), bias, s.AsSpan((first + j) * nh, nh));

        var u = Tensor.Data(Whh.Value);
        for (int i = 0; i < steps; i++)
        {
            int t = Recurrence.StepAt(i, steps, Reverse);
            var prev = s.AsSpan(Recurrence.PreviousBlock(t, Reverse) * block, block);
            var h = s.AsSpan(Recurrence.StateBlock(t, Reverse) * block, block);
            // h⟨t⟩ = f(Z⟨t⟩ + Whh·h⟨t−1⟩)
            Gemm.Multiply(false, false, nh, m, nh, T.One, u, nh, prev, nh, T.One, h, nh);
            Activations.Forward<T>(Activation, h, h);
            Recurrence.CarryThroughPadding(x, t, prev, h, nh);
        }

        _x = x;
        _states = states;
        var output = Matrix<T>.Build.Dense(nh, steps * m);
        s.AsSpan(first * nh, steps * block).CopyTo(Tensor.Data(output));
        var result = x.With(output).ZeroPadding();
        var final = Matrix<T>.Build.Dense(nh, m);
        s.AsSpan(Recurrence.FinalBlock(steps, Reverse) * block, block).CopyTo(Tensor.Data(final));
        return (result, new RecurrentState<T>(final));
    }

    /// <inheritdoc />
    public (SequenceBatch<T> DInput, RecurrentState<T> DInitial) Backward(SequenceBatch<T> dOutput, RecurrentState<T>? dFinal = null)
    {
        var x = _x ?? throw new InvalidOperationException("Backward needs a Forward first.");
        var s = Tensor.Data(_states!);
        ArgumentNullException.ThrowIfNull(dOutput);
        int nh = HiddenSize, m = x.BatchSize, steps = x.Steps, block = nh * m;
        Shape.Require(dOutput.Data, nh, steps * m, nameof(dOutput));
        if (dFinal?.H is { } dhFinal) Shape.Require(dhFinal, nh, m, "dFinal.H");

        // dZ⟨t⟩ = dL/d(pre-activation) for every step; zero at padded positions.
        var dz = Matrix<T>.Build.Dense(nh, steps * m);
        var dzData = Tensor.Data(dz);
        var dOut = Tensor.Data(dOutput.Data);
        var dh = new T[block]; // dL/dh⟨t⟩ flowing back from later steps
        if (dFinal?.H is { } dhf) Tensor.Data(dhf).AsSpan().CopyTo(dh);
        var u = Tensor.Data(Whh.Value);
        var dWhh = Tensor.Data(Whh.Grad);

        for (int i = steps - 1; i >= 0; i--)
        {
            int t = Recurrence.StepAt(i, steps, Reverse);
            var h = s.AsSpan(Recurrence.StateBlock(t, Reverse) * block, block);
            var prev = s.AsSpan(Recurrence.PreviousBlock(t, Reverse) * block, block);
            var dzt = dzData.AsSpan(t * block, block);
            // dh⟨t⟩ = dOutput⟨t⟩ + (from step t+1); dz⟨t⟩ = dh⟨t⟩ ⊙ f′
            Recurrence.AddRealColumns(x, t, dOut.AsSpan(t * block, block), dh, nh);
            Activations.Backward<T>(Activation, h, dh, dzt);
            // Padded positions carried h⟨t−1⟩ through unchanged: their gradient passes straight back.
            Recurrence.MaskPaddedGradient(x, t, dzt, dh, nh, out bool anyPadded);
            // dWhh += dz⟨t⟩·h⟨t−1⟩ᵀ;  dh⟨t−1⟩ = Whhᵀ·dz⟨t⟩ (+ carried gradient at padded positions)
            Gemm.Multiply(false, true, nh, nh, m, T.One, dzt, nh, prev, nh, T.One, dWhh, nh);
            Gemm.Multiply(true, false, nh, m, nh, T.One, u, nh, dzt, nh, anyPadded ? T.One : T.Zero, dh, nh);
        }

        // Input terms of all steps at once: dWxh += dZ·Xᵀ, dbh += Σ dZ, dX = Wxhᵀ·dZ.
        Gemm.Multiply(false, true, nh, InputSize, steps * m, T.One, dzData, nh, Tensor.Data(x.Data), InputSize, T.One,
            Tensor.Data(Wxh.Grad), nh);
        Tensor.AccumulateRowSums<T>(dzData, nh, steps * m, Tensor.Data(Bh.Grad));
        var dx = Matrix<T>.Build.Dense(InputSize, steps * m);
        Gemm.Multiply(true, false, InputSize, steps * m, nh, T.One, Tensor.Data(Wxh.Value), nh, dzData, nh, T.Zero,
            Tensor.Data(dx), InputSize);
        return (x.With(dx), new RecurrentState<T>(Matrix<T>.Build.Dense(nh, m, dh)));
    }
}
