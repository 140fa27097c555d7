using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels.Exercises;

/// <summary>
/// The checkers of every exercise, one method per exercise, grouped in one file per notebook. A check cell calls one
/// with the student's function, for example <c>Check.OneHot(OneHot)</c>, and the notebook shows the verdict.
/// </summary>
public static partial class Check
{
    /// <summary>Exercise 1.1: one-hot encoding of word indices (V × T, column t = e_{indices[t]}).</summary>
    [Reference(typeof(SequenceModels.OneHot), nameof(SequenceModels.OneHot.Encode))]
    [Exercise("01.one-hot", "Exercise 1.1 — one-hot encoding")]
    public static CheckResult OneHot(Func<int[], int, Matrix<double>> oneHot)
    {
        ArgumentNullException.ThrowIfNull(oneHot);
        var random = new Random(101).Next(0, 1000);
        int[][] inputs = [[2, 0, 3], [1], [4, 4, 0, 4], [0, 9], Enumerable.Range(0, 12).Select(i => (i * 7 + random) % 10).ToArray()];
        int[] sizes = [5, 4, 5, 10, 10];
        Matrix<double> Reference(int c) => SequenceModels.OneHot.Encode<double>(inputs[c], sizes[c]);
        Matrix<double> Student(int c) => oneHot((int[])inputs[c].Clone(), sizes[c]);
        return new ExerciseCheck<Matrix<double>>("01.one-hot", "Exercise 1.1 — one-hot encoding",
                (e, a) => Compare.Matrices("the one-hot matrix", e, a))
            .Case("shape: 3 indices, vocabulary of 5", "The result has one row per vocabulary word and one column per index: V × T.",
                () => Student(0), () => Reference(0), (e, a) => ShapeOnly("the one-hot matrix", e, a))
            .Case("one index", "Column t must be all zeros except a 1 in row indices[t].", () => Student(1), () => Reference(1))
            .Case("a repeated index", "Each column gets exactly one 1, even when an index repeats.", () => Student(2), () => Reference(2))
            .Case("the first and last word", "Index 0 is the first row and index V−1 the last: no off-by-one.", () => Student(3), () => Reference(3))
            .Case("a longer sequence", "Compare your matrix with the definition column by column.", () => Student(4), () => Reference(4))
            .Mistake("the matrix is transposed (T × V instead of V × T)", c => Reference(c).Transpose())
            .Mistake("the indices are shifted by one (row indices[t] + 1)", c =>
                SequenceModels.OneHot.Encode<double>(inputs[c].Select(i => (i + 1) % sizes[c]).ToArray(), sizes[c]))
            .Run();
    }

    /// <summary>Exercise 1.2: one RNN step, h⟨t⟩ = tanh(Wxh·x⟨t⟩ + Whh·h⟨t−1⟩ + bh).</summary>
    [Reference(typeof(RnnCell), nameof(RnnCell.Forward), nameof(RnnCell.Unroll))]
    [Reference(typeof(Rnn<>), nameof(Rnn<double>.Forward))]
    [Exercise("01.rnn-cell-forward", "Exercise 1.2 — the RNN cell forward")]
    public static CheckResult RnnCellForward(
        Func<Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>> rnnCellForward)
    {
        ArgumentNullException.ThrowIfNull(rnnCellForward);
        const int nx = 3, nh = 4, m = 2;
        var rng = new Random(102);
        var (wxh, whh, bh) = (Init.Normal<double>(nh, nx, 0.7, rng), Init.Normal<double>(nh, nh, 0.7, rng), Init.Normal<double>(nh, 1, 0.7, rng));
        var x = Init.Normal<double>(nx, m, 1.0, rng);
        var h = Init.Normal<double>(nh, m, 1.0, rng);
        var zx = Matrix<double>.Build.Dense(nx, m);
        var zh = Matrix<double>.Build.Dense(nh, m);
        var zb = Matrix<double>.Build.Dense(nh, 1);
        // (x, hPrev, bh) per case: shapes, bias only, input term only, recurrent term only, everything.
        (Matrix<double> X, Matrix<double> H, Matrix<double> B)[] cases = [(x, h, bh), (zx, zh, bh), (x, zh, zb), (zx, h, zb), (x, h, bh)];
        Matrix<double> Reference(int c) => RnnCell.Forward(cases[c].X, cases[c].H, wxh, whh, cases[c].B);
        Matrix<double> Student(int c) => rnnCellForward(cases[c].X.Clone(), cases[c].H.Clone(), wxh.Clone(), whh.Clone(), cases[c].B.Clone());
        Matrix<double> Pre(int c, bool bias = true, bool input = true, bool recurrent = true)
        {
            var z = Matrix<double>.Build.Dense(nh, m);
            if (input) z += wxh * cases[c].X;
            if (recurrent) z += whh * cases[c].H;
            return bias ? Tensor.AddColumn(z, cases[c].B) : z;
        }
        return new ExerciseCheck<Matrix<double>>("01.rnn-cell-forward", "Exercise 1.2 — the RNN cell forward",
                (e, a) => Compare.Matrices("h⟨t⟩", e, a))
            .Case("shapes (n_x = 3, n_h = 4, m = 2)", "h⟨t⟩ has the shape of h⟨t−1⟩: n_h × m, one column per example.",
                () => Student(0), () => Reference(0), (e, a) => ShapeOnly("h⟨t⟩", e, a))
            .Case("bias only (x⟨t⟩ = 0, h⟨t−1⟩ = 0)", "With both inputs zero only the bias term is left: every column should be tanh(bh). Check how you add bh.",
                () => Student(1), () => Reference(1))
            .Case("input term only (h⟨t−1⟩ = 0, bh = 0)", "Only Wxh·x⟨t⟩ is left: check the input term (Wxh times x⟨t⟩, in that order).",
                () => Student(2), () => Reference(2))
            .Case("recurrent term only (x⟨t⟩ = 0, bh = 0)", "Only Whh·h⟨t−1⟩ is left: check the recurrent term (Whh times h⟨t−1⟩).",
                () => Student(3), () => Reference(3))
            .Case("all terms", "Each term is right on its own, so check how they are combined: tanh of the sum of all three.",
                () => Student(4), () => Reference(4))
            .Mistake("tanh was not applied (the output is the pre-activation)", c => Pre(c))
            .Mistake("sigmoid was used instead of tanh", c => Activations.Apply(Activation.Sigmoid, Pre(c)))
            .Mistake("ReLU was used instead of tanh", c => Activations.Apply(Activation.Relu, Pre(c)))
            .Mistake("the bias bh is missing", c => Activations.Apply(Activation.Tanh, Pre(c, bias: false)))
            .Mistake("the recurrent term Whh·h⟨t−1⟩ is missing", c => Activations.Apply(Activation.Tanh, Pre(c, recurrent: false)))
            .Mistake("the input term Wxh·x⟨t⟩ is missing", c => Activations.Apply(Activation.Tanh, Pre(c, input: false)))
            .Run();
    }

    /// <summary>Exercise 1.3: the RNN over a whole sequence, the same weights at every step.</summary>
    [Reference(typeof(RnnCell), nameof(RnnCell.Unroll))]
    [Reference(typeof(Rnn<>), nameof(Rnn<double>.Forward))]
    [Exercise("01.rnn-forward", "Exercise 1.3 — the RNN forward over a sequence")]
    public static CheckResult RnnForward(
        Func<Matrix<double>[], Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>[]> rnnForward)
    {
        ArgumentNullException.ThrowIfNull(rnnForward);
        const int nx = 3, nh = 4, m = 2;
        var rng = new Random(103);
        var (wxh, whh, bh) = (Init.Normal<double>(nh, nx, 0.6, rng), Init.Normal<double>(nh, nh, 0.6, rng), Init.Normal<double>(nh, 1, 0.6, rng));
        Matrix<double>[] Steps(int t) => Enumerable.Range(0, t).Select(_ => Init.Normal<double>(nx, m, 1.0, rng)).ToArray();
        var zeros = Matrix<double>.Build.Dense(nh, m);
        // (xs, h0) per case: shapes, one step, zero inputs (only the bias and the carried state), everything.
        (Matrix<double>[] Xs, Matrix<double> H0)[] cases =
        [
            (Steps(5), zeros), (Steps(1), Init.Normal<double>(nh, m, 1.0, rng)),
            (Enumerable.Range(0, 4).Select(_ => Matrix<double>.Build.Dense(nx, m)).ToArray(), zeros),
            (Steps(6), Init.Normal<double>(nh, m, 1.0, rng)),
        ];
        Matrix<double>[] Reference(int c) => RnnCell.Unroll(cases[c].Xs, cases[c].H0, wxh, whh, bh);
        Matrix<double>[] Student(int c) =>
            rnnForward(cases[c].Xs.Select(x => x.Clone()).ToArray(), cases[c].H0.Clone(), wxh.Clone(), whh.Clone(), bh.Clone());
        return new ExerciseCheck<Matrix<double>[]>("01.rnn-forward", "Exercise 1.3 — the RNN forward over a sequence",
                (e, a) => Compare.MatrixLists("h", e, a))
            .Case("shapes (T = 5 steps of n_x = 3, m = 2)", "Return one hidden state per time step, h[t] of shape n_h × m (T entries in all, not counting h0).",
                () => Student(0), () => Reference(0), (e, a) => a is null ? "h is null." : a.Length != e.Length
                    ? $"h has {a.Length} entries, expected {e.Length} (one per step; h0 is not returned)."
                    : e.Zip(a).Select((p, t) => ShapeOnly($"h[{t}]", p.First, p.Second)).FirstOrDefault(d => d is not null))
            .Case("one step from a given h0", "With T = 1 the result is one call of the cell: pass h0 as h⟨t−1⟩.",
                () => Student(1), () => Reference(1))
            .Case("zero inputs: the state is carried", "With every x⟨t⟩ = 0 the states change only through bh and Whh·h⟨t−1⟩: feed each step the state of the step before.",
                () => Student(2), () => Reference(2))
            .Case("a random sequence", "Compare your loop with h⟨t⟩ = tanh(Wxh·x⟨t⟩ + Whh·h⟨t−1⟩ + bh), t = 1..T.",
                () => Student(3), () => Reference(3))
            .Mistake("every step starts from h0 instead of the previous state", c =>
                cases[c].Xs.Select(x => RnnCell.Forward(x, cases[c].H0, wxh, whh, bh)).ToArray())
            .Mistake("the states are shifted by one step (h0 returned first, the last state missing)", c =>
                new[] { cases[c].H0 }.Concat(Reference(c)).Take(cases[c].Xs.Length).ToArray())
            .Run();
    }

    private static string? ShapeOnly(string name, Matrix<double>? expected, Matrix<double>? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (actual is null) return $"{name} is null, expected a {Shape.Of(expected)} matrix.";
        return actual.RowCount == expected.RowCount && actual.ColumnCount == expected.ColumnCount
            ? null
            : Compare.Matrices(name, expected, actual);
    }
}
