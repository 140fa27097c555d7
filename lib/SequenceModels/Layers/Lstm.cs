using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// The LSTM over a whole batch of sequences, with backpropagation through time. Same numbers as
/// <see cref="LstmCell"/> step by step, with the weights of the three gates and the candidate stacked so that one
/// product gives all four pre-activations: rows [f; i; c̃; o] of
/// <code>
/// Z⟨t⟩ = Wx·x⟨t⟩ + Wh·h⟨t−1⟩ + b = [Wx Wh]·[x⟨t⟩; h⟨t−1⟩] + b        (4n_h × m)
/// </code>
/// The lecture's Wf is [Wh rows of f, Wx rows of f], and so on: <see cref="Weights"/> converts.
/// <para>
/// How it is fast: the sequences are ordered by length and only their real positions are kept, step after step
/// (<see cref="PackedLayout"/>), so each step multiplies only the sequences still running; [Wx Wh] is copied into the
/// matrix kernel's panels once per pass (<see cref="PackedMatrix{T}"/>) and each step is one product over
/// [x⟨t⟩; h⟨t−1⟩]; the gates, the cell and the output of a column are one fused pass (<see cref="LstmKernel"/>);
/// the weight gradients are one product each after the backward loop, over all steps at once. Prediction
/// (<see cref="IPredictingLayer{T}.Infer"/>) keeps nothing for a backward pass and works on two steps' worth of
/// buffers.
/// </para>
/// </summary>
public sealed class Lstm<T> : IRecurrentLayer<T>, IPredictingLayer<T> where T : struct, IFloatingPointIeee754<T>
{
    // What a training Forward keeps for Backward (and Gates); the arrays only grow, so later batches reuse them.
    private SequenceBatch<T>? _x;
    private PackedLayout? _layout;
    private T[] _xh = [];    // (n_x + n_h) × N: [x⟨t⟩; h⟨t−1⟩] of every real position, packed (N real positions)
    private T[] _z = [];     // 4n_h × N: rows [f; i; c̃; o], the gate values
    private T[] _cPrev = []; // n_h × N: c⟨t−1⟩ of every real position
    private T[] _tanhC = []; // n_h × N: tanh(c⟨t⟩), which Backward needs again
    private T[] _dz = [];    // 4n_h × N: Backward's dL/dZ
    private T[] _dh = [], _dc = [], _dBias = [], _dx = [], _wxh = [];
    private T[] _predictXh = [], _predictZ = [], _predictC = []; // prediction's own, so it leaves the training pass intact
    private readonly PackedMatrix<T> _wPacked = new(), _whTransposed = new();

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
        var layout = _layout ?? throw new InvalidOperationException("Gates are known after a Forward.");
        int nh = HiddenSize, columns = layout.Steps * layout.BatchSize;
        var gates = new Matrix<T>[4];
        for (int g = 0; g < 4; g++)
        {
            gates[g] = Matrix<T>.Build.Dense(nh, columns);
            layout.Scatter<T>(_z.AsSpan(g * nh), 4 * nh, nh, Tensor.Data(gates[g]), nh);
        }
        return new LstmGates<T>(gates[0], gates[1], gates[2], gates[3]);
    }

    /// <inheritdoc />
    /// <remarks>x is n_x × (T·m); the output is n_h × (T·m); initial and final H and C are n_h × m.</remarks>
    public (SequenceBatch<T> Output, RecurrentState<T> Final) Forward(SequenceBatch<T> x, RecurrentState<T>? initial = null)
    {
        var output = Matrix<T>.Build.Dense(HiddenSize, CheckInput(x, initial));
        var final = Run(x, initial, train: true, Tensor.Data(output), HiddenSize, 0);
        return (x.With(output), final);
    }

    /// <inheritdoc />
    (SequenceBatch<T> Output, RecurrentState<T> Final) IPredictingLayer<T>.Infer(SequenceBatch<T> x, RecurrentState<T>? initial)
    {
        var output = Matrix<T>.Build.Dense(HiddenSize, CheckInput(x, initial));
        var final = Run(x, initial, train: false, Tensor.Data(output), HiddenSize, 0);
        return (x.With(output), final);
    }

    /// <inheritdoc />
    /// <remarks>dOutput is n_h × (T·m); dFinal's and DInitial's H and C are n_h × m; DInput is n_x × (T·m).</remarks>
    public (SequenceBatch<T> DInput, RecurrentState<T> DInitial) Backward(SequenceBatch<T> dOutput, RecurrentState<T>? dFinal = null)
    {
        var x = _x ?? throw new InvalidOperationException("Backward needs a Forward first.");
        ArgumentNullException.ThrowIfNull(dOutput);
        Shape.Require(dOutput.Data, HiddenSize, x.Steps * x.BatchSize, nameof(dOutput));
        var dInitial = BackwardThroughTime(Tensor.Data(dOutput.Data), HiddenSize, 0, dFinal);
        var dx = Matrix<T>.Build.Dense(InputSize, x.Steps * x.BatchSize);
        InputGradient(Tensor.Data(dx), accumulate: false);
        return (x.With(dx), dInitial);
    }

    /// <summary>Checks x and the initial state against the layer; returns the number of columns, T·m.</summary>
    internal int CheckInput(SequenceBatch<T> x, RecurrentState<T>? initial)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.RequireRows(x.Data, InputSize, nameof(x));
        if (initial?.H is { } h0) Shape.Require(h0, HiddenSize, x.BatchSize, "initial.H");
        if (initial?.C is { } c0) Shape.Require(c0, HiddenSize, x.BatchSize, "initial.C");
        return x.Steps * x.BatchSize;
    }

    /// <summary>
    /// The forward pass, writing h⟨t⟩ of every real position into rows [row, row + n_h) of column t·m + b of
    /// <paramref name="output"/> (column stride <paramref name="ldOutput"/>; padded columns are not touched), and
    /// returning the final state. With <paramref name="train"/> it keeps what Backward needs.
    /// </summary>
    internal RecurrentState<T> Run(SequenceBatch<T> x, RecurrentState<T>? initial, bool train, T[] output, int ldOutput, int row)
    {
        int nx = InputSize, nh = HiddenSize, g4 = 4 * nh, ld = nx + nh, m = x.BatchSize;
        var layout = PackedLayout.For(x.Lengths, x.Steps);
        int real = layout.Real;
        PackWeights();
        // Training keeps every real position; prediction cycles through two steps' worth of [x; h] and c⟨t−1⟩.
        var pass = new Pass(this, x, layout, train, output, ldOutput, row)
        {
            XH = train ? Grow(ref _xh, ld * real) : Grow(ref _predictXh, 2 * ld * m),
            Z = train ? Grow(ref _z, g4 * real) : Grow(ref _predictZ, g4 * m),
            CPrev = train ? Grow(ref _cPrev, nh * real) : Grow(ref _predictC, 2 * nh * m),
            TanhC = train ? Grow(ref _tanhC, nh * real) : [],
            H0 = initial?.H is { } ih ? Tensor.Data(ih) : null,
            C0 = initial?.C is { } ic ? Tensor.Data(ic) : null,
        };
        var (fh, fc) = (Tensor.Data(pass.FinalH), Tensor.Data(pass.FinalC));
        for (int s = layout.Count[0]; s < m; s++) // empty sequences keep the initial state
        {
            int b = layout.Order[s];
            pass.H0?.AsSpan(b * nh, nh).CopyTo(fh.AsSpan(b * nh, nh));
            pass.C0?.AsSpan(b * nh, nh).CopyTo(fc.AsSpan(b * nh, nh));
        }
        int split = Split(layout);
        if (split > 0) ForkJoin.Invoke(() => pass.Forward(0, split), () => pass.Forward(split, m));
        else pass.Forward(0, m);
        if (train) (_x, _layout) = (x, layout);
        return new RecurrentState<T>(pass.FinalH, pass.FinalC);
    }

    /// <summary>
    /// Backpropagation through time for the last training Forward, reading dL/dh⟨t⟩ of the output from rows
    /// [row, row + n_h) of <paramref name="dOutput"/> (column stride <paramref name="ldOutput"/>, real positions only):
    /// adds dWx, dWh and db into the gradients, keeps dL/dZ for <see cref="InputGradient"/>, returns the initial
    /// state's gradient.
    /// </summary>
    internal RecurrentState<T> BackwardThroughTime(T[] dOutput, int ldOutput, int row, RecurrentState<T>? dFinal)
    {
        var layout = _layout ?? throw new InvalidOperationException("Backward needs a Forward first.");
        int nx = InputSize, nh = HiddenSize, g4 = 4 * nh, ld = nx + nh, m = layout.BatchSize, real = layout.Real;
        if (dFinal?.H is { } dhFinal) Shape.Require(dhFinal, nh, m, "dFinal.H");
        if (dFinal?.C is { } dcFinal) Shape.Require(dcFinal, nh, m, "dFinal.C");
        _whTransposed.Pack(true, nh, g4, Tensor.Data(Wh.Value), g4);
        var dz = Grow(ref _dz, g4 * real);
        // dL/dh and dL/dc flowing back from later steps, one column per sequence in length order.
        var dh = Grow(ref _dh, nh * m);
        var dc = Grow(ref _dc, nh * m);
        var dBias = Grow(ref _dBias, 2 * g4); // one sum per half of the batch when the halves run on two cores
        Array.Clear(dh);
        Array.Clear(dc);
        Array.Clear(dBias);
        for (int s = 0; s < m; s++)
        {
            int b = layout.Order[s];
            if (dFinal?.H is { } dhf) Tensor.Data(dhf).AsSpan(b * nh, nh).CopyTo(dh.AsSpan(s * nh, nh));
            if (dFinal?.C is { } dcf) Tensor.Data(dcf).AsSpan(b * nh, nh).CopyTo(dc.AsSpan(s * nh, nh));
        }
        int split = Split(layout);
        if (split > 0)
            ForkJoin.Invoke(() => BackwardSequences(0, split, dOutput, ldOutput, row, dBias.AsSpan(0, g4)),
                () => BackwardSequences(split, m, dOutput, ldOutput, row, dBias.AsSpan(g4, g4)));
        else BackwardSequences(0, m, dOutput, ldOutput, row, dBias.AsSpan(0, g4));

        // The weight gradients of all steps at once: dWx += dZ·Xᵀ, dWh += dZ·H⟨t−1⟩ᵀ, db += Σ dZ.
        Gemm.Multiply(false, true, g4, nx, real, T.One, dz, g4, _xh, ld, T.One, Tensor.Data(Wx.Grad), g4);
        Gemm.Multiply(false, true, g4, nh, real, T.One, dz, g4, _xh.AsSpan(nx), ld, T.One, Tensor.Data(Wh.Grad), g4);
        var db = Tensor.Data(B.Grad);
        for (int i = 0; i < g4; i++) db[i] += dBias[i] + dBias[g4 + i];

        var dInitialH = Matrix<T>.Build.Dense(nh, m);
        var dInitialC = Matrix<T>.Build.Dense(nh, m);
        for (int s = 0; s < m; s++)
        {
            int b = layout.Order[s];
            dh.AsSpan(s * nh, nh).CopyTo(Tensor.Data(dInitialH).AsSpan(b * nh, nh));
            dc.AsSpan(s * nh, nh).CopyTo(Tensor.Data(dInitialC).AsSpan(b * nh, nh));
        }
        return new RecurrentState<T>(dInitialH, dInitialC);
    }

    // The backward loop for the sequences [s0, s1) of the length order.
    private void BackwardSequences(int s0, int s1, T[] dOutput, int ldOutput, int row, Span<T> dBias)
    {
        var layout = _layout!;
        int nh = HiddenSize, g4 = 4 * nh, steps = layout.Steps;
        for (int k = steps - 1; k >= 0; k--)
        {
            int t = Recurrence.StepAt(k, steps, Reverse), n = Math.Min(layout.Count[t], s1), at = layout.Offset[t];
            if (n <= s0) continue;
            for (int s = s0; s < n; s++)
            {
                int j = at + s;
                LstmKernel.Backward<T>(_z.AsSpan(j * g4, g4), _tanhC.AsSpan(j * nh, nh), _cPrev.AsSpan(j * nh, nh),
                    _dh.AsSpan(s * nh, nh), dOutput.AsSpan(layout.Column(t, s) * ldOutput + row, nh), _dc.AsSpan(s * nh, nh),
                    _dz.AsSpan(j * g4, g4), dBias);
            }
            // dh⟨t−1⟩ = Whᵀ·dZ⟨t⟩ for the running sequences; the others keep what they carry (dFinal, or dInitial).
            Gemm.Multiply(_whTransposed, false, n - s0, T.One, _dz.AsSpan((at + s0) * g4, (n - s0) * g4), g4, T.Zero,
                _dh.AsSpan(s0 * nh, (n - s0) * nh), nh);
        }
    }

    /// <summary>
    /// Where to cut the length order into two halves with about half the real positions each, which two cores then
    /// run as two recurrences (<see cref="ForkJoin"/>; one core runs them one after the other); 0 for no cut: too few
    /// sequences, or each step's product is large enough (<see cref="Gemm.ParallelThreshold"/>, the same on every
    /// machine) to be split by itself. The cut depends on the sizes only, never on the cores or the kernel, and each
    /// half sums its own bias gradient, so the numbers are the same on any machine.
    /// </summary>
    private int Split(PackedLayout layout)
    {
        int running = layout.Count[0];
        if (running < 4 || (long)4 * HiddenSize * (InputSize + HiddenSize) * running >= Gemm.ParallelThreshold) return 0;
        long half = 0;
        for (int s = 0; s < running; s++)
        {
            half += Length(layout, s);
            if (2 * half >= layout.Real) return s + 1 < running ? s + 1 : 0;
        }
        return 0;
    }

    // The length of the s-th sequence of the order: the steps at which it is among the running ones.
    private static int Length(PackedLayout layout, int s)
    {
        int length = 0;
        while (length < layout.Steps && layout.Count[length] > s) length++;
        return length;
    }

    // One forward pass over the sequences [s0, s1) of the length order (two such passes can run at once on disjoint
    // ranges: they share the buffers column by column).
    private sealed class Pass(Lstm<T> layer, SequenceBatch<T> x, PackedLayout layout, bool train, T[] output, int ldOutput, int row)
    {
        public required T[] XH, Z, CPrev, TanhC;
        public required T[]? H0, C0;
        public readonly Matrix<T> FinalH = Matrix<T>.Build.Dense(layer.HiddenSize, x.BatchSize);
        public readonly Matrix<T> FinalC = Matrix<T>.Build.Dense(layer.HiddenSize, x.BatchSize);

        public void Forward(int s0, int s1)
        {
            int nx = layer.InputSize, nh = layer.HiddenSize, g4 = 4 * nh, ld = nx + nh, m = x.BatchSize, steps = x.Steps;
            var input = Tensor.Data(x.Data);
            var bias = Tensor.Data(layer.B.Value);
            var (fh, fc) = (Tensor.Data(FinalH), Tensor.Data(FinalC));
            int previous = 0; // sequences the previous step ran
            for (int k = 0; k < steps; k++)
            {
                int t = Recurrence.StepAt(k, steps, layer.Reverse), n = Math.Min(layout.Count[t], s1), before = previous;
                previous = layout.Count[t];
                if (n <= s0) continue;
                int xhAt = train ? layout.Offset[t] * ld : k % 2 * ld * m, cAt = train ? layout.Offset[t] * nh : k % 2 * nh * m;
                int zAt = train ? layout.Offset[t] * g4 : 0;
                for (int s = s0; s < n; s++)
                    input.AsSpan(layout.Column(t, s) * nx, nx).CopyTo(XH.AsSpan(xhAt + s * ld, nx));
                // Sequences that start here (all at the first step; in reverse, those ending at t) start from the initial state.
                for (int s = Math.Max(s0, Math.Min(before, n)); s < n; s++)
                {
                    int b = layout.Order[s];
                    var hStart = XH.AsSpan(xhAt + s * ld + nx, nh);
                    var cStart = CPrev.AsSpan(cAt + s * nh, nh);
                    if (H0 is null) hStart.Clear(); else H0.AsSpan(b * nh, nh).CopyTo(hStart);
                    if (C0 is null) cStart.Clear(); else C0.AsSpan(b * nh, nh).CopyTo(cStart);
                }
                // Z⟨t⟩ = [Wx Wh]·[x⟨t⟩; h⟨t−1⟩]: the four pre-activations of every running sequence in one product.
                Gemm.Multiply(layer._wPacked, false, n - s0, T.One, XH.AsSpan(xhAt + s0 * ld, (n - s0) * ld), ld, T.Zero,
                    Z.AsSpan(zAt + s0 * g4, (n - s0) * g4), g4);

                // h⟨t⟩ and c⟨t⟩ go where the next step reads them, or to the final state when the sequence ends here.
                int next = k + 1 < steps ? Math.Min(n, layout.Count[Recurrence.StepAt(k + 1, steps, layer.Reverse)]) : 0;
                int t1 = k + 1 < steps ? Recurrence.StepAt(k + 1, steps, layer.Reverse) : t;
                int xhNext = train ? layout.Offset[t1] * ld : (k + 1) % 2 * ld * m;
                int cNext = train ? layout.Offset[t1] * nh : (k + 1) % 2 * nh * m;
                for (int s = s0; s < n; s++)
                {
                    int b = layout.Order[s];
                    var c = s < next ? CPrev.AsSpan(cNext + s * nh, nh) : fc.AsSpan(b * nh, nh);
                    var h = s < next ? XH.AsSpan(xhNext + s * ld + nx, nh) : fh.AsSpan(b * nh, nh);
                    LstmKernel.Forward<T>(Z.AsSpan(zAt + s * g4, g4), bias, CPrev.AsSpan(cAt + s * nh, nh), c,
                        train ? TanhC.AsSpan(cAt + s * nh, nh) : default, h);
                    h.CopyTo(output.AsSpan(layout.Column(t, s) * ldOutput + row, nh));
                }
            }
        }
    }

    /// <summary>
    /// dX = Wxᵀ·dZ of the last <see cref="BackwardThroughTime"/>, into <paramref name="dx"/> (n_x × (T·m), the
    /// batch's layout; padded columns are left as they are), or added to it when <paramref name="accumulate"/>.
    /// </summary>
    internal void InputGradient(T[] dx, bool accumulate)
    {
        var layout = _layout!;
        int nx = InputSize, g4 = 4 * HiddenSize, real = layout.Real;
        var wx = Tensor.Data(Wx.Value);
        if (layout.Identity)
        {
            Gemm.Multiply(true, false, nx, real, g4, T.One, wx, g4, _dz, g4, accumulate ? T.One : T.Zero, dx, nx);
            return;
        }
        var packed = Grow(ref _dx, nx * real);
        Gemm.Multiply(true, false, nx, real, g4, T.One, wx, g4, _dz, g4, T.Zero, packed, nx);
        if (!accumulate)
        {
            layout.Scatter<T>(packed, nx, nx, dx, nx);
            return;
        }
        for (int t = 0; t < layout.Steps; t++)
            for (int s = 0; s < layout.Count[t]; s++)
            {
                var to = dx.AsSpan(layout.Column(t, s) * nx, nx);
                System.Numerics.Tensors.TensorPrimitives.Add(to, packed.AsSpan((layout.Offset[t] + s) * nx, nx), to);
            }
    }

    /// <summary>[Wx Wh] side by side (4n_h × (n_x + n_h)), packed for the kernel once per pass.</summary>
    private void PackWeights()
    {
        int g4 = 4 * HiddenSize, nx = InputSize, nh = HiddenSize;
        var wxh = Grow(ref _wxh, g4 * (nx + nh));
        Tensor.Data(Wx.Value).AsSpan(0, g4 * nx).CopyTo(wxh);
        Tensor.Data(Wh.Value).AsSpan(0, g4 * nh).CopyTo(wxh.AsSpan(g4 * nx));
        _wPacked.Pack(false, g4, nx + nh, wxh, g4);
    }

    private static T[] Grow(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[length];
        return buffer;
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
