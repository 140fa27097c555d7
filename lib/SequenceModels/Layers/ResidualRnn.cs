using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// One step of the RNN with a skip (residual) connection through time, written as the lecture writes it:
/// <c>h⟨t⟩ = h⟨t−1⟩ + f(Wxh·x⟨t⟩ + Whh·h⟨t−1⟩ + bh)</c>. The state is carried forward unchanged and the cell only adds
/// to it, so the step's Jacobian is <c>I + diag(f′)·Whh</c> instead of the plain RNN's <c>diag(f′)·Whh</c>: the
/// identity gives the gradient a path back through time that no factor f′ ≤ 1 can shrink (Goodfellow et al. 2016,
/// §10.9; the AntisymmetricRNN of Chang et al. 2019 is this step with a small step size).
/// </summary>
public static class ResidualRnnCell
{
    /// <summary>One forward step.</summary>
    /// <param name="x">x⟨t⟩, n_x × m.</param>
    /// <param name="hPrev">h⟨t−1⟩, n_h × m.</param>
    /// <param name="wxh">n_h × n_x.</param>
    /// <param name="whh">n_h × n_h.</param>
    /// <param name="bh">n_h × 1.</param>
    /// <param name="activation">f.</param>
    /// <returns>h⟨t⟩, n_h × m.</returns>
    public static Matrix<T> Forward<T>(Matrix<T> x, Matrix<T> hPrev, Matrix<T> wxh, Matrix<T> whh, Matrix<T> bh,
        Activation activation = Activation.Tanh) where T : struct, IFloatingPointIeee754<T> =>
        hPrev + RnnCell.Forward(x, hPrev, wxh, whh, bh, activation);

    /// <summary>The step unrolled over a sequence from <paramref name="h0"/>, the same weights at every step.</summary>
    /// <param name="xs">x⟨1⟩..x⟨T⟩, each n_x × m.</param>
    /// <param name="h0">The initial state, n_h × m.</param>
    /// <param name="wxh">n_h × n_x.</param>
    /// <param name="whh">n_h × n_h.</param>
    /// <param name="bh">n_h × 1.</param>
    /// <param name="activation">f.</param>
    /// <returns>h⟨1⟩..h⟨T⟩, each n_h × m.</returns>
    public static Matrix<T>[] Unroll<T>(IReadOnlyList<Matrix<T>> xs, Matrix<T> h0, Matrix<T> wxh, Matrix<T> whh, Matrix<T> bh,
        Activation activation = Activation.Tanh) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(xs);
        var hs = new Matrix<T>[xs.Count];
        var h = h0;
        for (int t = 0; t < xs.Count; t++) hs[t] = h = Forward(xs[t], h, wxh, whh, bh, activation);
        return hs;
    }
}

/// <summary>
/// The RNN with a skip connection through time over a whole batch of sequences,
/// <c>h⟨t⟩ = h⟨t−1⟩ + f(Wxh·x⟨t⟩ + Whh·h⟨t−1⟩ + bh)</c>, and its backpropagation through time, where the gradient
/// reaching h⟨t−1⟩ is <c>dh⟨t⟩ + Whhᵀ·(dh⟨t⟩ ⊙ f′)</c>. Same numbers as <see cref="ResidualRnnCell"/> step by step.
/// The state is not bounded: with tanh each step may add up to ±1 per unit, so it drifts when every step adds to it.
/// </summary>
public sealed class ResidualRnn<T> : IRecurrentLayer<T> where T : struct, IFloatingPointIeee754<T>
{
    // What Forward keeps for Backward.
    private SequenceBatch<T>? _x;
    private Matrix<T>? _states; // n_h × (Steps+1)·m: h⟨0⟩ = the initial state, then h⟨t⟩ for every step
    private Matrix<T>? _branch; // n_h × Steps·m: a⟨t⟩ = f(z⟨t⟩), zero at padded positions

    /// <summary>
    /// A layer with Glorot-initialised Wxh and zero Whh and bh. With Whh = 0 every step starts as the identity,
    /// ∂h⟨t⟩/∂h⟨t−1⟩ = I: the gradient reaches the first step undiminished and unamplified. (An orthogonal Whh, as in
    /// <see cref="Rnn{T}"/>, would make I + diag(f′)·Whh amplify by up to 2 per step, and the gradient explode.)
    /// </summary>
    /// <param name="inputSize">n_x.</param>
    /// <param name="hiddenSize">n_h.</param>
    /// <param name="rng">The seeded generator for the initial weights.</param>
    /// <param name="activation">f.</param>
    public ResidualRnn(int inputSize, int hiddenSize, Random rng, Activation activation = Activation.Tanh)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        Wxh = new Parameter<T>("Wxh", Init.Glorot<T>(hiddenSize, inputSize, rng));
        Whh = new Parameter<T>("Whh", Init.Zeros<T>(hiddenSize, hiddenSize));
        Bh = new Parameter<T>("bh", Init.Zeros<T>(hiddenSize, 1));
        Activation = activation;
        Parameters = [Wxh, Whh, Bh];
    }

    /// <summary>Input weights, n_h × n_x.</summary>
    public Parameter<T> Wxh { get; }

    /// <summary>Recurrent weights, n_h × n_h.</summary>
    public Parameter<T> Whh { get; }

    /// <summary>Bias, n_h × 1.</summary>
    public Parameter<T> Bh { get; }

    /// <summary>f, applied elementwise to the branch that is added to the state.</summary>
    public Activation Activation { get; }

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
    /// <remarks>x is n_x × (T·m); the output is n_h × (T·m); states are n_h × m.</remarks>
    public (SequenceBatch<T> Output, RecurrentState<T> Final) Forward(SequenceBatch<T> x, RecurrentState<T>? initial = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.RequireRows(x.Data, InputSize, nameof(x));
        int nh = HiddenSize, m = x.BatchSize, steps = x.Steps, block = nh * m;
        var h0 = initial?.H;
        if (h0 is not null) Shape.Require(h0, nh, m, "initial.H");

        var states = Matrix<T>.Build.Dense(nh, (steps + 1) * m);
        var s = Tensor.Data(states);
        if (h0 is not null) Tensor.Data(h0).AsSpan().CopyTo(s.AsSpan(0, block));

        // Input terms of every step at once: Z = Wxh·X + bh, written into the branch buffer.
        var branch = Matrix<T>.Build.Dense(nh, steps * m);
        var a = Tensor.Data(branch);
        Gemm.Multiply(false, false, nh, steps * m, InputSize, T.One, Tensor.Data(Wxh.Value), nh, Tensor.Data(x.Data),
            InputSize, T.Zero, a, nh);
        Tensor.AddColumnInPlace(branch, Bh.Value);

        var u = Tensor.Data(Whh.Value);
        for (int t = 0; t < steps; t++)
        {
            var prev = s.AsSpan(t * block, block);
            var h = s.AsSpan((t + 1) * block, block);
            var at = a.AsSpan(t * block, block);
            // a⟨t⟩ = f(Z⟨t⟩ + Whh·h⟨t−1⟩);  h⟨t⟩ = h⟨t−1⟩ + a⟨t⟩
            Gemm.Multiply(false, false, nh, m, nh, T.One, u, nh, prev, nh, T.One, at, nh);
            Activations.Forward<T>(Activation, at, at);
            ClearPadded(x, t, at, nh); // padding adds nothing, so the state is carried unchanged
            System.Numerics.Tensors.TensorPrimitives.Add(prev, at, h);
        }

        _x = x;
        _states = states;
        _branch = branch;
        var output = Matrix<T>.Build.Dense(nh, steps * m);
        s.AsSpan(block, steps * block).CopyTo(Tensor.Data(output));
        var final = Matrix<T>.Build.Dense(nh, m);
        s.AsSpan(steps * block, block).CopyTo(Tensor.Data(final));
        return (x.With(output).ZeroPadding(), new RecurrentState<T>(final));
    }

    /// <inheritdoc />
    /// <remarks>dOutput is n_h × (T·m), DInput n_x × (T·m); states are n_h × m.</remarks>
    public (SequenceBatch<T> DInput, RecurrentState<T> DInitial) Backward(SequenceBatch<T> dOutput, RecurrentState<T>? dFinal = null)
    {
        var x = _x ?? throw new InvalidOperationException("Backward needs a Forward first.");
        ArgumentNullException.ThrowIfNull(dOutput);
        int nh = HiddenSize, m = x.BatchSize, steps = x.Steps, block = nh * m;
        Shape.Require(dOutput.Data, nh, steps * m, nameof(dOutput));
        if (dFinal?.H is { } dhFinal) Shape.Require(dhFinal, nh, m, "dFinal.H");
        var s = Tensor.Data(_states!);
        var a = Tensor.Data(_branch!);

        var dz = Matrix<T>.Build.Dense(nh, steps * m);
        var dzData = Tensor.Data(dz);
        var dOut = Tensor.Data(dOutput.Data);
        var dh = new T[block]; // dL/dh⟨t⟩, from the output at t and from step t+1
        if (dFinal?.H is { } dhf) Tensor.Data(dhf).AsSpan().CopyTo(dh);
        var u = Tensor.Data(Whh.Value);
        var dWhh = Tensor.Data(Whh.Grad);

        for (int t = steps - 1; t >= 0; t--)
        {
            var prev = s.AsSpan(t * block, block);
            var dzt = dzData.AsSpan(t * block, block);
            Recurrence.AddRealColumns(x, t, dOut.AsSpan(t * block, block), dh, nh);
            // dz⟨t⟩ = dh⟨t⟩ ⊙ f′; zero at padding, where the branch was not used
            Activations.Backward<T>(Activation, a.AsSpan(t * block, block), dh, dzt);
            ClearPadded(x, t, dzt, nh);
            // dWhh += dz⟨t⟩·h⟨t−1⟩ᵀ;  dh⟨t−1⟩ = dh⟨t⟩ (the skip) + Whhᵀ·dz⟨t⟩ (the branch)
            Gemm.Multiply(false, true, nh, nh, m, T.One, dzt, nh, prev, nh, T.One, dWhh, nh);
            Gemm.Multiply(true, false, nh, m, nh, T.One, u, nh, dzt, nh, T.One, dh, nh);
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

    private static void ClearPadded(SequenceBatch<T> x, int t, Span<T> values, int n)
    {
        for (int b = 0; b < x.BatchSize; b++)
            if (!x.IsReal(t, b)) values.Slice(b * n, n).Clear();
    }
}
