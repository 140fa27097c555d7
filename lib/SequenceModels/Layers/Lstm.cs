using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// The LSTM over a whole batch of sequences, with backpropagation through time. Same numbers as
/// <see cref="LstmCell"/> step by step, with the weights of the three gates and the candidate stacked so that one
/// product gives all four pre-activations: rows [f; i; c̃; o] of
/// <code>
/// Z⟨t⟩ = Wx·x⟨t⟩ + Wh·h⟨t−1⟩ + b        (4n_h × m)
/// </code>
/// The input terms Wx·x⟨t⟩ + b of all steps come from one product before the recurrence; each step then adds Wh·h⟨t−1⟩
/// (one product) and applies the gates column by column. The lecture's Wf is [Wh rows of f, Wx rows of f], and so on:
/// <see cref="Weights"/> converts.
/// </summary>
public sealed class Lstm<T> : IRecurrentLayer<T> where T : struct, IFloatingPointIeee754<T>
{
    // What Forward keeps for Backward; reused by the next Forward when the shapes repeat.
    private SequenceBatch<T>? _x;
    private T[]? _z;     // 4n_h × (T·m): rows [f; i; c̃; o], the gate values once a step has run (zero at padding)
    private T[]? _h;     // n_h × (T+1)·m: the initial state and h⟨t⟩ of every step (see Recurrence.StateBlock)
    private T[]? _c;     // n_h × (T+1)·m: the same for c⟨t⟩
    private T[]? _tanhC; // n_h × (T·m): tanh(c⟨t⟩), which Backward needs again
    private T[]? _dz;    // 4n_h × (T·m): Backward's dL/dZ

    /// <summary>
    /// A layer with Glorot-initialised Wx, an orthogonal n_h × n_h block of Wh per gate, and zero biases except the
    /// forget gate's, which starts at 1: f = σ(1) ≈ 0.73, so the cell remembers from the start and gradients flow
    /// back through c while the gates learn (Gers et al. 2000; Jozefowicz, Zaremba and Sutskever 2015).
    /// </summary>
    /// <param name="inputSize">n_x.</param>
    /// <param name="hiddenSize">n_h.</param>
    /// <param name="rng">The seeded generator for the initial weights.</param>
    /// <param name="reverse">Run from the last real step to the first (the backward half of a bidirectional LSTM).</param>
    public Lstm(int inputSize, int hiddenSize, Random rng, bool reverse = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentNullException.ThrowIfNull(rng);
        int nh = hiddenSize;
        Wx = new Parameter<T>("Wx", Init.Glorot<T>(4 * nh, inputSize, rng));
        Wh = new Parameter<T>("Wh", Init.Zeros<T>(4 * nh, nh));
        for (int g = 0; g < 4; g++) Wh.Value.SetSubMatrix(g * nh, 0, Init.Orthogonal<T>(nh, nh, rng));
        B = new Parameter<T>("b", Init.Zeros<T>(4 * nh, 1));
        B.Value.SetSubMatrix(0, 0, Matrix<T>.Build.Dense(nh, 1, T.One)); // forget-gate bias 1
        Reverse = reverse;
        Parameters = [Wx, Wh, B];
    }

    /// <summary>A layer with the lecture's per-gate weights (copied), for hand-set examples and exercise checks.</summary>
    /// <param name="weights">Wf, Wi, Wc, Wo (each n_h × (n_h + n_x)) and their biases (each n_h × 1).</param>
    /// <param name="reverse">Run from the last real step to the first.</param>
    public Lstm(LstmWeights<T> weights, bool reverse = false)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.CheckShapes(weights.InputSize);
        int nh = weights.HiddenSize, nx = weights.InputSize;
        if (nx <= 0) throw new ShapeException(nameof(weights.Wf), $"(n_h × (n_h + n_x)) with n_h = {nh}, n_x > 0", Shape.Of(weights.Wf));
        Wx = new Parameter<T>("Wx", Init.Zeros<T>(4 * nh, nx));
        Wh = new Parameter<T>("Wh", Init.Zeros<T>(4 * nh, nh));
        B = new Parameter<T>("b", Init.Zeros<T>(4 * nh, 1));
        Matrix<T>[] w = [weights.Wf, weights.Wi, weights.Wc, weights.Wo], b = [weights.Bf, weights.Bi, weights.Bc, weights.Bo];
        for (int g = 0; g < 4; g++)
        {
            Wh.Value.SetSubMatrix(g * nh, 0, w[g].SubMatrix(0, nh, 0, nh));
            Wx.Value.SetSubMatrix(g * nh, 0, w[g].SubMatrix(0, nh, nh, nx));
            B.Value.SetSubMatrix(g * nh, 0, b[g]);
        }
        Reverse = reverse;
        Parameters = [Wx, Wh, B];
    }

    /// <summary>Input weights of the three gates and the candidate, 4n_h × n_x, row blocks [f; i; c̃; o].</summary>
    public Parameter<T> Wx { get; }

    /// <summary>Recurrent weights of the three gates and the candidate, 4n_h × n_h, row blocks [f; i; c̃; o].</summary>
    public Parameter<T> Wh { get; }

    /// <summary>Biases of the three gates and the candidate, 4n_h × 1, row blocks [bf; bi; bc; bo].</summary>
    public Parameter<T> B { get; }

    /// <summary>True when the layer runs from the last step to the first.</summary>
    public bool Reverse { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <inheritdoc />
    public int InputSize => Wx.Value.ColumnCount;

    /// <summary>n_h.</summary>
    public int HiddenSize => Wh.Value.ColumnCount;

    /// <inheritdoc />
    public int OutputSize => HiddenSize;

    /// <inheritdoc />
    public int StateSize => HiddenSize;

    /// <inheritdoc />
    public bool HasCell => true;

    /// <summary>The current weights in the lecture's per-gate form (copies).</summary>
    public LstmWeights<T> Weights() => PerGate(Wx.Value, Wh.Value, B.Value);

    /// <summary>The accumulated gradients in the lecture's per-gate form (copies): dWf, dWi, dWc, dWo, dbf, ….</summary>
    public LstmWeights<T> Gradients() => PerGate(Wx.Grad, Wh.Grad, B.Grad);

    /// <summary>
    /// The gate values of the last Forward, for plots: f, i, c̃ and o, each n_h × (Steps·BatchSize) in the layout of a
    /// <see cref="SequenceBatch{T}"/> (step t is the column block [t·m, (t+1)·m)), zero at padded positions.
    /// </summary>
    public LstmGates<T> Gates()
    {
        var z = _z ?? throw new InvalidOperationException("Gates are known after a Forward.");
        int nh = HiddenSize, columns = _x!.Steps * _x.BatchSize;
        return new LstmGates<T>(Recurrence.RowBlock<T>(z, 4 * nh, 0, nh, columns),
            Recurrence.RowBlock<T>(z, 4 * nh, nh, nh, columns), Recurrence.RowBlock<T>(z, 4 * nh, 2 * nh, nh, columns),
            Recurrence.RowBlock<T>(z, 4 * nh, 3 * nh, nh, columns));
    }

    /// <inheritdoc />
    /// <remarks>x is n_x × (T·m); the output is n_h × (T·m); initial and final H and C are n_h × m.</remarks>
    public (SequenceBatch<T> Output, RecurrentState<T> Final) Forward(SequenceBatch<T> x, RecurrentState<T>? initial = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.RequireRows(x.Data, InputSize, nameof(x));
        int nh = HiddenSize, m = x.BatchSize, steps = x.Steps, block = nh * m, g4 = 4 * nh;
        if (initial?.H is { } h0) Shape.Require(h0, nh, m, "initial.H");
        if (initial?.C is { } c0) Shape.Require(c0, nh, m, "initial.C");

        var z = Recurrence.Reuse(ref _z, g4 * steps * m);
        var h = Recurrence.Reuse(ref _h, block * (steps + 1));
        var c = Recurrence.Reuse(ref _c, block * (steps + 1));
        var tanhC = Recurrence.Reuse(ref _tanhC, block * steps);
        int initialAt = Recurrence.InitialBlock(steps, Reverse) * block;
        CopyOrClear(initial?.H, h.AsSpan(initialAt, block));
        CopyOrClear(initial?.C, c.AsSpan(initialAt, block));

        // Input terms of every step at once: Z = Wx·X + b.
        Gemm.Multiply(false, false, g4, steps * m, InputSize, T.One, Tensor.Data(Wx.Value), g4, Tensor.Data(x.Data),
            InputSize, T.Zero, z, g4);
        var bias = Tensor.Data(B.Value);
        for (int j = 0; j < steps * m; j++) TensorPrimitives.Add(z.AsSpan(j * g4, g4), bias, z.AsSpan(j * g4, g4));

        var wh = Tensor.Data(Wh.Value);
        for (int k = 0; k < steps; k++)
        {
            int t = Recurrence.StepAt(k, steps, Reverse);
            int now = Recurrence.StateBlock(t, Reverse) * block, prev = Recurrence.PreviousBlock(t, Reverse) * block;
            var zt = z.AsSpan(t * g4 * m, g4 * m);
            // Z⟨t⟩ += Wh·h⟨t−1⟩: the four layers' recurrent terms in one product.
            Gemm.Multiply(false, false, g4, m, nh, T.One, wh, g4, h.AsSpan(prev, block), nh, T.One, zt, g4);
            for (int b = 0; b < m; b++)
            {
                var gates = zt.Slice(b * g4, g4);
                var hPrev = h.AsSpan(prev + b * nh, nh);
                var cPrev = c.AsSpan(prev + b * nh, nh);
                var hNow = h.AsSpan(now + b * nh, nh);
                var cNow = c.AsSpan(now + b * nh, nh);
                var tc = tanhC.AsSpan(t * block + b * nh, nh);
                if (!x.IsReal(t, b))
                {
                    // Padding: the state passes through unchanged; no gate acts.
                    hPrev.CopyTo(hNow);
                    cPrev.CopyTo(cNow);
                    gates.Clear();
                    tc.Clear();
                    continue;
                }
                Span<T> f = gates[..nh], i = gates.Slice(nh, nh), cTilde = gates.Slice(2 * nh, nh), o = gates.Slice(3 * nh, nh);
                TensorPrimitives.Sigmoid(gates[..(2 * nh)], gates[..(2 * nh)]); // f, i
                TensorPrimitives.Tanh(cTilde, cTilde);
                TensorPrimitives.Sigmoid(o, o);
                // c⟨t⟩ = f ⊙ c⟨t−1⟩ + i ⊙ c̃
                TensorPrimitives.Multiply(f, cPrev, cNow);
                TensorPrimitives.MultiplyAdd(i, cTilde, cNow, cNow);
                // h⟨t⟩ = o ⊙ tanh(c⟨t⟩)
                TensorPrimitives.Tanh(cNow, tc);
                TensorPrimitives.Multiply(o, tc, hNow);
            }
        }

        _x = x;
        int first = Recurrence.FirstOutputBlock(Reverse) * block;
        var output = Recurrence.ToMatrix<T>(h.AsSpan(first, steps * block), nh, steps * m);
        int final = Recurrence.FinalBlock(steps, Reverse) * block;
        var hN = Recurrence.ToMatrix<T>(h.AsSpan(final, block), nh, m);
        var cN = Recurrence.ToMatrix<T>(c.AsSpan(final, block), nh, m);
        return (x.With(output).ZeroPadding(), new RecurrentState<T>(hN, cN));
    }

    /// <inheritdoc />
    /// <remarks>dOutput is n_h × (T·m); dFinal's and DInitial's H and C are n_h × m; DInput is n_x × (T·m).</remarks>
    public (SequenceBatch<T> DInput, RecurrentState<T> DInitial) Backward(SequenceBatch<T> dOutput, RecurrentState<T>? dFinal = null)
    {
        var x = _x ?? throw new InvalidOperationException("Backward needs a Forward first.");
        ArgumentNullException.ThrowIfNull(dOutput);
        int nh = HiddenSize, m = x.BatchSize, steps = x.Steps, block = nh * m, g4 = 4 * nh;
        Shape.Require(dOutput.Data, nh, steps * m, nameof(dOutput));
        if (dFinal?.H is { } dhFinal) Shape.Require(dhFinal, nh, m, "dFinal.H");
        if (dFinal?.C is { } dcFinal) Shape.Require(dcFinal, nh, m, "dFinal.C");
        var (z, h, c, tanhC) = (_z!, _h!, _c!, _tanhC!);
        var dz = Recurrence.Reuse(ref _dz, g4 * steps * m);
        var dOut = Tensor.Data(dOutput.Data);

        // dL/dh⟨t⟩ and dL/dc⟨t⟩ flowing back from later steps.
        var dH = Matrix<T>.Build.Dense(nh, m);
        var dC = Matrix<T>.Build.Dense(nh, m);
        if (dFinal?.H is { } dhf) dhf.CopyTo(dH);
        if (dFinal?.C is { } dcf) dcf.CopyTo(dC);
        var dh = Tensor.Data(dH);
        var dc = Tensor.Data(dC);
        var scratch = new T[2 * nh];
        var wh = Tensor.Data(Wh.Value);
        var dWh = Tensor.Data(Wh.Grad);

        for (int k = steps - 1; k >= 0; k--)
        {
            int t = Recurrence.StepAt(k, steps, Reverse);
            int prev = Recurrence.PreviousBlock(t, Reverse) * block;
            var zt = z.AsSpan(t * g4 * m, g4 * m);
            var dzt = dz.AsSpan(t * g4 * m, g4 * m);
            Recurrence.AddRealColumns(x, t, dOut.AsSpan(t * block, block), dh, nh);
            for (int b = 0; b < m; b++)
            {
                var dzb = dzt.Slice(b * g4, g4);
                if (!x.IsReal(t, b))
                {
                    // Padding carried h and c through: their gradients pass straight back, no gate gets any.
                    dzb.Clear();
                    continue;
                }
                var gates = zt.Slice(b * g4, g4);
                Span<T> f = gates[..nh], i = gates.Slice(nh, nh), cTilde = gates.Slice(2 * nh, nh), o = gates.Slice(3 * nh, nh);
                Span<T> dzf = dzb[..nh], dzi = dzb.Slice(nh, nh), dzc = dzb.Slice(2 * nh, nh), dzo = dzb.Slice(3 * nh, nh);
                var dhb = dh.AsSpan(b * nh, nh);
                var dcb = dc.AsSpan(b * nh, nh);
                var tc = tanhC.AsSpan(t * block + b * nh, nh);
                var s = scratch.AsSpan(0, nh);
                // h = o ⊙ tanh(c):  do = dh ⊙ tanh(c);  dc += dh ⊙ o ⊙ (1 − tanh²(c))
                TensorPrimitives.Multiply(dhb, tc, dzo);
                TensorPrimitives.Multiply(tc, tc, s);
                TensorPrimitives.Subtract(T.One, s, s);
                TensorPrimitives.Multiply(s, o, s);
                TensorPrimitives.MultiplyAdd(dhb, s, dcb, dcb);
                // c = f ⊙ c⟨t−1⟩ + i ⊙ c̃:  df = dc ⊙ c⟨t−1⟩;  di = dc ⊙ c̃;  dc̃ = dc ⊙ i;  dc⟨t−1⟩ = dc ⊙ f
                TensorPrimitives.Multiply(dcb, c.AsSpan(prev + b * nh, nh), dzf);
                TensorPrimitives.Multiply(dcb, cTilde, dzi);
                TensorPrimitives.Multiply(dcb, i, dzc);
                TensorPrimitives.Multiply(dcb, f, dcb);
                // Through the gates' nonlinearities: σ′ for f, i and o, tanh′ for c̃.
                Recurrence.TimesSigmoidDerivative<T>(gates[..(2 * nh)], dzb[..(2 * nh)], scratch);
                Recurrence.TimesTanhDerivative<T>(cTilde, dzc, scratch);
                Recurrence.TimesSigmoidDerivative<T>(o, dzo, scratch);
                dhb.Clear(); // receives Whᵀ·dz below
            }
            // dWh += dZ⟨t⟩·h⟨t−1⟩ᵀ;  dh⟨t−1⟩ += Whᵀ·dZ⟨t⟩ (padded columns keep their carried gradient: dZ is 0 there)
            Gemm.Multiply(false, true, g4, nh, m, T.One, dzt, g4, h.AsSpan(prev, block), nh, T.One, dWh, g4);
            Gemm.Multiply(true, false, nh, m, g4, T.One, wh, g4, dzt, g4, T.One, dh, nh);
        }

        // Input terms of all steps at once: dWx += dZ·Xᵀ, db += Σ dZ, dX = Wxᵀ·dZ.
        int columns = steps * m;
        Gemm.Multiply(false, true, g4, InputSize, columns, T.One, dz, g4, Tensor.Data(x.Data), InputSize, T.One,
            Tensor.Data(Wx.Grad), g4);
        Tensor.AccumulateRowSums<T>(dz, g4, columns, Tensor.Data(B.Grad));
        var dx = Matrix<T>.Build.Dense(InputSize, columns);
        Gemm.Multiply(true, false, InputSize, columns, g4, T.One, Tensor.Data(Wx.Value), g4, dz, g4, T.Zero,
            Tensor.Data(dx), InputSize);
        return (x.With(dx), new RecurrentState<T>(dH, dC));
    }

    private static void CopyOrClear(Matrix<T>? source, Span<T> destination)
    {
        if (source is null) destination.Clear();
        else Tensor.Data(source).AsSpan().CopyTo(destination);
    }

    /// <summary>Splits stacked [f; i; c̃; o] row blocks into the lecture's W_g = [Wh_g, Wx_g] and b_g.</summary>
    private LstmWeights<T> PerGate(Matrix<T> wx, Matrix<T> wh, Matrix<T> b)
    {
        int nh = HiddenSize, nx = InputSize;
        Matrix<T> W(int g) => wh.SubMatrix(g * nh, nh, 0, nh).Append(wx.SubMatrix(g * nh, nh, 0, nx));
        Matrix<T> Bias(int g) => b.SubMatrix(g * nh, nh, 0, 1);
        return new LstmWeights<T>(W(0), W(1), W(2), W(3), Bias(0), Bias(1), Bias(2), Bias(3));
    }
}
