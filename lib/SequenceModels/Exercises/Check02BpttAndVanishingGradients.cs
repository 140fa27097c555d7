using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels.Exercises;

/// <summary>
/// Backpropagation through time as Exercise 2.2 asks for it: from the inputs, the initial state, the weights and the
/// gradient that reaches each state directly from the loss, the gradients of the weights and of the initial state.
/// </summary>
/// <param name="xs">x⟨1⟩..x⟨T⟩, each n_x × m.</param>
/// <param name="h0">h⟨0⟩, n_h × m.</param>
/// <param name="wxh">Wxh, n_h × n_x.</param>
/// <param name="whh">Whh, n_h × n_h.</param>
/// <param name="bh">bh, n_h × 1.</param>
/// <param name="dhs">∂L/∂h⟨t⟩ straight from the output at step t (not through later steps), each n_h × m.</param>
/// <returns>dWxh (n_h × n_x), dWhh (n_h × n_h), dbh (n_h × 1) and dh0 (n_h × m).</returns>
public delegate (Matrix<double> DWxh, Matrix<double> DWhh, Matrix<double> DBh, Matrix<double> DH0) BpttFunction(
    Matrix<double>[] xs, Matrix<double> h0, Matrix<double> wxh, Matrix<double> whh, Matrix<double> bh, Matrix<double>[] dhs);

public static partial class Check
{
    private const string DzFormula = "dz = dh ⊙ (1 − h⟨t⟩²)";

    /// <summary>
    /// Exercise 2.1: one RNN step backward. With dz = dh ⊙ (1 − h⟨t⟩²): dx = Wxhᵀ·dz, dh⟨t−1⟩ = Whhᵀ·dz,
    /// dWxh = dz·x⟨t⟩ᵀ, dWhh = dz·h⟨t−1⟩ᵀ, dbh = Σ_columns dz. Arguments in order: dh, x, hPrev, h, Wxh, Whh.
    /// </summary>
    [Reference(typeof(RnnCell), nameof(RnnCell.Backward))]
    [Reference(typeof(Rnn<>), nameof(Rnn<double>.Backward))]
    [Exercise("02.rnn-cell-backward", "Exercise 2.1 — the RNN cell backward")]
    public static CheckResult RnnCellBackward(
        Func<Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>,
            (Matrix<double> dx, Matrix<double> dhPrev, Matrix<double> dWxh, Matrix<double> dWhh, Matrix<double> dbh)> rnnCellBackward)
    {
        ArgumentNullException.ThrowIfNull(rnnCellBackward);
        const int nx = 3, nh = 4;
        var rng = new Random(201);
        var (wxh, whh, bh) = (Init.Normal<double>(nh, nx, 0.7, rng), Init.Normal<double>(nh, nh, 0.7, rng), Init.Normal<double>(nh, 1, 0.5, rng));
        (Matrix<double> Dh, Matrix<double> X, Matrix<double> HPrev, Matrix<double> H) Step(int m, bool zeroH)
        {
            var x = Init.Normal<double>(nx, m, 1.0, rng);
            var hPrev = Init.Normal<double>(nh, m, 0.6, rng);
            var h = zeroH ? Matrix<double>.Build.Dense(nh, m) : RnnCell.Forward(x, hPrev, wxh, whh, bh);
            return (Init.Normal<double>(nh, m, 1.0, rng), x, hPrev, h);
        }
        // shapes; tanh′ = 1 (h⟨t⟩ = 0, so dz = dh and only the products are tested); one example; a batch.
        var cases = new[] { Step(2, false), Step(2, true), Step(1, false), Step(3, false) };
        Matrix<double>[] Reference(int c)
        {
            var r = RnnCell.Backward(cases[c].Dh, cases[c].X, cases[c].HPrev, cases[c].H, wxh, whh);
            return [r.DX, r.DHPrev, r.DWxh, r.DWhh, r.DBh];
        }
        Matrix<double>[] Variant(int c, RnnCellMistake mistake) => RnnCellBackwardVariant(cases[c].Dh, cases[c].X, cases[c].HPrev, cases[c].H, wxh, whh, mistake);
        Matrix<double>[] Student(int c)
        {
            var (dh, x, hPrev, h) = cases[c];
            var r = rnnCellBackward(dh.Clone(), x.Clone(), hPrev.Clone(), h.Clone(), wxh.Clone(), whh.Clone());
            return [r.dx, r.dhPrev, r.dWxh, r.dWhh, r.dbh];
        }
        string[] names = ["dx", "dh⟨t−1⟩", "dWxh", "dWhh", "dbh"];
        string[] formulas = ["dx = Wxhᵀ·dz", "dh⟨t−1⟩ = Whhᵀ·dz", "dWxh = dz·x⟨t⟩ᵀ", "dWhh = dz·h⟨t−1⟩ᵀ", "dbh = dz summed over its m columns"];
        return new ExerciseCheck<Matrix<double>[]>("02.rnn-cell-backward", "Exercise 2.1 — the RNN cell backward",
                (e, a) => CompareNamedGradients(names, formulas, e, a))
            .Case("shapes (n_x = 3, n_h = 4, m = 2)",
                "Each gradient has the shape of what it differentiates: dx like x⟨t⟩, dh⟨t−1⟩ like h⟨t−1⟩, dWxh like Wxh, dWhh like Whh, dbh like bh (n_h × 1).",
                () => Student(0), () => Reference(0), (e, a) => CompareNamedShapes(names, e, a))
            .Case("tanh′ = 1 (h⟨t⟩ = 0, so dz = dh)",
                $"With h⟨t⟩ = 0, tanh′ = 1 − h⟨t⟩² = 1 and dz = dh: this case tests the five products alone ({DzFormula}).",
                () => Student(1), () => Reference(1))
            .Case("one example (m = 1)",
                $"Now tanh′ matters: {DzFormula}, elementwise, with h⟨t⟩ the output of this step (not h⟨t−1⟩).",
                () => Student(2), () => Reference(2))
            .Case("a batch (m = 3)",
                "With m columns the weight gradients add up every example's contribution: the products do that for dWxh and dWhh; for dbh sum dz's columns.",
                () => Student(3), () => Reference(3))
            .Mistake("tanh′ is missing (dz = dh)", c => Variant(c, RnnCellMistake.NoDerivative))
            .Mistake("tanh′ was computed from h⟨t−1⟩ instead of h⟨t⟩", c => Variant(c, RnnCellMistake.DerivativeOfPrevious))
            .Mistake("tanh′ was written 1 − h instead of 1 − h²", c => Variant(c, RnnCellMistake.DerivativeNotSquared))
            .Mistake("dh⟨t−1⟩ uses Whh instead of its transpose Whhᵀ", c => Variant(c, RnnCellMistake.UntransposedWhh))
            .Mistake("dWhh uses h⟨t⟩ instead of h⟨t−1⟩", c => Variant(c, RnnCellMistake.WhhFromH))
            .Mistake("dWhh is transposed (h⟨t−1⟩·dzᵀ instead of dz·h⟨t−1⟩ᵀ)", c => Variant(c, RnnCellMistake.TransposedDWhh))
            .Mistake("dbh is the mean over the batch instead of the sum", c => Variant(c, RnnCellMistake.BiasMean))
            .Run();
    }

    /// <summary>
    /// Exercise 2.2: backpropagation through time. dL/dh⟨t⟩ = dhs[t] + the gradient coming back from step t+1; each
    /// step's cell backward adds into the weight gradients, which are sums over time; dh0 is what reaches h⟨0⟩.
    /// </summary>
    [Reference(typeof(Rnn<>), nameof(Rnn<double>.Backward))]
    [Exercise("02.bptt", "Exercise 2.2 — backpropagation through time")]
    public static CheckResult Bptt(BpttFunction bptt)
    {
        ArgumentNullException.ThrowIfNull(bptt);
        const int nx = 3, nh = 4, m = 2;
        var rng = new Random(202);
        var (wxh, whh, bh) = (Init.Normal<double>(nh, nx, 0.6, rng), Init.Normal<double>(nh, nh, 0.6, rng), Init.Normal<double>(nh, 1, 0.5, rng));
        Matrix<double>[] Steps(int t, int rows, double std) => Enumerable.Range(0, t).Select(_ => Init.Normal<double>(rows, m, std, rng)).ToArray();
        Matrix<double>[] Only(int t, int at) =>
            Enumerable.Range(0, t).Select(i => i == at ? Init.Normal<double>(nh, m, 1.0, rng) : Matrix<double>.Build.Dense(nh, m)).ToArray();
        // (xs, h0, dhs): shapes; one step; gradient only at the last step; only at the first; at every step.
        (Matrix<double>[] Xs, Matrix<double> H0, Matrix<double>[] Dhs)[] cases =
        [
            (Steps(4, nx, 1.0), Init.Normal<double>(nh, m, 0.5, rng), Steps(4, nh, 1.0)),
            (Steps(1, nx, 1.0), Init.Normal<double>(nh, m, 0.5, rng), Steps(1, nh, 1.0)),
            (Steps(5, nx, 1.0), Init.Normal<double>(nh, m, 0.5, rng), Only(5, 4)),
            (Steps(5, nx, 1.0), Init.Normal<double>(nh, m, 0.5, rng), Only(5, 0)),
            (Steps(6, nx, 1.0), Init.Normal<double>(nh, m, 0.5, rng), Steps(6, nh, 1.0)),
        ];
        Matrix<double>[] Reference(int c) => PackBpttGradients(ReferenceBptt(cases[c].Xs, cases[c].H0, wxh, whh, bh, cases[c].Dhs));
        Matrix<double>[] Variant(int c, BpttMistake mistake) => PackBpttGradients(CellBptt(cases[c].Xs, cases[c].H0, wxh, whh, bh, cases[c].Dhs, mistake));
        Matrix<double>[] Student(int c) => PackBpttGradients(bptt(CloneAll(cases[c].Xs), cases[c].H0.Clone(), wxh.Clone(), whh.Clone(), bh.Clone(), CloneAll(cases[c].Dhs)));
        string[] names = ["dWxh", "dWhh", "dbh", "dh0"];
        string[] formulas =
        [
            "dWxh = Σ_t dz⟨t⟩·x⟨t⟩ᵀ", "dWhh = Σ_t dz⟨t⟩·h⟨t−1⟩ᵀ", "dbh = Σ_t dz⟨t⟩ summed over its columns",
            "dh0 = the dh⟨t−1⟩ returned by the cell backward of the first step",
        ];
        return new ExerciseCheck<Matrix<double>[]>("02.bptt", "Exercise 2.2 — backpropagation through time",
                (e, a) => CompareNamedGradients(names, formulas, e, a))
            .Case("shapes (T = 4, n_x = 3, n_h = 4, m = 2)",
                "Return (dWxh, dWhh, dbh, dh0), shaped like (Wxh, Whh, bh, h0): one gradient per weight, summed over the steps, not one per step.",
                () => Student(0), () => Reference(0), (e, a) => CompareNamedShapes(names, e, a))
            .Case("one step (T = 1)",
                "With T = 1, BPTT is one cell backward: dh⟨1⟩ = dhs[0], and dh0 is that step's dh⟨t−1⟩. Run the forward pass first (RnnCell.Unroll) to get h⟨1⟩.",
                () => Student(1), () => Reference(1))
            .Case("a gradient only at the last step",
                "Only the last output has a gradient, so every earlier step gets its dh⟨t⟩ from the step after it: walk t from T down to 1 and carry dh⟨t−1⟩ back into the next iteration.",
                () => Student(2), () => Reference(2))
            .Case("a gradient only at the first step",
                "Only step 1 receives a gradient, so only step 1 contributes to the weight gradients: nothing flows forward in time, the loop runs backward.",
                () => Student(3), () => Reference(3))
            .Case("a gradient at every step (T = 6)",
                "dL/dh⟨t⟩ = dhs[t] + the gradient coming back from step t+1, and every step adds its contribution to the weight gradients.",
                () => Student(4), () => Reference(4))
            .Mistake("the gradient from step t+1 is not carried back (each step uses only dhs[t])", c => Variant(c, BpttMistake.NoCarry))
            .Mistake("the weight gradients keep one step instead of the sum over time (= instead of +=)", c => Variant(c, BpttMistake.Overwrite))
            .Mistake("the loop runs forward in time (t = 1..T) instead of backward", c => Variant(c, BpttMistake.ForwardInTime))
            .Mistake("dh0 is left at zero", c => Variant(c, BpttMistake.NoDh0))
            .Run();
    }

    /// <summary>
    /// Exercise 2.3: the student's gradient check. <paramref name="worstRelativeError"/> receives a BPTT and a
    /// problem (xs, h0, Wxh, Whh, bh, G), runs <see cref="GradientCheck"/> on the loss L = Σ_t Σ G⟨t⟩ ⊙ h⟨t⟩ (so that
    /// dL/dh⟨t⟩ = G⟨t⟩) over Wxh, Whh, bh and h0, and returns the worst relative error. It must report a tiny error for
    /// a correct BPTT and a large one for each broken BPTT the checker feeds it. When it passes and
    /// <paramref name="yourBptt"/> is given, the student's own BPTT (Exercise 2.2) is checked with it too (reported,
    /// not graded).
    /// </summary>
    [Exercise("02.gradient-check", "Exercise 2.3 — a gradient check of your BPTT")]
    public static CheckResult BpttGradientCheck(
        Func<BpttFunction, Matrix<double>[], Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>[], double> worstRelativeError,
        BpttFunction? yourBptt = null)
    {
        ArgumentNullException.ThrowIfNull(worstRelativeError);
        const string id = "02.gradient-check", title = "Exercise 2.3 — a gradient check of your BPTT";
        const int nx = 2, nh = 3, m = 2, steps = 4;
        var rng = new Random(203);
        var wxh = Init.Normal<double>(nh, nx, 0.8, rng);
        var whh = Init.Normal<double>(nh, nh, 0.8, rng);
        var bh = Init.Normal<double>(nh, 1, 0.5, rng);
        var h0 = Init.Normal<double>(nh, m, 0.5, rng);
        var xs = Enumerable.Range(0, steps).Select(_ => Init.Normal<double>(nx, m, 1.0, rng)).ToArray();
        var g = Enumerable.Range(0, steps).Select(_ => Init.Normal<double>(nh, m, 1.0, rng)).ToArray();
        double Evaluate(BpttFunction f, Func<BpttFunction, Matrix<double>[], Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>[], double> check) =>
            check(f, CloneAll(xs), h0.Clone(), wxh.Clone(), whh.Clone(), bh.Clone(), CloneAll(g));
        double Student(BpttFunction f) => Evaluate(f, worstRelativeError);
        double Library(BpttFunction f) => Evaluate(f, ReferenceGradientCheck);

        BpttFunction correct = ReferenceBptt;
        BpttFunction Broken(BpttMistake mistake) => (a, b, c, d, e, f) => CellBptt(a, b, c, d, e, f, mistake);
        string Hint(string parameter) =>
            $"This BPTT gets only {parameter} wrong: a check must compare every gradient BPTT returns — Wxh, Whh, bh and h0 — " +
            "each as a Parameter whose Value the loss reads (GradientCheck.Run(new[] { … }, Loss, Backward)).";
        Func<double, double, string?> Large(string what) => (expected, actual) => actual >= 1e-3
            ? null
            : $"your check reports a worst relative error of {Compare.F(actual)} for a BPTT whose {what}; it should be large " +
              $"(the library's gradient check reports {Compare.F(expected)}).";

        var result = new ExerciseCheck<double>(id, title, (e, a) => Compare.Scalars("worst relative error", e, a))
            .Case("a correct BPTT", "Build the loss from the parameters' Value matrices (GradientCheck changes them in place), make Backward put each " +
                    "gradient BPTT returns into the matching Grad, and use L = Σ_t Σ G⟨t⟩ ⊙ h⟨t⟩, whose dL/dh⟨t⟩ is G⟨t⟩: pass G as dhs.",
                () => Student(correct), () => Library(correct), CorrectVerdict)
            .Case("a BPTT that does not carry the gradient back through time",
                "This BPTT gets every gradient wrong, so any comparison of BPTT's gradients with finite differences should report a large error. Return the worst relative error over all the entries checked.",
                () => Student(Broken(BpttMistake.NoCarry)), () => Library(Broken(BpttMistake.NoCarry)), Large("gradient is not carried back through time"))
            .Case("a BPTT whose dWhh is wrong", Hint("Whh"),
                () => Student(Broken(BpttMistake.WhhFromH)), () => Library(Broken(BpttMistake.WhhFromH)), Large("dWhh uses h⟨t⟩ instead of h⟨t−1⟩"))
            .Case("a BPTT whose dbh is wrong", Hint("bh"),
                () => Student(Broken(BpttMistake.BiasMean)), () => Library(Broken(BpttMistake.BiasMean)), Large("dbh is a mean instead of a sum"))
            .Case("a BPTT whose dh0 is wrong", Hint("h0"),
                () => Student(Broken(BpttMistake.NoDh0)), () => Library(Broken(BpttMistake.NoDh0)), Large("dh0 is left at zero"))
            .Run();
        if (!result.Passed || yourBptt is null) return result;

        string report;
        try
        {
            double error = Student(yourBptt);
            report = error <= 1e-6
                ? $"Your BPTT from Exercise 2.2 passes your gradient check: worst relative error {error:E2}."
                : $"Your BPTT from Exercise 2.2 fails your gradient check: worst relative error {error:E2}. Go back to Exercise 2.2.";
        }
        catch (NotImplementedException e)
        {
            report = EarlierExercise.Unfinished(e, "2.2") is { } earlier
                ? $"Your BPTT from Exercise 2.2 could not be checked: {earlier}"
                : "Your BPTT from Exercise 2.2 is not done yet; when it is, run this cell again to check it with your gradient check.";
        }
        catch (Exception e)
        {
            report = $"Your BPTT from Exercise 2.2 threw {e.GetType().Name}: {e.Message}";
        }
        return new CheckResult(id, title, CheckStatus.Passed, [.. result.Messages, report]);
    }

    private static string? CorrectVerdict(double expected, double actual)
    {
        if (actual <= 1e-6) return null;
        var message = $"your check reports a worst relative error of {Compare.F(actual)} for a correct BPTT; " +
                      $"a correct backward pass gives about {Compare.F(expected)} (under 1e-7).";
        if (double.IsNaN(actual)) return message + " NaN: check for a division by zero or an uninitialised number.";
        if (Math.Abs(actual - 1) < 1e-12)
            message += " An error of exactly 1 means one side is zero: either the loss does not change when GradientCheck " +
                       "perturbs a parameter (it reads copies, not the Parameter's Value), or Backward never writes into the Grad matrices.";
        return message;
    }

    /// <summary>The library's way to do Exercise 2.3 (for the checker's messages and the tests).</summary>
    internal static double ReferenceGradientCheck(BpttFunction bptt, Matrix<double>[] xs, Matrix<double> h0, Matrix<double> wxh,
        Matrix<double> whh, Matrix<double> bh, Matrix<double>[] g)
    {
        Parameter<double>[] parameters = [new("Wxh", wxh), new("Whh", whh), new("bh", bh), new("h0", h0)];
        double Loss() => RnnCell.Unroll(xs, h0, wxh, whh, bh).Zip(g, (h, gt) => h.PointwiseMultiply(gt).Enumerate().Sum()).Sum();
        void Backward()
        {
            var (dWxh, dWhh, dbh, dh0) = bptt(xs, h0, wxh, whh, bh, g);
            Matrix<double>[] grads = [dWxh, dWhh, dbh, dh0];
            for (int i = 0; i < grads.Length; i++) parameters[i].Grad.Add(grads[i], parameters[i].Grad);
        }
        return GradientCheck.Run(parameters, Loss, Backward).MaxRelativeError;
    }

    /// <summary>BPTT by the library's sequence layer, a code path independent of <see cref="RnnCell.Backward{T}"/>.</summary>
    internal static (Matrix<double> DWxh, Matrix<double> DWhh, Matrix<double> DBh, Matrix<double> DH0) ReferenceBptt(
        Matrix<double>[] xs, Matrix<double> h0, Matrix<double> wxh, Matrix<double> whh, Matrix<double> bh, Matrix<double>[] dhs)
    {
        var layer = new Rnn<double>(wxh.ColumnCount, whh.RowCount, new Random(0));
        wxh.CopyTo(layer.Wxh.Value);
        whh.CopyTo(layer.Whh.Value);
        bh.CopyTo(layer.Bh.Value);
        layer.Forward(SequenceBatch<double>.FromSteps(xs), new RecurrentState<double>(h0));
        var (_, d0) = layer.Backward(SequenceBatch<double>.FromSteps(dhs));
        return (layer.Wxh.Grad.Clone(), layer.Whh.Grad.Clone(), layer.Bh.Grad.Clone(), d0.H);
    }

    internal enum BpttMistake { None, NoCarry, Overwrite, ForwardInTime, NoDh0, WhhFromH, BiasMean }

    /// <summary>BPTT as a loop over <see cref="RnnCell.Backward{T}"/>, with one typical mistake if asked.</summary>
    internal static (Matrix<double> DWxh, Matrix<double> DWhh, Matrix<double> DBh, Matrix<double> DH0) CellBptt(
        Matrix<double>[] xs, Matrix<double> h0, Matrix<double> wxh, Matrix<double> whh, Matrix<double> bh, Matrix<double>[] dhs,
        BpttMistake mistake)
    {
        var hs = RnnCell.Unroll(xs, h0, wxh, whh, bh);
        var dWxh = Matrix<double>.Build.Dense(wxh.RowCount, wxh.ColumnCount);
        var dWhh = Matrix<double>.Build.Dense(whh.RowCount, whh.ColumnCount);
        var dbh = Matrix<double>.Build.Dense(bh.RowCount, 1);
        var carried = Matrix<double>.Build.Dense(h0.RowCount, h0.ColumnCount);
        var order = Enumerable.Range(0, xs.Length);
        if (mistake != BpttMistake.ForwardInTime) order = order.Reverse();
        foreach (int t in order)
        {
            var dh = mistake == BpttMistake.NoCarry ? dhs[t] : dhs[t] + carried;
            var hPrev = t == 0 ? h0 : hs[t - 1];
            var step = RnnCell.Backward(dh, xs[t], hPrev, hs[t], wxh, whh);
            var stepDWhh = mistake == BpttMistake.WhhFromH ? RnnCellBackwardVariant(dh, xs[t], hPrev, hs[t], wxh, whh, RnnCellMistake.WhhFromH)[3] : step.DWhh;
            var stepDbh = mistake == BpttMistake.BiasMean ? step.DBh / h0.ColumnCount : step.DBh;
            if (mistake == BpttMistake.Overwrite)
                (dWxh, dWhh, dbh) = (step.DWxh, stepDWhh, stepDbh);
            else
                (dWxh, dWhh, dbh) = (dWxh + step.DWxh, dWhh + stepDWhh, dbh + stepDbh);
            carried = step.DHPrev;
        }
        var dh0 = mistake == BpttMistake.NoDh0 ? Matrix<double>.Build.Dense(h0.RowCount, h0.ColumnCount) : carried;
        return (dWxh, dWhh, dbh, dh0);
    }

    private enum RnnCellMistake { None, NoDerivative, DerivativeOfPrevious, DerivativeNotSquared, UntransposedWhh, WhhFromH, TransposedDWhh, BiasMean }

    /// <summary>One step backward written out, with one typical mistake if asked: [dx, dh⟨t−1⟩, dWxh, dWhh, dbh].</summary>
    private static Matrix<double>[] RnnCellBackwardVariant(Matrix<double> dh, Matrix<double> x, Matrix<double> hPrev, Matrix<double> h,
        Matrix<double> wxh, Matrix<double> whh, RnnCellMistake mistake)
    {
        var derivative = mistake switch
        {
            RnnCellMistake.NoDerivative => h.Map(_ => 1.0),
            RnnCellMistake.DerivativeOfPrevious => hPrev.Map(v => 1 - v * v),
            RnnCellMistake.DerivativeNotSquared => h.Map(v => 1 - v),
            _ => h.Map(v => 1 - v * v),
        };
        var dz = dh.PointwiseMultiply(derivative);
        var dbh = Tensor.RowSums(dz);
        return
        [
            wxh.TransposeThisAndMultiply(dz),
            mistake == RnnCellMistake.UntransposedWhh ? whh * dz : whh.TransposeThisAndMultiply(dz),
            dz.TransposeAndMultiply(x),
            mistake switch
            {
                RnnCellMistake.WhhFromH => dz.TransposeAndMultiply(h),
                RnnCellMistake.TransposedDWhh => hPrev.TransposeAndMultiply(dz),
                _ => dz.TransposeAndMultiply(hPrev),
            },
            mistake == RnnCellMistake.BiasMean ? dbh / dz.ColumnCount : dbh,
        ];
    }

    private static Matrix<double>[] PackBpttGradients((Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>) r) => [r.Item1, r.Item2, r.Item3, r.Item4];

    private static Matrix<double>[] CloneAll(Matrix<double>[] ms) => ms.Select(m => m.Clone()).ToArray();

    /// <summary>Compares gradients by name, in order; a difference ends with the formula of the gradient that differs.</summary>
    private static string? CompareNamedGradients(string[] names, string[] formulas, Matrix<double>[] expected, Matrix<double>[]? actual)
    {
        if (actual is null) return "the result is null.";
        for (int i = 0; i < names.Length; i++)
            if (Compare.Matrices(names[i], expected[i], actual[i]) is { } difference)
                return expected[i].RowCount == actual[i]?.RowCount && expected[i].ColumnCount == actual[i]?.ColumnCount
                    ? $"{difference} ({formulas[i]})"
                    : difference;
        return null;
    }

    private static string? CompareNamedShapes(string[] names, Matrix<double>[] expected, Matrix<double>[]? actual)
    {
        if (actual is null) return "the result is null.";
        for (int i = 0; i < names.Length; i++)
            if (ShapeOnly(names[i], expected[i], actual[i]) is { } difference) return difference;
        return null;
    }
}
