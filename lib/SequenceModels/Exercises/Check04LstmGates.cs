using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels.Exercises;

/// <summary>
/// Backpropagation through time for the LSTM, as Exercise 4.4 asks for it: from the inputs, the initial state, the
/// weights and the gradient that reaches each output h⟨t⟩ directly from the loss, the gradients of the weights, of
/// every input and of the initial state.
/// </summary>
/// <param name="xs">x⟨1⟩..x⟨T⟩, each n_x × m.</param>
/// <param name="h0">h⟨0⟩, n_h × m.</param>
/// <param name="c0">c⟨0⟩, n_h × m.</param>
/// <param name="w">The gate weights, each n_h × (n_h + n_x), and biases, each n_h × 1.</param>
/// <param name="dhs">∂L/∂h⟨t⟩ straight from the output at step t (not through later steps), each n_h × m.</param>
/// <returns>
/// dW, the weight gradients summed over time in the shape of <paramref name="w"/>; dx, one n_x × m matrix per step;
/// dh0 and dc0, n_h × m.
/// </returns>
public delegate (LstmWeights<double> DW, Matrix<double>[] DX, Matrix<double> DH0, Matrix<double> DC0) LstmBpttFunction(
    Matrix<double>[] xs, Matrix<double> h0, Matrix<double> c0, LstmWeights<double> w, Matrix<double>[] dhs);

public static partial class Check
{
    // A gate whose weights are zero and whose bias is ±Pin is σ(±30): 1 or 0 to within 1e-13, far inside the
    // tolerance, so a case can switch every gate but one fully open or shut and look at that one alone.
    private const double Pin = 30;

    /// <summary>Exercise 4.1: one LSTM step, (h⟨t⟩, c⟨t⟩) from x⟨t⟩, h⟨t−1⟩, c⟨t−1⟩ and the weights of the three gates and the candidate.</summary>
    [Reference(typeof(LstmCell), nameof(LstmCell.Forward))]
    [Reference(typeof(Lstm<>), nameof(Lstm<double>.Forward))]
    [Exercise("04.lstm-cell-forward", "Exercise 4.1 — the LSTM cell forward")]
    public static CheckResult LstmCellForward(
        Func<Matrix<double>, Matrix<double>, Matrix<double>, LstmWeights<double>, (Matrix<double> H, Matrix<double> C)> lstmCellForward)
    {
        ArgumentNullException.ThrowIfNull(lstmCellForward);
        const int nx = 3, nh = 4, m = 2;
        var rng = new Random(401);
        var w = RandomLstmWeights(nx, nh, rng);
        var x = Init.Normal<double>(nx, m, 1.0, rng);
        var h = Init.Normal<double>(nh, m, 0.8, rng);
        var c = Init.Normal<double>(nh, m, 1.0, rng);
        // Per case, the weights: every gate but the one under test pinned open (+) or shut (−).
        LstmWeights<double>[] weights =
        [
            w,
            PinLstm(w, f: -Pin, i: +Pin, o: +Pin),   // c⟨t⟩ = c̃
            PinLstm(w, f: -Pin, c: +Pin, o: +Pin),   // c⟨t⟩ = i (c̃ = tanh(30) = 1)
            PinLstm(w, i: -Pin, o: +Pin),            // c⟨t⟩ = f ⊙ c⟨t−1⟩
            PinLstm(w, f: +Pin, i: -Pin),            // c⟨t⟩ = c⟨t−1⟩, h⟨t⟩ = o ⊙ tanh(c⟨t−1⟩)
            w,
        ];
        (Matrix<double> H, Matrix<double> C) Reference(int k) => LstmVariant(x, h, c, weights[k], LstmMistake.None);
        (Matrix<double> H, Matrix<double> C) Student(int k) => lstmCellForward(x.Clone(), h.Clone(), c.Clone(), CopyOf(weights[k]));
        var check = new ExerciseCheck<(Matrix<double> H, Matrix<double> C)>("04.lstm-cell-forward", "Exercise 4.1 — the LSTM cell forward",
                (e, a) => Compare.Matrices("c⟨t⟩", e.C, a.C) ?? Compare.Matrices("h⟨t⟩", e.H, a.H))
            .Case("shapes (n_x = 3, n_h = 4, m = 2)", "h⟨t⟩ and c⟨t⟩ both have the shape of h⟨t−1⟩: n_h × m. Each gate matrix multiplies the stacked column [h⟨t−1⟩; x⟨t⟩] (n_h + n_x rows).",
                () => Student(0), () => Reference(0),
                (e, a) => ShapeOnly("h⟨t⟩", e.H, a.H) ?? ShapeOnly("c⟨t⟩", e.C, a.C))
            .Case("the candidate c̃ alone (f ≈ 0, i ≈ 1, o ≈ 1)",
                "With the forget gate shut and the input and output gates open, c⟨t⟩ = c̃ and h⟨t⟩ = tanh(c⟨t⟩). If c⟨t⟩ is wrong, check the candidate, c̃ = tanh(Wc·[h⟨t−1⟩; x⟨t⟩] + bc) (tanh, not σ; Wc and bc; h⟨t−1⟩ stacked above x⟨t⟩), and that i multiplies c̃ and f multiplies c⟨t−1⟩. If only h⟨t⟩ is wrong, check h⟨t⟩ = o ⊙ tanh(c⟨t⟩), with the new cell.",
                () => Student(1), () => Reference(1))
            .Case("the input gate i alone (f ≈ 0, c̃ ≈ 1, o ≈ 1)",
                "With the forget gate shut and c̃ = 1, c⟨t⟩ = i: check the input gate, i = σ(Wi·[h⟨t−1⟩; x⟨t⟩] + bi), and that it multiplies c̃.",
                () => Student(2), () => Reference(2))
            .Case("the forget gate f alone (i ≈ 0, o ≈ 1)",
                "With the input gate shut, c⟨t⟩ = f ⊙ c⟨t−1⟩: check the forget gate, f = σ(Wf·[h⟨t−1⟩; x⟨t⟩] + bf), and that it multiplies c⟨t−1⟩.",
                () => Student(3), () => Reference(3))
            .Case("the output gate o alone (f ≈ 1, i ≈ 0)",
                "With the cell copied unchanged (c⟨t⟩ = c⟨t−1⟩), only h⟨t⟩ = o ⊙ tanh(c⟨t⟩) is left: check the output gate, o = σ(Wo·[h⟨t−1⟩; x⟨t⟩] + bo), and the tanh of the cell.",
                () => Student(4), () => Reference(4))
            .Case("the three gates and the candidate at work", "Each gate and the candidate are right on their own, so check how they combine: c⟨t⟩ = f ⊙ c⟨t−1⟩ + i ⊙ c̃, then h⟨t⟩ = o ⊙ tanh(c⟨t⟩) with the new cell.",
                () => Student(5), () => Reference(5));
        foreach (var (mistake, description) in LstmForwardMistakes)
            check.Mistake(description, k => LstmVariant(x, h, c, weights[k], mistake));
        return check.Run();
    }

    /// <summary>Exercise 4.2: the LSTM over a sequence, carrying both h and c from step to step.</summary>
    [Reference(typeof(Lstm<>), nameof(Lstm<double>.Forward))]
    [Exercise("04.lstm-forward", "Exercise 4.2 — the LSTM forward over a sequence")]
    public static CheckResult LstmForward(
        Func<Matrix<double>[], Matrix<double>, Matrix<double>, LstmWeights<double>, (Matrix<double>[] H, Matrix<double>[] C)> lstmForward)
    {
        ArgumentNullException.ThrowIfNull(lstmForward);
        const int nx = 3, nh = 4, m = 2;
        var rng = new Random(402);
        var w = RandomLstmWeights(nx, nh, rng);
        Matrix<double>[] Steps(int t) => Enumerable.Range(0, t).Select(_ => Init.Normal<double>(nx, m, 1.0, rng)).ToArray();
        var zeros = Matrix<double>.Build.Dense(nh, m);
        // (xs, h0, c0) per case: shapes, one step, zero inputs (only the carried state moves), everything.
        (Matrix<double>[] Xs, Matrix<double> H0, Matrix<double> C0)[] cases =
        [
            (Steps(5), zeros, zeros),
            (Steps(1), Init.Normal<double>(nh, m, 0.8, rng), Init.Normal<double>(nh, m, 1.0, rng)),
            (Enumerable.Range(0, 4).Select(_ => Matrix<double>.Build.Dense(nx, m)).ToArray(), Init.Normal<double>(nh, m, 0.8, rng), Init.Normal<double>(nh, m, 1.0, rng)),
            (Steps(6), Init.Normal<double>(nh, m, 0.8, rng), Init.Normal<double>(nh, m, 1.0, rng)),
        ];
        (Matrix<double>[] H, Matrix<double>[] C) Unroll(int k, bool carryH = true, bool carryC = true)
        {
            var (xs, h0, c0) = cases[k];
            var (hs, cs) = (new Matrix<double>[xs.Length], new Matrix<double>[xs.Length]);
            var (h, c) = (h0, c0);
            for (int t = 0; t < xs.Length; t++)
            {
                var step = LstmCell.Forward(xs[t], carryH ? h : h0, carryC ? c : c0, w);
                (hs[t], cs[t]) = (h, c) = (step.H, step.C);
            }
            return (hs, cs);
        }
        (Matrix<double>[] H, Matrix<double>[] C) Shifted(int k)
        {
            var (hs, cs) = Unroll(k);
            return ([cases[k].H0, .. hs[..^1]], [cases[k].C0, .. cs[..^1]]);
        }
        (Matrix<double>[] H, Matrix<double>[] C) Student(int k) =>
            lstmForward(cases[k].Xs.Select(x => x.Clone()).ToArray(), cases[k].H0.Clone(), cases[k].C0.Clone(), CopyOf(w));
        return new ExerciseCheck<(Matrix<double>[] H, Matrix<double>[] C)>("04.lstm-forward", "Exercise 4.2 — the LSTM forward over a sequence",
                (e, a) => Compare.MatrixLists("h", e.H, a.H) ?? Compare.MatrixLists("c", e.C, a.C))
            .Case("shapes (T = 5 steps of n_x = 3, m = 2)", "Return one h and one c per time step, each n_h × m (T entries in each list, not counting h0 and c0).",
                () => Student(0), () => Unroll(0), (e, a) => ListShapes("h", e.H, a.H) ?? ListShapes("c", e.C, a.C))
            .Case("one step from a given h0 and c0", "With T = 1 the result is one call of the cell: pass h0 as h⟨t−1⟩ and c0 as c⟨t−1⟩.",
                () => Student(1), () => Unroll(1))
            .Case("zero inputs: the state is carried", "With every x⟨t⟩ = 0 only the carried state changes from step to step: feed each step both the h and the c of the step before.",
                () => Student(2), () => Unroll(2))
            .Case("a random sequence", "Compare your loop with the cell applied at t = 1..T, each step starting from (h⟨t−1⟩, c⟨t−1⟩).",
                () => Student(3), () => Unroll(3))
            .Mistake("every step starts from h0 and c0 instead of the previous state", k => Unroll(k, carryH: false, carryC: false))
            .Mistake("h is carried but c restarts from c0 at every step", k => Unroll(k, carryC: false))
            .Mistake("c is carried but h restarts from h0 at every step", k => Unroll(k, carryH: false))
            .Mistake("the states are shifted by one step (h0 and c0 returned first, the last states missing)", Shifted)
            .Mistake("the h and c lists are swapped", k => { var (hs, cs) = Unroll(k); return (cs, hs); })
            .Run();
    }

    /// <summary>Exercise 4.3: one LSTM step backward, every gradient of <see cref="LstmCellGradients{T}"/>.</summary>
    [Reference(typeof(LstmCell), nameof(LstmCell.Backward))]
    [Reference(typeof(Lstm<>), nameof(Lstm<double>.Backward))]
    [Exercise("04.lstm-cell-backward", "Exercise 4.3 — the LSTM cell backward")]
    public static CheckResult LstmCellBackward(
        Func<Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>, LstmStep<double>, LstmWeights<double>, LstmCellGradients<double>> lstmCellBackward)
    {
        ArgumentNullException.ThrowIfNull(lstmCellBackward);
        const int nx = 3, nh = 4, m = 2;
        var rng = new Random(403);
        var w = RandomLstmWeights(nx, nh, rng);
        var x = Init.Normal<double>(nx, m, 1.0, rng);
        var h = Init.Normal<double>(nh, m, 0.8, rng);
        var c = Init.Normal<double>(nh, m, 1.0, rng);
        var dh = Init.Normal<double>(nh, m, 1.0, rng);
        var dc = Init.Normal<double>(nh, m, 1.0, rng);
        var zeros = Matrix<double>.Build.Dense(nh, m);
        // (dh, dc, weights) per case: shapes; the gradient through each path alone; each gate's weights alone, so
        // [dh⟨t−1⟩; dx] = W_gᵀ·dz_g has one term; everything.
        (Matrix<double> Dh, Matrix<double> Dc, LstmWeights<double> W)[] cases =
        [
            (dh, dc, w),
            (zeros, dc, w),
            (dh, zeros, w),
            (dh, dc, OnlyGate(w, 0)),
            (dh, dc, OnlyGate(w, 1)),
            (dh, dc, OnlyGate(w, 2)),
            (dh, dc, OnlyGate(w, 3)),
            (dh, dc, w),
        ];
        LstmCellGradients<double> Variant(int k, LstmBackwardMistake mistake) =>
            LstmBackwardVariant(cases[k].Dh, cases[k].Dc, x, h, c, cases[k].W, mistake);
        LstmCellGradients<double> Student(int k)
        {
            var ww = CopyOf(cases[k].W);
            var step = LstmCell.Forward(x, h, c, ww);
            return lstmCellBackward(cases[k].Dh.Clone(), cases[k].Dc.Clone(), x.Clone(), h.Clone(), c.Clone(), step, ww);
        }
        string[] gate = ["forget gate f", "input gate i", "candidate c̃", "output gate o"];
        string WeightsOnly(int g) =>
            $"Only the {gate[g]}'s weights are non-zero here (the other gates still act through their biases), so [dh⟨t−1⟩; dx⟨t⟩] = W{"fico"[g]}ᵀ·dz_{"fico"[g]}: check that term, then split it, the first n_h rows into dh⟨t−1⟩ and the last n_x into dx⟨t⟩.";
        var check = new ExerciseCheck<LstmCellGradients<double>>("04.lstm-cell-backward", "Exercise 4.3 — the LSTM cell backward",
                (e, a) => CompareLstmGradients(e, a, LstmGradientPart.All))
            .Case("shapes (n_x = 3, n_h = 4, m = 2)", "Each gradient has the shape of what it differentiates: dWf … dWo are n_h × (n_h + n_x), dbf … dbo are n_h × 1, dx⟨t⟩ is n_x × m, dh⟨t−1⟩ and dc⟨t−1⟩ are n_h × m.",
                () => Student(0), () => Variant(0, LstmBackwardMistake.None), (e, a) => CompareLstmGradients(e, a, LstmGradientPart.Shapes))
            .Case("gradient from the next step only (dh⟨t⟩ = 0)",
                "Only dc⟨t⟩ flows in, so the output gate gets nothing; then df = dc ⊙ c⟨t−1⟩, di = dc ⊙ c̃, dc̃ = dc ⊙ i, dc⟨t−1⟩ = dc ⊙ f, and through the nonlinearities dz_f = df ⊙ f(1 − f), dz_i = di ⊙ i(1 − i), dz_c = dc̃ ⊙ (1 − c̃²).",
                () => Student(1), () => Variant(1, LstmBackwardMistake.None), (e, a) => CompareLstmGradients(e, a, LstmGradientPart.Gates))
            .Case("gradient from h⟨t⟩ only (dc⟨t⟩ = 0)",
                "Only dh⟨t⟩ flows in, through h⟨t⟩ = o ⊙ tanh(c⟨t⟩): do = dh ⊙ tanh(c⟨t⟩), and the cell receives dc = dh ⊙ o ⊙ (1 − tanh²(c⟨t⟩)) before it is passed on to the gates.",
                () => Student(2), () => Variant(2, LstmBackwardMistake.None), (e, a) => CompareLstmGradients(e, a, LstmGradientPart.Gates))
            .Case("the forget gate's weights alone", WeightsOnly(0), () => Student(3), () => Variant(3, LstmBackwardMistake.None),
                (e, a) => CompareLstmGradients(e, a, LstmGradientPart.Inputs))
            .Case("the input gate's weights alone", WeightsOnly(1), () => Student(4), () => Variant(4, LstmBackwardMistake.None),
                (e, a) => CompareLstmGradients(e, a, LstmGradientPart.Inputs))
            .Case("the candidate's weights alone", WeightsOnly(2), () => Student(5), () => Variant(5, LstmBackwardMistake.None),
                (e, a) => CompareLstmGradients(e, a, LstmGradientPart.Inputs))
            .Case("the output gate's weights alone", WeightsOnly(3), () => Student(6), () => Variant(6, LstmBackwardMistake.None),
                (e, a) => CompareLstmGradients(e, a, LstmGradientPart.Inputs))
            .Case("everything at once", "Each path is right on its own, so check how they add up: dc = dc⟨t⟩ + dh ⊙ o ⊙ (1 − tanh²(c⟨t⟩)), and [dh⟨t−1⟩; dx⟨t⟩] is the sum of all four W_gᵀ·dz_g.",
                () => Student(7), () => Variant(7, LstmBackwardMistake.None));
        foreach (var (mistake, description) in LstmBackwardMistakes)
            check.Mistake(description, k => Variant(k, mistake));
        return check.Run();
    }

    /// <summary>
    /// Exercise 4.4: backpropagation through time for the LSTM. dL/dh⟨t⟩ = dhs[t] + the dh⟨t−1⟩ that step t+1's cell
    /// backward returns, and dL/dc⟨t⟩ = the dc⟨t−1⟩ it returns; every step adds its share to the weight gradients.
    /// </summary>
    [Reference(typeof(Lstm<>), nameof(Lstm<double>.Backward))]
    [Exercise("04.lstm-bptt", "Exercise 4.4 — backpropagation through time for the LSTM")]
    public static CheckResult LstmBptt(LstmBpttFunction lstmBptt)
    {
        ArgumentNullException.ThrowIfNull(lstmBptt);
        const int nx = 3, nh = 4, m = 2;
        var rng = new Random(404);
        var w = RandomLstmWeights(nx, nh, rng);
        Matrix<double>[] Steps(int t, int rows) => Enumerable.Range(0, t).Select(_ => Init.Normal<double>(rows, m, 1.0, rng)).ToArray();
        Matrix<double>[] Only(int t, int at) =>
            Enumerable.Range(0, t).Select(i => i == at ? Init.Normal<double>(nh, m, 1.0, rng) : Matrix<double>.Build.Dense(nh, m)).ToArray();
        Matrix<double> State(double std) => Init.Normal<double>(nh, m, std, rng);
        // The two paths back in time, one at a time: with every gate's h⟨t−1⟩ columns zero, h⟨t−1⟩ feeds nothing and
        // only the cell carries the gradient; with the forget gate shut (f ≈ 0), c⟨t−1⟩ does not reach c⟨t⟩ and only h does.
        var cellOnly = w with { Wf = NoRecurrentColumns(w.Wf, nh), Wi = NoRecurrentColumns(w.Wi, nh), Wc = NoRecurrentColumns(w.Wc, nh), Wo = NoRecurrentColumns(w.Wo, nh) };
        var hOnly = PinLstm(w, f: -Pin);
        // (xs, h0, c0, weights, dhs) per case: shapes; one step; the cell path alone; the h path alone; a gradient at the
        // last step only; at the first step only; at every step.
        (Matrix<double>[] Xs, Matrix<double> H0, Matrix<double> C0, LstmWeights<double> W, Matrix<double>[] Dhs)[] cases =
        [
            (Steps(4, nx), State(0.5), State(1.0), w, Steps(4, nh)),
            (Steps(1, nx), State(0.5), State(1.0), w, Steps(1, nh)),
            (Steps(5, nx), State(0.5), State(1.0), cellOnly, Only(5, 4)),
            (Steps(5, nx), State(0.5), State(1.0), hOnly, Only(5, 4)),
            (Steps(5, nx), State(0.5), State(1.0), w, Only(5, 4)),
            (Steps(5, nx), State(0.5), State(1.0), w, Only(5, 0)),
            (Steps(6, nx), State(0.5), State(1.0), w, Steps(6, nh)),
        ];
        LstmBpttResult Reference(int k) => ReferenceLstmBptt(cases[k].Xs, cases[k].H0, cases[k].C0, cases[k].W, cases[k].Dhs);
        LstmBpttResult Variant(int k, LstmBpttMistake mistake) => CellLstmBptt(cases[k].Xs, cases[k].H0, cases[k].C0, cases[k].W, cases[k].Dhs, mistake);
        LstmBpttResult Student(int k)
        {
            var (dW, dx, dh0, dc0) = lstmBptt(CloneAll(cases[k].Xs), cases[k].H0.Clone(), cases[k].C0.Clone(), CopyOf(cases[k].W), CloneAll(cases[k].Dhs));
            return new LstmBpttResult(dW, dx, dh0, dc0);
        }
        var check = new ExerciseCheck<LstmBpttResult>("04.lstm-bptt", "Exercise 4.4 — backpropagation through time for the LSTM",
                (e, a) => CompareLstmBptt(e, a, shapesOnly: false))
            .Case("shapes (T = 4, n_x = 3, n_h = 4, m = 2)",
                "Return (dW, dx, dh0, dc0): dW has one gradient per weight of w (dWf … dWo n_h × (n_h + n_x), dbf … dbo n_h × 1), summed over the steps; dx has one n_x × m matrix per step; dh0 and dc0 are n_h × m.",
                () => Student(0), () => Reference(0), (e, a) => CompareLstmBptt(e, a, shapesOnly: true))
            .Case("one step (T = 1)",
                "With T = 1, BPTT is one call of the cell backward with dh = dhs[0] and dc = 0 (nothing comes back from a later step): dW is that call's weight gradients, dx[0] its dx, dh0 and dc0 its dh⟨t−1⟩ and dc⟨t−1⟩. Run the forward pass first (LstmCell.Forward, step by step) to have each step's gates for the backward.",
                () => Student(1), () => Reference(1))
            .Case("the gradient through the cell alone (h⟨t−1⟩ feeds no gate; a gradient at the last step only)",
                "Here every gate's h⟨t−1⟩ columns are zero, so the only way back from the last step is along the cell: the dc⟨t−1⟩ that step t's backward returns must be passed as dc to step t−1's backward.",
                () => Student(2), () => Reference(2))
            .Case("the gradient through h alone (the forget gate shut; a gradient at the last step only)",
                "Here f ≈ 0, so c⟨t−1⟩ does not reach c⟨t⟩ and the way back is through h: the dh of step t−1 is dhs[t−1] plus the dh⟨t−1⟩ that step t's backward returns.",
                () => Student(3), () => Reference(3))
            .Case("a gradient at the last step only (both paths)",
                "Both paths together: walk t from T down to 1, each step receiving dh = dhs[t] + the carried dh and dc = the carried dc, and hand its dh⟨t−1⟩ and dc⟨t−1⟩ to the step before.",
                () => Student(4), () => Reference(4))
            .Case("a gradient at the first step only",
                "Only step 1 receives a gradient, so steps 2..T contribute nothing: the loop must run backward in time, and each step must use its own previous state (h⟨t−1⟩, c⟨t−1⟩), not its output.",
                () => Student(5), () => Reference(5))
            .Case("a gradient at every step (T = 6)",
                "Every step adds its share: the weight gradients are sums over all steps (+=, not =), and dx[t] is step t's own dx.",
                () => Student(6), () => Reference(6));
        foreach (var (mistake, description) in LstmBpttMistakes)
            check.Mistake(description, k => Variant(k, mistake));
        return check.Run();
    }

    /// <summary>What Exercise 4.4 returns, for the comparisons.</summary>
    internal sealed record LstmBpttResult(LstmWeights<double> DW, Matrix<double>[] DX, Matrix<double> DH0, Matrix<double> DC0);

    /// <summary>BPTT by the library's sequence layer <see cref="Lstm{T}"/>, a code path independent of <see cref="LstmCell.Backward{T}"/>.</summary>
    internal static LstmBpttResult ReferenceLstmBptt(Matrix<double>[] xs, Matrix<double> h0, Matrix<double> c0, LstmWeights<double> w,
        Matrix<double>[] dhs)
    {
        var layer = new Lstm<double>(w);
        var x = SequenceBatch<double>.FromSteps(xs);
        layer.Forward(x, new RecurrentState<double>(h0, c0));
        var (dx, d0) = layer.Backward(SequenceBatch<double>.FromSteps(dhs));
        return new LstmBpttResult(layer.Gradients(), Enumerable.Range(0, xs.Length).Select(dx.Step).ToArray(), d0.H, d0.C!);
    }

    internal enum LstmBpttMistake { None, NoCellCarry, NoHiddenCarry, Overwrite, StatesOffByOne, ForwardInTime, DxReversed }

    private static readonly (LstmBpttMistake, string)[] LstmBpttMistakes =
    [
        (LstmBpttMistake.NoCellCarry, "dc is not carried back: every step's cell backward gets dc = 0 instead of the dc⟨t−1⟩ of the step after it"),
        (LstmBpttMistake.NoHiddenCarry, "dh is not carried back: every step's cell backward gets only dhs[t], without the dh⟨t−1⟩ of the step after it"),
        (LstmBpttMistake.Overwrite, "the weight gradients keep one step instead of the sum over time (= instead of +=)"),
        (LstmBpttMistake.StatesOffByOne, "each step's backward gets h⟨t⟩ and c⟨t⟩, its own output, instead of h⟨t−1⟩ and c⟨t−1⟩ (off by one in time)"),
        (LstmBpttMistake.ForwardInTime, "the loop runs forward in time (t = 1..T) instead of backward"),
        (LstmBpttMistake.DxReversed, "dx is stored in reverse order (the loop runs from T down to 1, but dx[t] belongs at index t)"),
    ];

    /// <summary>BPTT as a loop over <see cref="LstmCell.Backward{T}"/>, with one typical mistake if asked.</summary>
    internal static LstmBpttResult CellLstmBptt(Matrix<double>[] xs, Matrix<double> h0, Matrix<double> c0, LstmWeights<double> w,
        Matrix<double>[] dhs, LstmBpttMistake mistake)
    {
        int steps = xs.Length;
        var forward = new LstmStep<double>[steps];
        var (h, c) = (h0, c0);
        for (int t = 0; t < steps; t++) (h, c) = ((forward[t] = LstmCell.Forward(xs[t], h, c, w)).H, forward[t].C);
        var dW = new LstmWeights<double>(w.Wf * 0, w.Wi * 0, w.Wc * 0, w.Wo * 0, w.Bf * 0, w.Bi * 0, w.Bc * 0, w.Bo * 0);
        var dx = new Matrix<double>[steps];
        var dhNext = h0 * 0;
        var dcNext = c0 * 0;
        var order = Enumerable.Range(0, steps);
        if (mistake != LstmBpttMistake.ForwardInTime) order = order.Reverse();
        foreach (int t in order)
        {
            var (hPrev, cPrev) = mistake == LstmBpttMistake.StatesOffByOne ? (forward[t].H, forward[t].C)
                : t == 0 ? (h0, c0) : (forward[t - 1].H, forward[t - 1].C);
            var dh = mistake == LstmBpttMistake.NoHiddenCarry ? dhs[t] : dhs[t] + dhNext;
            var dc = mistake == LstmBpttMistake.NoCellCarry ? c0 * 0 : dcNext;
            var g = LstmCell.Backward(dh, dc, xs[t], hPrev, cPrev, forward[t], w);
            dW = mistake == LstmBpttMistake.Overwrite
                ? new LstmWeights<double>(g.DWf, g.DWi, g.DWc, g.DWo, g.DBf, g.DBi, g.DBc, g.DBo)
                : new LstmWeights<double>(dW.Wf + g.DWf, dW.Wi + g.DWi, dW.Wc + g.DWc, dW.Wo + g.DWo,
                    dW.Bf + g.DBf, dW.Bi + g.DBi, dW.Bc + g.DBc, dW.Bo + g.DBo);
            dx[mistake == LstmBpttMistake.DxReversed ? steps - 1 - t : t] = g.DX;
            (dhNext, dcNext) = (g.DHPrev, g.DCPrev);
        }
        return new LstmBpttResult(dW, dx, dhNext, dcNext);
    }

    /// <summary>
    /// Compares Exercise 4.4's gradients in the order a student should look: the weight gradients gate by gate, then
    /// dx step by step, then what reaches the initial state; each difference ends with how that gradient is made.
    /// </summary>
    private static string? CompareLstmBptt(LstmBpttResult e, LstmBpttResult? a, bool shapesOnly)
    {
        if (a is null) return "the result is null.";
        if (a.DW is null) return "dW is null: return the weight gradients as an LstmWeights<double> (dWf, dWi, dWc, dWo, dbf, dbi, dbc, dbo).";
        const string Sum = "summed over every step";
        (string Name, Matrix<double> E, Matrix<double>? A, string Hint)[] weights =
        [
            ("dWf (forget gate)", e.DW.Wf, a.DW.Wf, $"dWf is the DWf of every step's cell backward, {Sum}."),
            ("dWi (input gate)", e.DW.Wi, a.DW.Wi, $"dWi is the DWi of every step's cell backward, {Sum}."),
            ("dWc (candidate)", e.DW.Wc, a.DW.Wc, $"dWc is the DWc of every step's cell backward, {Sum}."),
            ("dWo (output gate)", e.DW.Wo, a.DW.Wo, $"dWo is the DWo of every step's cell backward, {Sum}."),
            ("dbf (forget gate)", e.DW.Bf, a.DW.Bf, $"dbf is the DBf of every step's cell backward, {Sum}."),
            ("dbi (input gate)", e.DW.Bi, a.DW.Bi, $"dbi is the DBi of every step's cell backward, {Sum}."),
            ("dbc (candidate)", e.DW.Bc, a.DW.Bc, $"dbc is the DBc of every step's cell backward, {Sum}."),
            ("dbo (output gate)", e.DW.Bo, a.DW.Bo, $"dbo is the DBo of every step's cell backward, {Sum}."),
        ];
        foreach (var (name, expected, actual, hint) in weights)
        {
            var problem = shapesOnly ? ShapeOnly(name, expected, actual) : Compare.Matrices(name, expected, actual);
            if (problem is not null) return shapesOnly ? problem : $"{problem} {hint}";
        }
        if (a.DX is null) return $"dx is null, expected {e.DX.Length} matrices (one per step).";
        if (a.DX.Length != e.DX.Length) return $"dx has {a.DX.Length} entries, expected {e.DX.Length} (one per step).";
        for (int t = 0; t < e.DX.Length; t++)
        {
            var problem = shapesOnly ? ShapeOnly($"dx[{t}]", e.DX[t], a.DX[t]) : Compare.Matrices($"dx[{t}]", e.DX[t], a.DX[t]);
            if (problem is not null) return shapesOnly ? problem : $"{problem} dx[{t}] is the DX of step {t + 1}'s cell backward (xs[{t}]'s gradient).";
        }
        (string Name, Matrix<double> E, Matrix<double>? A, string Hint)[] initial =
        [
            ("dh0", e.DH0, a.DH0, "dh0 is the DHPrev of the first step's cell backward, the last call of the loop."),
            ("dc0", e.DC0, a.DC0, "dc0 is the DCPrev of the first step's cell backward, the last call of the loop."),
        ];
        foreach (var (name, expected, actual, hint) in initial)
        {
            var problem = shapesOnly ? ShapeOnly(name, expected, actual) : Compare.Matrices(name, expected, actual);
            if (problem is not null) return shapesOnly ? problem : $"{problem} {hint}";
        }
        return null;
    }

    /// <summary>The gate matrix with its first n_h columns (those that multiply h⟨t−1⟩) zero.</summary>
    private static Matrix<double> NoRecurrentColumns(Matrix<double> wg, int nh)
    {
        var result = wg.Clone();
        result.SetSubMatrix(0, 0, Matrix<double>.Build.Dense(wg.RowCount, nh));
        return result;
    }

    // ---- LSTM references with typical mistakes -----------------------------------------------------------------

    private enum LstmMistake { None, SwappedForgetInput, NoTanhOfCell, OldCellInH, SigmoidCandidate, TanhGates, InputFirst, NoBias }

    private static readonly (LstmMistake, string)[] LstmForwardMistakes =
    [
        (LstmMistake.SwappedForgetInput, "the forget and input gates are swapped (c⟨t⟩ = i ⊙ c⟨t−1⟩ + f ⊙ c̃)"),
        (LstmMistake.NoTanhOfCell, "h⟨t⟩ = o ⊙ c⟨t⟩: the tanh of the cell is missing"),
        (LstmMistake.OldCellInH, "h⟨t⟩ uses the old cell, o ⊙ tanh(c⟨t−1⟩), instead of the new c⟨t⟩"),
        (LstmMistake.SigmoidCandidate, "the candidate c̃ uses σ instead of tanh"),
        (LstmMistake.TanhGates, "the gates f, i, o use tanh instead of σ"),
        (LstmMistake.InputFirst, "the gates see [x⟨t⟩; h⟨t−1⟩] instead of [h⟨t−1⟩; x⟨t⟩] (the first n_h columns of each W multiply h⟨t−1⟩)"),
        (LstmMistake.NoBias, "the biases are missing"),
    ];

    /// <summary>The LSTM step written out, with one typical mistake switched on (or none: the reference).</summary>
    private static (Matrix<double> H, Matrix<double> C) LstmVariant(Matrix<double> x, Matrix<double> h, Matrix<double> c,
        LstmWeights<double> w, LstmMistake mistake)
    {
        if (mistake == LstmMistake.None)
        {
            var step = LstmCell.Forward(x, h, c, w);
            return (step.H, step.C);
        }
        var hx = mistake == LstmMistake.InputFirst ? x.Stack(h) : h.Stack(x);
        Matrix<double> Z(Matrix<double> wg, Matrix<double> b) => mistake == LstmMistake.NoBias ? wg * hx : Tensor.AddColumn(wg * hx, b);
        var gate = mistake == LstmMistake.TanhGates ? Activation.Tanh : Activation.Sigmoid;
        var f = Activations.Apply(gate, Z(w.Wf, w.Bf));
        var i = Activations.Apply(gate, Z(w.Wi, w.Bi));
        var o = Activations.Apply(gate, Z(w.Wo, w.Bo));
        var cTilde = Activations.Apply(mistake == LstmMistake.SigmoidCandidate ? Activation.Sigmoid : Activation.Tanh, Z(w.Wc, w.Bc));
        if (mistake == LstmMistake.SwappedForgetInput) (f, i) = (i, f);
        var cNew = f.PointwiseMultiply(c) + i.PointwiseMultiply(cTilde);
        var hNew = mistake switch
        {
            LstmMistake.NoTanhOfCell => o.PointwiseMultiply(cNew),
            LstmMistake.OldCellInH => o.PointwiseMultiply(c.Map(Math.Tanh)),
            _ => o.PointwiseMultiply(cNew.Map(Math.Tanh)),
        };
        return (hNew, cNew);
    }

    private enum LstmBackwardMistake { None, NoCellPathThroughH, CellDerivativeNotTanh, SigmoidOfGateAgain, NoForgetInCPrev, MeanBias, SigmoidDerivativeForCandidate }

    private static readonly (LstmBackwardMistake, string)[] LstmBackwardMistakes =
    [
        (LstmBackwardMistake.NoCellPathThroughH, "dc⟨t⟩ is used as it comes, without the path through h⟨t⟩ (add dh ⊙ o ⊙ (1 − tanh²(c⟨t⟩)))"),
        (LstmBackwardMistake.CellDerivativeNotTanh, "the derivative of tanh(c⟨t⟩) is written 1 − c⟨t⟩² instead of 1 − tanh²(c⟨t⟩)"),
        (LstmBackwardMistake.SigmoidOfGateAgain, "σ′ is computed as σ(g)(1 − σ(g)) of the gate value g, which is already σ(z): use g(1 − g)"),
        (LstmBackwardMistake.NoForgetInCPrev, "dc⟨t−1⟩ = dc is missing the forget gate's factor (dc⟨t−1⟩ = dc ⊙ f)"),
        (LstmBackwardMistake.MeanBias, "the bias gradients are averaged over the batch instead of summed"),
        (LstmBackwardMistake.SigmoidDerivativeForCandidate, "the candidate's derivative uses σ′ = c̃(1 − c̃) instead of tanh′ = 1 − c̃²"),
    ];

    /// <summary>The LSTM step backward written out, with one typical mistake switched on (or none: the reference).</summary>
    private static LstmCellGradients<double> LstmBackwardVariant(Matrix<double> dh, Matrix<double> dc, Matrix<double> x,
        Matrix<double> h, Matrix<double> c, LstmWeights<double> w, LstmBackwardMistake mistake)
    {
        var step = LstmCell.Forward(x, h, c, w);
        if (mistake == LstmBackwardMistake.None) return LstmCell.Backward(dh, dc, x, h, c, step, w);
        var (f, i, cTilde, o) = step.Gates;
        var hx = h.Stack(x);
        var tanhC = step.C.Map(Math.Tanh);
        Matrix<double> SigmoidPrime(Matrix<double> g) => mistake == LstmBackwardMistake.SigmoidOfGateAgain
            ? g.Map(v => { double s = 1 / (1 + Math.Exp(-v)); return s * (1 - s); })
            : g.PointwiseMultiply(1 - g);
        var cellPrime = mistake == LstmBackwardMistake.CellDerivativeNotTanh ? 1 - step.C.PointwiseMultiply(step.C) : 1 - tanhC.PointwiseMultiply(tanhC);
        var dC = mistake == LstmBackwardMistake.NoCellPathThroughH ? dc : dc + dh.PointwiseMultiply(o).PointwiseMultiply(cellPrime);
        var dzf = dC.PointwiseMultiply(c).PointwiseMultiply(SigmoidPrime(f));
        var dzi = dC.PointwiseMultiply(cTilde).PointwiseMultiply(SigmoidPrime(i));
        var candidatePrime = mistake == LstmBackwardMistake.SigmoidDerivativeForCandidate
            ? cTilde.PointwiseMultiply(1 - cTilde)
            : 1 - cTilde.PointwiseMultiply(cTilde);
        var dzc = dC.PointwiseMultiply(i).PointwiseMultiply(candidatePrime);
        var dzo = dh.PointwiseMultiply(tanhC).PointwiseMultiply(SigmoidPrime(o));
        var dhx = w.Wf.TransposeThisAndMultiply(dzf) + w.Wi.TransposeThisAndMultiply(dzi)
            + w.Wc.TransposeThisAndMultiply(dzc) + w.Wo.TransposeThisAndMultiply(dzo);
        int nh = h.RowCount, m = x.ColumnCount;
        Matrix<double> Db(Matrix<double> dz) => Tensor.RowSums(dz) / (mistake == LstmBackwardMistake.MeanBias ? m : 1);
        return new LstmCellGradients<double>(
            DX: dhx.SubMatrix(nh, x.RowCount, 0, m),
            DHPrev: dhx.SubMatrix(0, nh, 0, m),
            DCPrev: mistake == LstmBackwardMistake.NoForgetInCPrev ? dC : dC.PointwiseMultiply(f),
            DWf: dzf.TransposeAndMultiply(hx), DWi: dzi.TransposeAndMultiply(hx),
            DWc: dzc.TransposeAndMultiply(hx), DWo: dzo.TransposeAndMultiply(hx),
            DBf: Db(dzf), DBi: Db(dzi), DBc: Db(dzc), DBo: Db(dzo));
    }

    /// <summary>Which gradients a case of exercise 4.3 compares.</summary>
    private enum LstmGradientPart { All, Shapes, Gates, Inputs }

    /// <summary>
    /// Compares the gradients gate by gate in the order backpropagation reaches them (the output gate first, then
    /// the cell's gates, then what is passed back), and says which gate a wrong one belongs to. Gates: the weight
    /// and bias gradients and dc⟨t−1⟩; Inputs: dh⟨t−1⟩ and dx⟨t⟩.
    /// </summary>
    private static string? CompareLstmGradients(LstmCellGradients<double> e, LstmCellGradients<double>? a, LstmGradientPart part)
    {
        if (a is null) return "the gradients are null.";
        (string Name, Matrix<double> E, Matrix<double>? A, string Hint)[] fields =
        [
            ("dWo (output gate)", e.DWo, a.DWo, "dz_o = dh ⊙ tanh(c⟨t⟩) ⊙ o(1 − o), dWo = dz_o·[h⟨t−1⟩; x⟨t⟩]ᵀ."),
            ("dbo (output gate)", e.DBo, a.DBo, "dbo is dz_o summed over the m columns of the batch."),
            ("dWf (forget gate)", e.DWf, a.DWf, "dz_f = dc ⊙ c⟨t−1⟩ ⊙ f(1 − f), dWf = dz_f·[h⟨t−1⟩; x⟨t⟩]ᵀ, where dc = dc⟨t⟩ + dh ⊙ o ⊙ (1 − tanh²(c⟨t⟩))."),
            ("dbf (forget gate)", e.DBf, a.DBf, "dbf is dz_f summed over the m columns of the batch."),
            ("dWi (input gate)", e.DWi, a.DWi, "dz_i = dc ⊙ c̃ ⊙ i(1 − i), dWi = dz_i·[h⟨t−1⟩; x⟨t⟩]ᵀ."),
            ("dbi (input gate)", e.DBi, a.DBi, "dbi is dz_i summed over the m columns of the batch."),
            ("dWc (candidate)", e.DWc, a.DWc, "dz_c = dc ⊙ i ⊙ (1 − c̃²), dWc = dz_c·[h⟨t−1⟩; x⟨t⟩]ᵀ."),
            ("dbc (candidate)", e.DBc, a.DBc, "dbc is dz_c summed over the m columns of the batch."),
            ("dc⟨t−1⟩", e.DCPrev, a.DCPrev, "dc⟨t−1⟩ = dc ⊙ f: the additive cell update passes the gradient back scaled only by the forget gate."),
            ("dh⟨t−1⟩", e.DHPrev, a.DHPrev, "dh⟨t−1⟩ is the first n_h rows of Wfᵀ·dz_f + Wiᵀ·dz_i + Wcᵀ·dz_c + Woᵀ·dz_o."),
            ("dx⟨t⟩", e.DX, a.DX, "dx⟨t⟩ is the last n_x rows of Wfᵀ·dz_f + Wiᵀ·dz_i + Wcᵀ·dz_c + Woᵀ·dz_o."),
        ];
        bool shapesOnly = part == LstmGradientPart.Shapes;
        for (int k = 0; k < fields.Length; k++)
        {
            if ((part == LstmGradientPart.Gates && k >= 9) || (part == LstmGradientPart.Inputs && k < 9)) continue;
            var (name, expected, actual, hint) = fields[k];
            var problem = shapesOnly ? ShapeOnly(name, expected, actual) : Compare.Matrices(name, expected, actual);
            if (problem is not null) return shapesOnly ? problem : $"{problem} {hint}";
        }
        return null;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static LstmWeights<double> RandomLstmWeights(int nx, int nh, Random rng)
    {
        Matrix<double> W() => Init.Normal<double>(nh, nh + nx, 0.6, rng);
        Matrix<double> B() => Init.Normal<double>(nh, 1, 0.6, rng);
        return new LstmWeights<double>(W(), W(), W(), W(), B(), B(), B(), B());
    }

    /// <summary>The weights with the named gates pinned: zero weights and a bias of ±<see cref="Pin"/>.</summary>
    private static LstmWeights<double> PinLstm(LstmWeights<double> w, double? f = null, double? i = null, double? c = null, double? o = null)
    {
        (Matrix<double>, Matrix<double>) Gate(Matrix<double> wg, Matrix<double> bg, double? pin) =>
            pin is double p ? (wg * 0, Matrix<double>.Build.Dense(bg.RowCount, 1, p)) : (wg, bg);
        var (wf, bf) = Gate(w.Wf, w.Bf, f);
        var (wi, bi) = Gate(w.Wi, w.Bi, i);
        var (wc, bc) = Gate(w.Wc, w.Bc, c);
        var (wo, bo) = Gate(w.Wo, w.Bo, o);
        return new LstmWeights<double>(wf, wi, wc, wo, bf, bi, bc, bo);
    }

    /// <summary>The weights with every gate matrix zero except gate g (0 f, 1 i, 2 c̃, 3 o); the biases are kept.</summary>
    private static LstmWeights<double> OnlyGate(LstmWeights<double> w, int g) => w with
    {
        Wf = g == 0 ? w.Wf : w.Wf * 0,
        Wi = g == 1 ? w.Wi : w.Wi * 0,
        Wc = g == 2 ? w.Wc : w.Wc * 0,
        Wo = g == 3 ? w.Wo : w.Wo * 0,
    };

    private static LstmWeights<double> CopyOf(LstmWeights<double> w) =>
        new(w.Wf.Clone(), w.Wi.Clone(), w.Wc.Clone(), w.Wo.Clone(), w.Bf.Clone(), w.Bi.Clone(), w.Bc.Clone(), w.Bo.Clone());

    private static string? ListShapes(string name, Matrix<double>[] expected, Matrix<double>[]? actual) =>
        actual is null ? $"{name} is null."
        : actual.Length != expected.Length
            ? $"{name} has {actual.Length} entries, expected {expected.Length} (one per step; the initial state is not returned)."
            : expected.Zip(actual).Select((p, t) => ShapeOnly($"{name}[{t}]", p.First, p.Second)).FirstOrDefault(d => d is not null);
}
