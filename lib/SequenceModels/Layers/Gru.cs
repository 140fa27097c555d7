using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// The GRU over a whole batch of sequences in the lecture's form (see <see cref="GruCell"/>), with backpropagation
/// through time; the state c⟨t⟩ is also the output a⟨t⟩ (carried as <see cref="RecurrentState{T}.H"/>). The weights
/// are stacked so that few products do the work: rows [Γr; Γu; c̃] of
/// <code>
/// Z⟨t⟩ = Wx·x⟨t⟩ + b                        (3n_h × m, for all steps in one product)
/// Z_ru += Whru·c⟨t−1⟩                       (2n_h × m: both gates in one product per step)
/// Z_c  += Whc·(Γr ⊙ c⟨t−1⟩)                 (n_h × m: the reset is applied before the product)
/// </code>
/// Unlike PyTorch and cuDNN, whose GRU applies the reset after the product (r ⊙ (W_hn·h + b_hn)) and whose update
/// gate weights the old state (h = (1 − z) ⊙ n + z ⊙ h), this follows the lecture: Γu = 1 writes the candidate.
/// </summary>
public sealed class Gru<T> : IRecurrentLayer<T> where T : struct, IFloatingPointIeee754<T>
{
    // What Forward keeps for Backward; reused by the next Forward when the shapes repeat.
    private SequenceBatch<T>? _x;
    private T[]? _z;  // 3n_h × (T·m): rows [Γr; Γu; c̃], the gate values once a step has run (zero at padding)
    private T[]? _c;  // n_h × (T+1)·m: the initial state and c⟨t⟩ of every step (see Recurrence.StateBlock)
    private T[]? _rc; // n_h × (T·m): Γr ⊙ c⟨t−1⟩, the input of Whc
    private T[]? _dz; // 3n_h × (T·m): Backward's dL/dZ

    /// <summary>A layer with Glorot-initialised Wx, orthogonal n_h × n_h blocks in Whru and Whc, and zero biases.</summary>
    /// <param name="inputSize">n_x.</param>
    /// <param name="hiddenSize">n_h.</param>
    /// <param name="rng">The seeded generator for the initial weights.</param>
    /// <param name="reverse">Run from the last real step to the first (the backward half of a bidirectional GRU).</param>
    public Gru(int inputSize, int hiddenSize, Random rng, bool reverse = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentNullException.ThrowIfNull(rng);
        int nh = hiddenSize;
        Wx = new Parameter<T>("Wx", Init.Glorot<T>(3 * nh, inputSize, rng));
        Whru = new Parameter<T>("Whru", Init.Zeros<T>(2 * nh, nh));
        for (int g = 0; g < 2; g++) Whru.Value.SetSubMatrix(g * nh, 0, Init.Orthogonal<T>(nh, nh, rng));
        Whc = new Parameter<T>("Whc", Init.Orthogonal<T>(nh, nh, rng));
        B = new Parameter<T>("b", Init.Zeros<T>(3 * nh, 1));
        Reverse = reverse;
        Parameters = [Wx, Whru, Whc, B];
    }

    /// <summary>A layer with the lecture's per-gate weights (copied), for hand-set examples and exercise checks.</summary>
    /// <param name="weights">Wr, Wu, Wc (each n_h × (n_h + n_x)) and their biases (each n_h × 1).</param>
    /// <param name="reverse">Run from the last real step to the first.</param>
    public Gru(GruWeights<T> weights, bool reverse = false)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.CheckShapes(weights.InputSize);
        int nh = weights.HiddenSize, nx = weights.InputSize;
        if (nx <= 0) throw new ShapeException(nameof(weights.Wr), $"(n_h × (n_h + n_x)) with n_h = {nh}, n_x > 0", Shape.Of(weights.Wr));
        Wx = new Parameter<T>("Wx", Init.Zeros<T>(3 * nh, nx));
        Whru = new Parameter<T>("Whru", Init.Zeros<T>(2 * nh, nh));
        Whc = new Parameter<T>("Whc", weights.Wc.SubMatrix(0, nh, 0, nh));
        B = new Parameter<T>("b", Init.Zeros<T>(3 * nh, 1));
        Matrix<T>[] w = [weights.Wr, weights.Wu, weights.Wc], b = [weights.Br, weights.Bu, weights.Bc];
        for (int g = 0; g < 3; g++)
        {
            if (g < 2) Whru.Value.SetSubMatrix(g * nh, 0, w[g].SubMatrix(0, nh, 0, nh));
            Wx.Value.SetSubMatrix(g * nh, 0, w[g].SubMatrix(0, nh, nh, nx));
            B.Value.SetSubMatrix(g * nh, 0, b[g]);
        }
        Reverse = reverse;
        Parameters = [Wx, Whru, Whc, B];
    }

    /// <summary>Input weights of the three gates, 3n_h × n_x, row blocks [Γr; Γu; c̃].</summary>
    public Parameter<T> Wx { get; }

    /// <summary>Recurrent weights of the two gates, 2n_h × n_h, row blocks [Γr; Γu]; they multiply c⟨t−1⟩.</summary>
    public Parameter<T> Whru { get; }

    /// <summary>Recurrent weights of the candidate, n_h × n_h; they multiply Γr ⊙ c⟨t−1⟩.</summary>
    public Parameter<T> Whc { get; }

    /// <summary>Biases, 3n_h × 1, row blocks [br; bu; bc].</summary>
    public Parameter<T> B { get; }

    /// <summary>True when the layer runs from the last step to the first.</summary>
    public bool Reverse { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <inheritdoc />
    public int InputSize => Wx.Value.ColumnCount;

    /// <summary>n_h.</summary>
    public int HiddenSize => Whc.Value.RowCount;

    /// <inheritdoc />
    public int OutputSize => HiddenSize;

    /// <inheritdoc />
    public int StateSize => HiddenSize;

    /// <inheritdoc />
    public bool HasCell => false;

    /// <summary>The current weights in the lecture's per-gate form (copies).</summary>
    public GruWeights<T> Weights() => PerGate(Wx.Value, Whru.Value, Whc.Value, B.Value);

    /// <summary>The accumulated gradients in the lecture's per-gate form (copies): dWr, dWu, dWc, dbr, dbu, dbc.</summary>
    public GruWeights<T> Gradients() => PerGate(Wx.Grad, Whru.Grad, Whc.Grad, B.Grad);

    /// <summary>
    /// The gate values of the last Forward, for plots: Γr, Γu and c̃, each n_h × (Steps·BatchSize) in the layout of a
    /// <see cref="SequenceBatch{T}"/> (step t is the column block [t·m, (t+1)·m)), zero at padded positions.
    /// </summary>
    public GruGates<T> Gates()
    {
        var z = _z ?? throw new InvalidOperationException("Gates are known after a Forward.");
        int nh = HiddenSize, columns = _x!.Steps * _x.BatchSize;
        return new GruGates<T>(Recurrence.RowBlock<T>(z, 3 * nh, 0, nh, columns),
            Recurrence.RowBlock<T>(z, 3 * nh, nh, nh, columns), Recurrence.RowBlock<T>(z, 3 * nh, 2 * nh, nh, columns));
    }

    /// <inheritdoc />
    /// <remarks>x is n_x × (T·m); the output is n_h × (T·m); the initial and final H (= c) are n_h × m.</remarks>
    public (SequenceBatch<T> Output, RecurrentState<T> Final) Forward(SequenceBatch<T> x, RecurrentState<T>? initial = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.RequireRows(x.Data, InputSize, nameof(x));
        int nh = HiddenSize, m = x.BatchSize, steps = x.Steps, block = nh * m, g3 = 3 * nh;
        if (initial?.H is { } h0) Shape.Require(h0, nh, m, "initial.H");

        var z = Recurrence.Reuse(ref _z, g3 * steps * m);
        var c = Recurrence.Reuse(ref _c, block * (steps + 1));
        var rc = Recurrence.Reuse(ref _rc, block * steps);
        var c0 = c.AsSpan(Recurrence.InitialBlock(steps, Reverse) * block, block);
        if (initial?.H is { } hInit) Tensor.Data(hInit).AsSpan().CopyTo(c0);
        else c0.Clear();

        // Input terms of every step at once: Z = Wx·X + b.
        Gemm.Multiply(false, false, g3, steps * m, InputSize, T.One, Tensor.Data(Wx.Value), g3, Tensor.Data(x.Data),
            InputSize, T.Zero, z, g3);
        var bias = Tensor.Data(B.Value);
        for (int j = 0; j < steps * m; j++) TensorPrimitives.Add(z.AsSpan(j * g3, g3), bias, z.AsSpan(j * g3, g3));

        var whru = Tensor.Data(Whru.Value);
        var whc = Tensor.Data(Whc.Value);
        for (int k = 0; k < steps; k++)
        {
            int t = Recurrence.StepAt(k, steps, Reverse);
            int now = Recurrence.StateBlock(t, Reverse) * block, prev = Recurrence.PreviousBlock(t, Reverse) * block;
            var zt = z.AsSpan(t * g3 * m, g3 * m);
            var rct = rc.AsSpan(t * block, block);
            // Z_ru⟨t⟩ += Whru·c⟨t−1⟩: both gates' recurrent terms in one product (rows 0..2n_h of each column).
            Gemm.Multiply(false, false, 2 * nh, m, nh, T.One, whru, 2 * nh, c.AsSpan(prev, block), nh, T.One, zt, g3);
            for (int b = 0; b < m; b++)
            {
                var rcb = rct.Slice(b * nh, nh);
                if (!x.IsReal(t, b))
                {
                    rcb.Clear();
                    continue;
                }
                var ru = zt.Slice(b * g3, 2 * nh);
                TensorPrimitives.Sigmoid(ru, ru); // Γr, Γu
                TensorPrimitives.Multiply(ru[..nh], c.AsSpan(prev + b * nh, nh), rcb);
            }
            // Z_c⟨t⟩ += Whc·(Γr ⊙ c⟨t−1⟩) (rows 2n_h..3n_h of each column).
            Gemm.Multiply(false, false, nh, m, nh, T.One, whc, nh, rct, nh, T.One, zt[(2 * nh)..], g3);
            for (int b = 0; b < m; b++)
            {
                var gates = zt.Slice(b * g3, g3);
                var cPrev = c.AsSpan(prev + b * nh, nh);
                var cNow = c.AsSpan(now + b * nh, nh);
                if (!x.IsReal(t, b))
                {
                    // Padding: the state passes through unchanged; no gate acts.
                    cPrev.CopyTo(cNow);
                    gates.Clear();
                    continue;
                }
                Span<T> gu = gates.Slice(nh, nh), cTilde = gates.Slice(2 * nh, nh);
                TensorPrimitives.Tanh(cTilde, cTilde);
                // c⟨t⟩ = Γu ⊙ c̃ + (1 − Γu) ⊙ c⟨t−1⟩ = c⟨t−1⟩ + Γu ⊙ (c̃ − c⟨t−1⟩)
                TensorPrimitives.Subtract(cTilde, cPrev, cNow);
                TensorPrimitives.MultiplyAdd(gu, cNow, cPrev, cNow);
            }
        }

        _x = x;
        int first = Recurrence.FirstOutputBlock(Reverse) * block;
        var output = Recurrence.ToMatrix<T>(c.AsSpan(first, steps * block), nh, steps * m);
        var final = Recurrence.ToMatrix<T>(c.AsSpan(Recurrence.FinalBlock(steps, Reverse) * block, block), nh, m);
        return (x.With(output).ZeroPadding(), new RecurrentState<T>(final));
    }

    /// <inheritdoc />
    /// <remarks>dOutput is n_h × (T·m); dFinal.H and DInitial.H are n_h × m; DInput is n_x × (T·m).</remarks>
    public (SequenceBatch<T> DInput, RecurrentState<T> DInitial) Backward(SequenceBatch<T> dOutput, RecurrentState<T>? dFinal = null)
    {
        var x = _x ?? throw new InvalidOperationException("Backward needs a Forward first.");
        ArgumentNullException.ThrowIfNull(dOutput);
        int nh = HiddenSize, m = x.BatchSize, steps = x.Steps, block = nh * m, g3 = 3 * nh;
        Shape.Require(dOutput.Data, nh, steps * m, nameof(dOutput));
        if (dFinal?.H is { } dhFinal) Shape.Require(dhFinal, nh, m, "dFinal.H");
        var (z, c, rc) = (_z!, _c!, _rc!);
        var dz = Recurrence.Reuse(ref _dz, g3 * steps * m);
        var dOut = Tensor.Data(dOutput.Data);

        var dC = Matrix<T>.Build.Dense(nh, m); // dL/dc⟨t⟩ flowing back from later steps
        if (dFinal?.H is { } dcf) dcf.CopyTo(dC);
        var dc = Tensor.Data(dC);
        var dRc = new T[block]; // d(Γr ⊙ c⟨t−1⟩) of one step
        var scratch = new T[nh];
        var whru = Tensor.Data(Whru.Value);
        var whc = Tensor.Data(Whc.Value);
        var dWhru = Tensor.Data(Whru.Grad);
        var dWhc = Tensor.Data(Whc.Grad);

        for (int k = steps - 1; k >= 0; k--)
        {
            int t = Recurrence.StepAt(k, steps, Reverse);
            int prev = Recurrence.PreviousBlock(t, Reverse) * block;
            var zt = z.AsSpan(t * g3 * m, g3 * m);
            var dzt = dz.AsSpan(t * g3 * m, g3 * m);
            Recurrence.AddRealColumns(x, t, dOut.AsSpan(t * block, block), dc, nh);
            for (int b = 0; b < m; b++)
            {
                var dzb = dzt.Slice(b * g3, g3);
                if (!x.IsReal(t, b))
                {
                    // Padding carried c through: its gradient passes straight back, no gate gets any.
                    dzb.Clear();
                    continue;
                }
                var gates = zt.Slice(b * g3, g3);
                Span<T> gu = gates.Slice(nh, nh), cTilde = gates.Slice(2 * nh, nh);
                Span<T> dzu = dzb.Slice(nh, nh), dzc = dzb.Slice(2 * nh, nh);
                var cPrev = c.AsSpan(prev + b * nh, nh);
                var dcb = dc.AsSpan(b * nh, nh);
                // c = c⟨t−1⟩ + Γu ⊙ (c̃ − c⟨t−1⟩):  dΓu = dc ⊙ (c̃ − c⟨t−1⟩);  dc̃ = dc ⊙ Γu;  dc⟨t−1⟩ = dc ⊙ (1 − Γu)
                TensorPrimitives.Subtract(cTilde, cPrev, dzu);
                TensorPrimitives.Multiply(dzu, dcb, dzu);
                TensorPrimitives.Multiply(dcb, gu, dzc);
                TensorPrimitives.Subtract(dcb, dzc, dcb);
                Recurrence.TimesSigmoidDerivative<T>(gu, dzu, scratch);
                Recurrence.TimesTanhDerivative<T>(cTilde, dzc, scratch);
            }
            // c̃ = tanh(… + Whc·(Γr ⊙ c⟨t−1⟩)):  dWhc += dZ_c·(Γr ⊙ c⟨t−1⟩)ᵀ;  d(Γr ⊙ c⟨t−1⟩) = Whcᵀ·dZ_c
            var dzCandidate = dzt[(2 * nh)..];
            Gemm.Multiply(false, true, nh, nh, m, T.One, dzCandidate, g3, rc.AsSpan(t * block, block), nh, T.One, dWhc, nh);
            Gemm.Multiply(true, false, nh, m, nh, T.One, whc, nh, dzCandidate, g3, T.Zero, dRc, nh);
            for (int b = 0; b < m; b++)
            {
                if (!x.IsReal(t, b)) continue;
                var gr = zt.Slice(b * g3, nh);
                var dzr = dzt.Slice(b * g3, nh);
                var dRcb = dRc.AsSpan(b * nh, nh);
                // dΓr = d(Γr ⊙ c⟨t−1⟩) ⊙ c⟨t−1⟩;  dc⟨t−1⟩ += d(Γr ⊙ c⟨t−1⟩) ⊙ Γr
                TensorPrimitives.Multiply(dRcb, c.AsSpan(prev + b * nh, nh), dzr);
                TensorPrimitives.MultiplyAdd(dRcb, gr, dc.AsSpan(b * nh, nh), dc.AsSpan(b * nh, nh));
                Recurrence.TimesSigmoidDerivative<T>(gr, dzr, scratch);
            }
            // dWhru += dZ_ru·c⟨t−1⟩ᵀ;  dc⟨t−1⟩ += Whruᵀ·dZ_ru (dZ is 0 at padded columns)
            Gemm.Multiply(false, true, 2 * nh, nh, m, T.One, dzt, g3, c.AsSpan(prev, block), nh, T.One, dWhru, 2 * nh);
            Gemm.Multiply(true, false, nh, m, 2 * nh, T.One, whru, 2 * nh, dzt, g3, T.One, dc, nh);
        }

        // Input terms of all steps at once: dWx += dZ·Xᵀ, db += Σ dZ, dX = Wxᵀ·dZ.
        int columns = steps * m;
        Gemm.Multiply(false, true, g3, InputSize, columns, T.One, dz, g3, Tensor.Data(x.Data), InputSize, T.One,
            Tensor.Data(Wx.Grad), g3);
        Tensor.AccumulateRowSums<T>(dz, g3, columns, Tensor.Data(B.Grad));
        var dx = Matrix<T>.Build.Dense(InputSize, columns);
        Gemm.Multiply(true, false, InputSize, columns, g3, T.One, Tensor.Data(Wx.Value), g3, dz, g3, T.Zero,
            Tensor.Data(dx), InputSize);
        return (x.With(dx), new RecurrentState<T>(dC));
    }

    /// <summary>Splits stacked row blocks into the lecture's W_g = [Wh_g, Wx_g] and b_g.</summary>
    private GruWeights<T> PerGate(Matrix<T> wx, Matrix<T> whru, Matrix<T> whc, Matrix<T> b)
    {
        int nh = HiddenSize, nx = InputSize;
        Matrix<T> X(int g) => wx.SubMatrix(g * nh, nh, 0, nx);
        Matrix<T> Bias(int g) => b.SubMatrix(g * nh, nh, 0, 1);
        return new GruWeights<T>(whru.SubMatrix(0, nh, 0, nh).Append(X(0)), whru.SubMatrix(nh, nh, 0, nh).Append(X(1)),
            whc.Append(X(2)), Bias(0), Bias(1), Bias(2));
    }
}
