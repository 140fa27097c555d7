using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels.Exercises;

public static partial class Check
{
    /// <summary>Exercise 3.1: clamp every entry of every gradient to [−limit, limit].</summary>
    [Reference(typeof(GradientClipping), nameof(GradientClipping.ClipByValue))]
    [Exercise("03.clip-by-value", "Exercise 3.1 — clipping by value")]
    public static CheckResult ClipByValue(Func<Matrix<double>[], double, Matrix<double>[]> clipByValue)
    {
        ArgumentNullException.ThrowIfNull(clipByValue);
        var rng = new Random(301);
        Matrix<double> Normal(int rows, int columns, double std) => Init.Normal<double>(rows, columns, std, rng);
        // (gradients, limit): shapes; nothing to clip; too large; too negative; several matrices and another limit.
        (Matrix<double>[] G, double Limit)[] cases =
        [
            ([Normal(3, 2, 2.0), Normal(1, 4, 2.0)], 1.0),
            ([Normal(3, 3, 0.3).Map(v => Math.Clamp(v, -0.9, 0.9))], 1.0),
            ([Normal(4, 3, 2.0).PointwiseAbs()], 1.0),
            ([-Normal(4, 3, 2.0).PointwiseAbs()], 1.0),
            ([Normal(2, 3, 1.0), Normal(3, 3, 1.0), Normal(3, 1, 1.0)], 0.5),
        ];
        Matrix<double>[] Reference(int c)
        {
            var ps = GradientParameters(cases[c].G);
            GradientClipping.ClipByValue(ps, cases[c].Limit);
            return ps.Select(p => p.Grad).ToArray();
        }
        Matrix<double>[] Map(int c, Func<double, double, double> f) => cases[c].G.Select(g => g.Map(v => f(v, cases[c].Limit))).ToArray();
        return new ExerciseCheck<Matrix<double>[]>("03.clip-by-value", "Exercise 3.1 — clipping by value",
                (e, a) => Compare.MatrixLists("the clipped gradients", e, a))
            .Case("shapes (two gradients, 3 × 2 and 1 × 4)", "Return one clipped matrix per gradient, each the shape of the gradient it clips.",
                () => clipByValue(CloneAll(cases[0].G), cases[0].Limit), () => Reference(0), CompareListShapes)
            .Case("nothing to clip (every |g| < limit)", "Entries inside [−limit, limit] stay exactly as they are.",
                () => clipByValue(CloneAll(cases[1].G), cases[1].Limit), () => Reference(1))
            .Case("entries above +limit", "An entry above limit becomes limit; the others stay as they are.",
                () => clipByValue(CloneAll(cases[2].G), cases[2].Limit), () => Reference(2))
            .Case("entries below −limit", "An entry below −limit becomes −limit: clip both sides, and keep the sign.",
                () => clipByValue(CloneAll(cases[3].G), cases[3].Limit), () => Reference(3))
            .Case("three gradients, limit 0.5", "Clip every entry of every matrix, with the limit you are given.",
                () => clipByValue(CloneAll(cases[4].G), cases[4].Limit), () => Reference(4))
            .Mistake("only the upper side is clipped (entries below −limit are left as they are)", c => Map(c, Math.Min))
            .Mistake("the entries were clipped to [0, limit] instead of [−limit, limit]", c => Map(c, (v, l) => Math.Clamp(v, 0, l)))
            .Mistake("the sign was lost (min(|g|, limit))", c => Map(c, (v, l) => Math.Min(Math.Abs(v), l)))
            .Mistake("the limit was ignored (entries clipped to ±1)", c => Map(c, (v, _) => Math.Clamp(v, -1, 1)))
            .Mistake("each matrix was rescaled to norm limit instead of clipped entry by entry", c =>
                cases[c].G.Select(g => g.FrobeniusNorm() > cases[c].Limit ? g * (cases[c].Limit / g.FrobeniusNorm()) : g.Clone()).ToArray())
            .Run();
    }

    /// <summary>
    /// Exercise 3.2: if the global norm ‖g‖ = √(Σ over every gradient of Σ g²) exceeds maxNorm, scale every gradient by
    /// maxNorm/‖g‖; a NaN or ±∞ anywhere must throw an <see cref="ArithmeticException"/> (such as
    /// <see cref="NonFiniteGradientException"/>) instead of returning numbers.
    /// </summary>
    [Reference(typeof(GradientClipping), nameof(GradientClipping.ClipByGlobalNorm))]
    [Exercise("03.clip-by-norm", "Exercise 3.2 — clipping by global norm")]
    public static CheckResult ClipByGlobalNorm(Func<Matrix<double>[], double, Matrix<double>[]> clipByGlobalNorm)
    {
        ArgumentNullException.ThrowIfNull(clipByGlobalNorm);
        var rng = new Random(302);
        Matrix<double> Normal(int rows, int columns, double std) => Init.Normal<double>(rows, columns, std, rng);
        var withNaN = Normal(3, 3, 1.0);
        withNaN[1, 2] = double.NaN;
        // (gradients, maxNorm): shapes; small norm; one matrix; several matrices (one global norm); a NaN.
        (Matrix<double>[] G, double MaxNorm)[] cases =
        [
            ([Normal(3, 2, 2.0), Normal(1, 4, 2.0)], 1.0),
            ([Normal(3, 3, 0.1)], 5.0),
            ([Normal(4, 3, 2.0)], 1.0),
            ([Normal(2, 3, 3.0), Normal(3, 3, 0.2), Normal(3, 1, 1.0)], 2.0),
            ([Normal(2, 2, 1.0), withNaN], 1.0),
        ];
        Matrix<double>[]? Reference(int c)
        {
            var ps = GradientParameters(cases[c].G);
            try
            {
                GradientClipping.ClipByGlobalNorm(ps, cases[c].MaxNorm);
            }
            catch (NonFiniteGradientException)
            {
                return null; // what a correct function does: throw
            }
            return ps.Select(p => p.Grad).ToArray();
        }
        Matrix<double>[]? Student(int c)
        {
            try
            {
                return clipByGlobalNorm(CloneAll(cases[c].G), cases[c].MaxNorm);
            }
            catch (ArithmeticException)
            {
                return null;
            }
        }
        const string ThrewForFinite = "your function threw an ArithmeticException, but every entry here is finite.";
        double Norm(IEnumerable<Matrix<double>> g) => Math.Sqrt(g.Sum(m => m.Enumerate().Sum(v => v * v)));
        Matrix<double>[] Scaled(int c, double scale) => cases[c].G.Select(g => g * scale).ToArray();
        Matrix<double>[] Clip(int c, double norm) => norm > cases[c].MaxNorm ? Scaled(c, cases[c].MaxNorm / norm) : CloneAll(cases[c].G);
        return new ExerciseCheck<Matrix<double>[]?>("03.clip-by-norm", "Exercise 3.2 — clipping by global norm",
                (e, a) => e is null ? null : a is null ? ThrewForFinite : Compare.MatrixLists("the clipped gradients", e, a))
            .Case("shapes (two gradients, 3 × 2 and 1 × 4)", "Return one matrix per gradient, each the shape of the gradient it scales.",
                () => Student(0), () => Reference(0), (e, a) => a is null ? ThrewForFinite : CompareListShapes(e!, a))
            .Case("a norm below maxNorm", "If ‖g‖ ≤ maxNorm the gradients are returned unchanged.", () => Student(1), () => Reference(1))
            .Case("one gradient, norm above maxNorm", "Scale by maxNorm/‖g‖ (‖g‖ = √(Σ g²)): the result has norm maxNorm and the same direction.",
                () => Student(2), () => Reference(2))
            .Case("three gradients: one global norm",
                "‖g‖ is the norm of all the gradients together, √(Σ over every matrix of Σ g²), and every matrix is scaled by the same factor.",
                () => Student(3), () => Reference(3))
            .Case("a gradient that holds NaN",
                "NaN > maxNorm is false, so a NaN passes through without being scaled, and the optimiser would write NaN into every weight. " +
                "Check every entry with double.IsFinite and throw an ArithmeticException (the library throws NonFiniteGradientException, which is one).",
                () => Student(4), () => Reference(4),
                (_, a) => a is null ? null : "your function returned numbers for a gradient that holds NaN instead of throwing.")
            .Mistake("each matrix was scaled by its own norm instead of the global norm", c =>
                cases[c].G.Select(g => g.FrobeniusNorm() > cases[c].MaxNorm ? g * (cases[c].MaxNorm / g.FrobeniusNorm()) : g.Clone()).ToArray())
            .Mistake("the gradients were rescaled to maxNorm even though their norm was smaller", c => Scaled(c, cases[c].MaxNorm / Norm(cases[c].G)))
            .Mistake("the norm was taken without the square root (Σ g² instead of √(Σ g²))", c => Clip(c, Math.Pow(Norm(cases[c].G), 2)))
            .Mistake("the scale is upside down (‖g‖/maxNorm instead of maxNorm/‖g‖)", c =>
                Norm(cases[c].G) > cases[c].MaxNorm ? Scaled(c, Norm(cases[c].G) / cases[c].MaxNorm) : CloneAll(cases[c].G))
            .Mistake("each entry was clamped to ±maxNorm (clipping by value)", c =>
                cases[c].G.Select(g => g.Map(v => Math.Clamp(v, -cases[c].MaxNorm, cases[c].MaxNorm))).ToArray())
            .Run();
    }

    /// <summary>
    /// Exercise 3.3: the IRNN's initial weights (Le, Jaitly and Hinton 2015): Wxh small and random (normal, std 0.001),
    /// Whh = I, bh = 0. Arguments: n_x, n_h and the generator to draw from.
    /// </summary>
    [Reference(typeof(Rnn<>), nameof(Rnn<double>.Irnn))]
    [Reference(typeof(Init), nameof(Init.Identity))]
    [Exercise("03.irnn-init", "Exercise 3.3 — identity initialisation (IRNN)")]
    public static CheckResult IrnnInit(Func<int, int, Random, (Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> bh)> irnnInit)
    {
        ArgumentNullException.ThrowIfNull(irnnInit);
        Matrix<double>[] Student(int nx, int nh, int seed)
        {
            var (wxh, whh, bh) = irnnInit(nx, nh, new Random(seed));
            return [wxh, whh, bh];
        }
        Matrix<double>[] Reference(int nx, int nh, int seed)
        {
            var rnn = Rnn<double>.Irnn(nx, nh, new Random(seed));
            return [rnn.Wxh.Value, rnn.Whh.Value, rnn.Bh.Value];
        }
        string[] names = ["Wxh", "Whh", "bh"];
        return new ExerciseCheck<Matrix<double>[]>("03.irnn-init", "Exercise 3.3 — identity initialisation (IRNN)", (_, _) => null)
            .Case("shapes (n_x = 3, n_h = 5)", "Return (Wxh, Whh, bh) shaped n_h × n_x, n_h × n_h and n_h × 1.",
                () => Student(3, 5, 1), () => Reference(3, 5, 1), (e, a) => CompareNamedShapes(names, e, a))
            .Case("Whh (n_x = 4, n_h = 6)", "Whh = I: 1 on the diagonal, 0 elsewhere (Matrix<double>.Build.DenseIdentity(n_h)).",
                () => Student(4, 6, 2), () => Reference(4, 6, 2), (e, a) => IdentityVerdict(a[1]))
            .Case("bh (n_x = 4, n_h = 6)", "bh = 0.", () => Student(4, 6, 2), () => Reference(4, 6, 2),
                (e, a) => Compare.Matrices("bh", e[2], a[2], 0))
            .Case("Wxh (n_x = 8, n_h = 32)", "Wxh: small random numbers, normal with mean 0 and standard deviation 0.001.",
                () => Student(8, 32, 3), () => Reference(8, 32, 3), (_, a) => SmallRandomVerdict(a[0]))
            .Case("every random number from rng",
                "Draw Wxh from the Random you are given (for example Init.Normal<double>(n_h, n_x, 0.001, rng)), never from a new Random(): the same seed must give the same weights.",
                () => [Student(8, 32, 5)[0], Student(8, 32, 5)[0], Student(8, 32, 6)[0]], () => Reference(8, 32, 5), (_, a) => SeedVerdict(a))
            .Run();
    }

    private static string? IdentityVerdict(Matrix<double> whh)
    {
        int n = whh.RowCount;
        var identity = Matrix<double>.Build.DenseIdentity(n);
        if (Compare.Matrices("Whh", identity, whh, 0) is not { } difference) return null;
        bool offDiagonalZero = Enumerable.Range(0, n).All(i => Enumerable.Range(0, n).All(j => i == j || whh[i, j] == 0));
        double d = whh[0, 0];
        if (whh.Enumerate().All(v => v == 1)) return "Whh is all ones; the identity has ones on the diagonal only.";
        if (offDiagonalZero && Enumerable.Range(0, n).All(i => whh[i, i] == d))
            return $"Whh is {Compare.F(d)}·I; the IRNN starts from exactly I (scale 1), so that the state is copied forward unchanged.";
        if ((whh.TransposeThisAndMultiply(whh) - identity).FrobeniusNorm() < 1e-6)
            return "Whh is orthogonal but not the identity (that is the tanh RNN's initialisation): the IRNN uses I itself.";
        return difference;
    }

    private static string? SmallRandomVerdict(Matrix<double> wxh)
    {
        var values = wxh.Enumerate().ToArray();
        double mean = values.Average(), std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        if (values.All(v => v == 0))
            return "Wxh is all zeros. With ReLU, h⟨0⟩ = 0 and Whh = I every pre-activation is then 0 and ReLU′(0) = 0, so no gradient " +
                   "ever reaches the weights: the network never starts. The IRNN needs small random input weights.";
        if (std == 0) return $"every entry of Wxh is {Compare.F(values[0])}: the entries must be random, or every hidden unit computes the same thing.";
        if (std < 0.0007 || std > 0.0013)
            return $"Wxh has standard deviation {Compare.F(std)}, expected about 0.001 (Le et al. 2015).";
        if (Math.Abs(mean) > 0.0003) return $"Wxh's entries have mean {Compare.F(mean)}; draw them around 0.";
        return null;
    }

    private static string? SeedVerdict(Matrix<double>[] wxh)
    {
        if (!wxh[0].Equals(wxh[1])) return "two calls with new Random(5) gave different Wxh.";
        if (wxh[0].Equals(wxh[2])) return "Wxh came out the same for new Random(5) and new Random(6): it does not come from rng.";
        return null;
    }

    /// <summary>
    /// Exercise 3.4: the RNN with a skip connection through time over a sequence,
    /// h⟨t⟩ = h⟨t−1⟩ + tanh(Wxh·x⟨t⟩ + Whh·h⟨t−1⟩ + bh); returns h⟨1⟩..h⟨T⟩. Arguments: xs, h0, Wxh, Whh, bh.
    /// </summary>
    [Reference(typeof(ResidualRnnCell), nameof(ResidualRnnCell.Forward), nameof(ResidualRnnCell.Unroll))]
    [Reference(typeof(ResidualRnn<>), nameof(ResidualRnn<double>.Forward))]
    [Exercise("03.residual-rnn", "Exercise 3.4 — a skip connection through time")]
    public static CheckResult ResidualRnnForward(
        Func<Matrix<double>[], Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>[]> residualRnnForward)
    {
        ArgumentNullException.ThrowIfNull(residualRnnForward);
        const int m = 2;
        var rng = new Random(304);
        Matrix<double> Normal(int rows, int columns, double std) => Init.Normal<double>(rows, columns, std, rng);
        Matrix<double>[] Steps(int t, int nx) => Enumerable.Range(0, t).Select(_ => Normal(nx, m, 1.0)).ToArray();
        // (xs, h0, Wxh, Whh, bh): shapes; every weight zero (the skip alone); the first step from h0 = 0 (the branch
        // alone); n_x = n_h (the input could be mistaken for the skip); a random sequence.
        (Matrix<double>[] Xs, Matrix<double> H0, Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> Bh)[] cases =
        [
            (Steps(4, 3), Normal(4, m, 0.5), Normal(4, 3, 0.6), Normal(4, 4, 0.6), Normal(4, 1, 0.5)),
            (Steps(3, 3), Normal(4, m, 0.5), Matrix<double>.Build.Dense(4, 3), Matrix<double>.Build.Dense(4, 4), Matrix<double>.Build.Dense(4, 1)),
            (Steps(1, 3), Matrix<double>.Build.Dense(4, m), Normal(4, 3, 0.6), Normal(4, 4, 0.6), Normal(4, 1, 0.5)),
            (Steps(4, 4), Normal(4, m, 0.5), Normal(4, 4, 0.6), Normal(4, 4, 0.6), Normal(4, 1, 0.5)),
            (Steps(6, 3), Normal(4, m, 0.5), Normal(4, 3, 0.6), Normal(4, 4, 0.6), Normal(4, 1, 0.5)),
        ];
        Matrix<double>[] Reference(int c) => ResidualRnnCell.Unroll(cases[c].Xs, cases[c].H0, cases[c].Wxh, cases[c].Whh, cases[c].Bh);
        Matrix<double>[] Student(int c) =>
            residualRnnForward(CloneAll(cases[c].Xs), cases[c].H0.Clone(), cases[c].Wxh.Clone(), cases[c].Whh.Clone(), cases[c].Bh.Clone());
        Matrix<double>[] Loop(int c, Func<Matrix<double>, Matrix<double>, Matrix<double>> step)
        {
            var hs = new Matrix<double>[cases[c].Xs.Length];
            var h = cases[c].H0;
            for (int t = 0; t < hs.Length; t++) hs[t] = h = step(cases[c].Xs[t], h);
            return hs;
        }
        Matrix<double> Pre(int c, Matrix<double> x, Matrix<double> h) => Tensor.AddColumn(cases[c].Wxh * x + cases[c].Whh * h, cases[c].Bh);
        return new ExerciseCheck<Matrix<double>[]>("03.residual-rnn", "Exercise 3.4 — a skip connection through time",
                (e, a) => Compare.MatrixLists("h", e, a))
            .Case("shapes (T = 4 steps, n_x = 3, n_h = 4, m = 2)", "Return one state per step, h[t] of shape n_h × m (T entries; h0 is not returned).",
                () => Student(0), () => Reference(0), (e, a) => a is null ? "h is null." : a.Length != e.Length
                    ? $"h has {a.Length} entries, expected {e.Length} (one per step; h0 is not returned)."
                    : CompareListShapes(e, a))
            .Case("every weight zero: the skip alone",
                "With every weight zero the branch tanh(Wxh·x⟨t⟩ + Whh·h⟨t−1⟩ + bh) is 0, so the skip alone must carry the state: h⟨t⟩ = h⟨t−1⟩ = h0.",
                () => Student(1), () => Reference(1))
            .Case("the first step from h0 = 0: the branch alone",
                "From h⟨0⟩ = 0 the first step is the plain RNN's: h⟨1⟩ = 0 + tanh(Wxh·x⟨1⟩ + bh).",
                () => Student(2), () => Reference(2))
            .Case("n_x = n_h = 4",
                "Add the previous state h⟨t−1⟩, after tanh: h⟨t⟩ = h⟨t−1⟩ + tanh(Wxh·x⟨t⟩ + Whh·h⟨t−1⟩ + bh). The skip goes through time, from step t−1 to step t.",
                () => Student(3), () => Reference(3))
            .Case("a random sequence (T = 6)", "Compare your loop with h⟨t⟩ = h⟨t−1⟩ + tanh(Wxh·x⟨t⟩ + Whh·h⟨t−1⟩ + bh), t = 1..T.",
                () => Student(4), () => Reference(4))
            .Mistake("the skip connection is missing (this is the plain RNN)", c => Loop(c, (x, h) => Pre(c, x, h).Map(Math.Tanh)))
            .Mistake("h⟨t−1⟩ was added inside tanh instead of after it", c => Loop(c, (x, h) => (Pre(c, x, h) + h).Map(Math.Tanh)))
            .Mistake("the input x⟨t⟩ was added instead of h⟨t−1⟩ (a skip across the layer, not through time)", c =>
                Loop(c, (x, h) => x + Pre(c, x, h).Map(Math.Tanh)))
            .Mistake("every step adds h0 instead of the previous state", c => Loop(c, (x, h) => cases[c].H0 + Pre(c, x, h).Map(Math.Tanh)))
            .Mistake("the states are shifted by one step (h0 returned first, the last state missing)", c =>
                new[] { cases[c].H0 }.Concat(Reference(c)).Take(cases[c].Xs.Length).ToArray())
            .Run();
    }

    private static Parameter<double>[] GradientParameters(Matrix<double>[] gradients) =>
        gradients.Select((g, k) =>
        {
            var p = new Parameter<double>($"g{k}", Matrix<double>.Build.Dense(g.RowCount, g.ColumnCount));
            g.CopyTo(p.Grad);
            return p;
        }).ToArray();

    private static string? CompareListShapes(Matrix<double>[] expected, Matrix<double>[]? actual)
    {
        if (actual is null) return "the result is null.";
        if (actual.Length != expected.Length) return $"the result has {actual.Length} matrices, expected {expected.Length}.";
        return expected.Zip(actual).Select((p, k) => ShapeOnly($"matrix {k}", p.First, p.Second)).FirstOrDefault(d => d is not null);
    }
}
