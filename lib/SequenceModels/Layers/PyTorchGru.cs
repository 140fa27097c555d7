using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// The GRU as PyTorch's <c>nn.GRU</c> and NVIDIA's cuDNN compute it, over a whole batch of sequences, with
/// backpropagation through time:
/// <code>
/// r⟨t⟩ = σ(W_ir·x⟨t⟩ + b_ir + W_hr·h⟨t−1⟩ + b_hr)           reset gate
/// z⟨t⟩ = σ(W_iz·x⟨t⟩ + b_iz + W_hz·h⟨t−1⟩ + b_hz)           update gate
/// n⟨t⟩ = tanh(W_in·x⟨t⟩ + b_in + r⟨t⟩ ⊙ (W_hn·h⟨t−1⟩ + b_hn))  candidate: the reset acts after the product
/// h⟨t⟩ = (1 − z⟨t⟩) ⊙ n⟨t⟩ + z⟨t⟩ ⊙ h⟨t−1⟩                   z weights the old state
/// </code>
/// It differs from the lecture's GRU (<see cref="GruCell"/>, <see cref="Gru{T}"/>) in two ways: z = 1 − Γu, a
/// relabelling; and the reset gate multiplies W_hn·h⟨t−1⟩ + b_hn instead of h⟨t−1⟩ before the product, which is a
/// different function (it lets cuDNN compute all three recurrent products, W_h·h⟨t−1⟩, in one matrix product per step).
/// The parameters are PyTorch's, stacked the same way, so weights copy over one to one: <see cref="Wi"/> is
/// <c>weight_ih_l0</c>, <see cref="Wh"/> <c>weight_hh_l0</c>, <see cref="Bi"/> <c>bias_ih_l0</c>, <see cref="Bh"/>
/// <c>bias_hh_l0</c>, each with row blocks [r; z; n].
/// </summary>
public sealed class PyTorchGru<T> : IRecurrentLayer<T> where T : struct, IFloatingPointIeee754<T>
{
    // What Forward keeps for Backward; reused by the next Forward when the shapes repeat.
    private SequenceBatch<T>? _x;
    private T[]? _g;  // 3n_h × (T·m): rows [r; z; n], the gate values once a step has run (zero at padding)
    private T[]? _hn; // n_h × (T·m): W_hn·h⟨t−1⟩ + b_hn, which the reset gate multiplies
    private T[]? _h;  // n_h × (T+1)·m: the initial state and h⟨t⟩ of every step (see Recurrence.StateBlock)
    private T[]? _dz; // 3n_h × (T·m): Backward's dL/d(W_i·x + b_i)

    /// <summary>
    /// A layer initialised as PyTorch initialises <c>nn.GRU</c>: every weight and bias uniform in (−k, k), k = 1/√n_h.
    /// </summary>
    /// <param name="inputSize">n_x.</param>
    /// <param name="hiddenSize">n_h.</param>
    /// <param name="rng">The seeded generator for the initial weights.</param>
    /// <param name="reverse">Run from the last real step to the first (the backward half of a bidirectional GRU).</param>
    public PyTorchGru(int inputSize, int hiddenSize, Random rng, bool reverse = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentNullException.ThrowIfNull(rng);
        double k = 1 / Math.Sqrt(hiddenSize);
        Wi = new Parameter<T>("Wi", Init.Uniform<T>(3 * hiddenSize, inputSize, k, rng));
        Wh = new Parameter<T>("Wh", Init.Uniform<T>(3 * hiddenSize, hiddenSize, k, rng));
        Bi = new Parameter<T>("bi", Init.Uniform<T>(3 * hiddenSize, 1, k, rng));
        Bh = new Parameter<T>("bh", Init.Uniform<T>(3 * hiddenSize, 1, k, rng));
        Reverse = reverse;
        Parameters = [Wi, Wh, Bi, Bh];
    }

    /// <summary>A layer with the given weights (copied), for example PyTorch's.</summary>
    /// <param name="wi">W_i = [W_ir; W_iz; W_in], 3n_h × n_x (<c>weight_ih_l0</c>).</param>
    /// <param name="wh">W_h = [W_hr; W_hz; W_hn], 3n_h × n_h (<c>weight_hh_l0</c>).</param>
    /// <param name="bi">b_i = [b_ir; b_iz; b_in], 3n_h × 1 (<c>bias_ih_l0</c>).</param>
    /// <param name="bh">b_h = [b_hr; b_hz; b_hn], 3n_h × 1 (<c>bias_hh_l0</c>).</param>
    /// <param name="reverse">Run from the last real step to the first.</param>
    public PyTorchGru(Matrix<T> wi, Matrix<T> wh, Matrix<T> bi, Matrix<T> bh, bool reverse = false)
    {
        ArgumentNullException.ThrowIfNull(wi);
        ArgumentNullException.ThrowIfNull(wh);
        int nh = wh.ColumnCount;
        if (nh <= 0) throw new ShapeException(nameof(wh), "(3n_h × n_h) with n_h > 0", Shape.Of(wh));
        Shape.Require(wh, 3 * nh, nh, nameof(wh));
        Shape.Require(wi, 3 * nh, wi.ColumnCount, nameof(wi));
        if (wi.ColumnCount <= 0) throw new ShapeException(nameof(wi), $"(3n_h × n_x) with n_h = {nh}, n_x > 0", Shape.Of(wi));
        Shape.Require(bi, 3 * nh, 1, nameof(bi));
        Shape.Require(bh, 3 * nh, 1, nameof(bh));
        Wi = new Parameter<T>("Wi", wi.Clone());
        Wh = new Parameter<T>("Wh", wh.Clone());
        Bi = new Parameter<T>("bi", bi.Clone());
        Bh = new Parameter<T>("bh", bh.Clone());
        Reverse = reverse;
        Parameters = [Wi, Wh, Bi, Bh];
    }

    /// <summary>
    /// The lecture's GRU weights in this form: z = 1 − Γu (W_iz, W_hz, b_iz negated), W_ir, W_hr, b_ir and W_in, W_hn,
    /// b_in from Wr, br and Wc, bc, and b_hr = b_hz = b_hn = 0. With the reset gate open (Γr = r = 1) both layers then
    /// compute the same function; otherwise they differ only where the reset gate acts.
    /// </summary>
    /// <param name="weights">Wr, Wu, Wc (each n_h × (n_h + n_x)) and their biases (each n_h × 1).</param>
    /// <param name="reverse">Run from the last real step to the first.</param>
    public static PyTorchGru<T> FromLecture(GruWeights<T> weights, bool reverse = false)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.CheckShapes(weights.InputSize);
        int nh = weights.HiddenSize, nx = weights.InputSize;
        if (nx <= 0) throw new ShapeException(nameof(weights.Wr), $"(n_h × (n_h + n_x)) with n_h = {nh}, n_x > 0", Shape.Of(weights.Wr));
        var wi = Init.Zeros<T>(3 * nh, nx);
        var wh = Init.Zeros<T>(3 * nh, nh);
        var bi = Init.Zeros<T>(3 * nh, 1);
        (Matrix<T> W, Matrix<T> B, T Sign)[] gates = [(weights.Wr, weights.Br, T.One), (weights.Wu, weights.Bu, -T.One), (weights.Wc, weights.Bc, T.One)];
        for (int g = 0; g < 3; g++)
        {
            var (w, b, sign) = gates[g];
            wh.SetSubMatrix(g * nh, 0, w.SubMatrix(0, nh, 0, nh) * sign);
            wi.SetSubMatrix(g * nh, 0, w.SubMatrix(0, nh, nh, nx) * sign);
            bi.SetSubMatrix(g * nh, 0, b * sign);
        }
        return new PyTorchGru<T>(wi, wh, bi, Init.Zeros<T>(3 * nh, 1), reverse);
    }

    /// <summary>Input weights, 3n_h × n_x, row blocks [W_ir; W_iz; W_in] (PyTorch's <c>weight_ih_l0</c>).</summary>
    public Parameter<T> Wi { get; }

    /// <summary>Recurrent weights, 3n_h × n_h, row blocks [W_hr; W_hz; W_hn] (PyTorch's <c>weight_hh_l0</c>).</summary>
    public Parameter<T> Wh { get; }

    /// <summary>Input biases, 3n_h × 1, row blocks [b_ir; b_iz; b_in] (PyTorch's <c>bias_ih_l0</c>).</summary>
    public Parameter<T> Bi { get; }

    /// <summary>Recurrent biases, 3n_h × 1, row blocks [b_hr; b_hz; b_hn] (PyTorch's <c>bias_hh_l0</c>); b_hn sits inside the reset.</summary>
    public Parameter<T> Bh { get; }

    /// <summary>True when the layer runs from the last step to the first.</summary>
    public bool Reverse { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <inheritdoc />
    public int InputSize => Wi.Value.ColumnCount;

    /// <summary>n_h.</summary>
    public int HiddenSize => Wh.Value.ColumnCount;

    /// <inheritdoc />
    public int OutputSize => HiddenSize;

    /// <inheritdoc />
    public int StateSize => HiddenSize;

    /// <inheritdoc />
    public bool HasCell => false;

    /// <inheritdoc />
    /// <remarks>x is n_x × (T·m); the output is n_h × (T·m); the initial and final H are n_h × m.</remarks>
    public (SequenceBatch<T> Output, RecurrentState<T> Final) Forward(SequenceBatch<T> x, RecurrentState<T>? initial = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.RequireRows(x.Data, InputSize, nameof(x));
        int nh = HiddenSize, m = x.BatchSize, steps = x.Steps, block = nh * m, g3 = 3 * nh;
        if (initial?.H is { } h0) Shape.Require(h0, nh, m, "initial.H");

        var g = Recurrence.Reuse(ref _g, g3 * steps * m);
        var hn = Recurrence.Reuse(ref _hn, block * steps);
        var h = Recurrence.Reuse(ref _h, block * (steps + 1));
        var hInit = h.AsSpan(Recurrence.InitialBlock(steps, Reverse) * block, block);
        if (initial?.H is { } start) Tensor.Data(start).AsSpan().CopyTo(hInit);
        else hInit.Clear();

        // Input terms of every step at once: G = W_i·X + b_i.
        Gemm.Multiply(false, false, g3, steps * m, InputSize, T.One, Tensor.Data(Wi.Value), g3, Tensor.Data(x.Data),
            InputSize, T.Zero, g, g3);
        var bi = Tensor.Data(Bi.Value);
        for (int j = 0; j < steps * m; j++) TensorPrimitives.Add(g.AsSpan(j * g3, g3), bi, g.AsSpan(j * g3, g3));

        var wh = Tensor.Data(Wh.Value);
        var bh = Tensor.Data(Bh.Value);
        var zh = new T[g3 * m]; // W_h·h⟨t−1⟩ + b_h of one step
        for (int k = 0; k < steps; k++)
        {
            int t = Recurrence.StepAt(k, steps, Reverse);
            int now = Recurrence.StateBlock(t, Reverse) * block, prev = Recurrence.PreviousBlock(t, Reverse) * block;
            var gt = g.AsSpan(t * g3 * m, g3 * m);
            // All three recurrent products in one: Z_h = W_h·h⟨t−1⟩ (+ b_h below).
            Gemm.Multiply(false, false, g3, m, nh, T.One, wh, g3, h.AsSpan(prev, block), nh, T.Zero, zh, g3);
            for (int b = 0; b < m; b++)
            {
                var gates = gt.Slice(b * g3, g3);
                var hPrev = h.AsSpan(prev + b * nh, nh);
                var hNow = h.AsSpan(now + b * nh, nh);
                var hnb = hn.AsSpan(t * block + b * nh, nh);
                if (!x.IsReal(t, b))
                {
                    // Padding: the state passes through unchanged; no gate acts.
                    hPrev.CopyTo(hNow);
                    gates.Clear();
                    hnb.Clear();
                    continue;
                }
                var zhb = zh.AsSpan(b * g3, g3);
                TensorPrimitives.Add(zhb, bh, zhb);
                Span<T> rz = gates[..(2 * nh)], r = gates[..nh], z = gates.Slice(nh, nh), n = gates.Slice(2 * nh, nh);
                TensorPrimitives.Add(rz, zhb[..(2 * nh)], rz);
                TensorPrimitives.Sigmoid(rz, rz); // r, z
                zhb.Slice(2 * nh, nh).CopyTo(hnb);
                // n = tanh(W_in·x + b_in + r ⊙ (W_hn·h⟨t−1⟩ + b_hn))
                TensorPrimitives.MultiplyAdd(r, hnb, n, n);
                TensorPrimitives.Tanh(n, n);
                // h⟨t⟩ = (1 − z) ⊙ n + z ⊙ h⟨t−1⟩ = n + z ⊙ (h⟨t−1⟩ − n)
                TensorPrimitives.Subtract(hPrev, n, hNow);
                TensorPrimitives.MultiplyAdd(z, hNow, n, hNow);
            }
        }

        _x = x;
        int first = Recurrence.FirstOutputBlock(Reverse) * block;
        var output = Recurrence.ToMatrix<T>(h.AsSpan(first, steps * block), nh, steps * m);
        var final = Recurrence.ToMatrix<T>(h.AsSpan(Recurrence.FinalBlock(steps, Reverse) * block, block), nh, m);
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
        var (g, hn, h) = (_g!, _hn!, _h!);
        var dzi = Recurrence.Reuse(ref _dz, g3 * steps * m);
        var dOut = Tensor.Data(dOutput.Data);

        var dH = Matrix<T>.Build.Dense(nh, m); // dL/dh⟨t⟩ flowing back from later steps
        if (dFinal?.H is { } dhf) dhf.CopyTo(dH);
        var dh = Tensor.Data(dH);
        var dzh = new T[g3 * m]; // dL/dZ_h of one step
        var scratch = new T[nh];
        var wh = Tensor.Data(Wh.Value);
        var dWh = Tensor.Data(Wh.Grad);
        var dBh = Tensor.Data(Bh.Grad);

        for (int k = steps - 1; k >= 0; k--)
        {
            int t = Recurrence.StepAt(k, steps, Reverse);
            int prev = Recurrence.PreviousBlock(t, Reverse) * block;
            var gt = g.AsSpan(t * g3 * m, g3 * m);
            var dzt = dzi.AsSpan(t * g3 * m, g3 * m);
            Recurrence.AddRealColumns(x, t, dOut.AsSpan(t * block, block), dh, nh);
            for (int b = 0; b < m; b++)
            {
                var dzb = dzt.Slice(b * g3, g3);
                var dzhb = dzh.AsSpan(b * g3, g3);
                if (!x.IsReal(t, b))
                {
                    // Padding carried h through: its gradient passes straight back, no gate gets any.
                    dzb.Clear();
                    dzhb.Clear();
                    continue;
                }
                var gates = gt.Slice(b * g3, g3);
                Span<T> r = gates[..nh], z = gates.Slice(nh, nh), n = gates.Slice(2 * nh, nh);
                Span<T> dzr = dzb[..nh], dzz = dzb.Slice(nh, nh), dzn = dzb.Slice(2 * nh, nh);
                var hPrev = h.AsSpan(prev + b * nh, nh);
                var hnb = hn.AsSpan(t * block + b * nh, nh);
                var dhb = dh.AsSpan(b * nh, nh);
                // h = n + z ⊙ (h⟨t−1⟩ − n):  dz = dh ⊙ (h⟨t−1⟩ − n);  dn = dh ⊙ (1 − z);  dh⟨t−1⟩ = dh ⊙ z
                TensorPrimitives.Subtract(hPrev, n, dzz);
                TensorPrimitives.Multiply(dzz, dhb, dzz);
                TensorPrimitives.Multiply(dhb, z, scratch);
                TensorPrimitives.Subtract(dhb, scratch, dzn);
                scratch.AsSpan().CopyTo(dhb);
                Recurrence.TimesTanhDerivative<T>(n, dzn, scratch);
                // n = tanh(a_n + r ⊙ hn):  dr = da ⊙ hn;  d(hn) = da ⊙ r, which is dZ_hn
                TensorPrimitives.Multiply(dzn, hnb, dzr);
                Recurrence.TimesSigmoidDerivative<T>(r, dzr, scratch);
                Recurrence.TimesSigmoidDerivative<T>(z, dzz, scratch);
                dzb[..(2 * nh)].CopyTo(dzhb);
                TensorPrimitives.Multiply(dzn, r, dzhb.Slice(2 * nh, nh));
                TensorPrimitives.Add(dBh, dzhb, dBh);
            }
            // dW_h += dZ_h·h⟨t−1⟩ᵀ;  dh⟨t−1⟩ += W_hᵀ·dZ_h (dZ_h is 0 at padded columns)
            Gemm.Multiply(false, true, g3, nh, m, T.One, dzh, g3, h.AsSpan(prev, block), nh, T.One, dWh, g3);
            Gemm.Multiply(true, false, nh, m, g3, T.One, wh, g3, dzh, g3, T.One, dh, nh);
        }

        // Input terms of all steps at once: dW_i += dZ_i·Xᵀ, db_i += Σ dZ_i, dX = W_iᵀ·dZ_i.
        int columns = steps * m;
        Gemm.Multiply(false, true, g3, InputSize, columns, T.One, dzi, g3, Tensor.Data(x.Data), InputSize, T.One,
            Tensor.Data(Wi.Grad), g3);
        Tensor.AccumulateRowSums<T>(dzi, g3, columns, Tensor.Data(Bi.Grad));
        var dx = Matrix<T>.Build.Dense(InputSize, columns);
        Gemm.Multiply(true, false, InputSize, columns, g3, T.One, Tensor.Data(Wi.Value), g3, dzi, g3, T.Zero,
            Tensor.Data(dx), InputSize);
        return (x.With(dx), new RecurrentState<T>(dH));
    }
}
