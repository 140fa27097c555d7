using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels.Exercises;

public static partial class Check
{
    /// <summary>
    /// Exercise 7.1: the bidirectional RNN from two unidirectional runs, a⟨t⟩ = [→a⟨t⟩; ←a⟨t⟩], where the backward
    /// run reads each sequence from its own last real step (per length, not from the padding). Checked against
    /// <see cref="Bidirectional{T}"/> over two <see cref="Rnn{T}"/> layers, at the real positions only.
    /// </summary>
    [Reference(typeof(Bidirectional<>), nameof(Bidirectional<double>.Forward))]
    [Exercise("07.bidirectional-forward", "Exercise 7.1 — the bidirectional RNN forward")]
    public static CheckResult BidirectionalForward(
        Func<Matrix<double>[], int[], (Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> Bh),
            (Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> Bh), Matrix<double>[]> bidirectionalForward)
    {
        ArgumentNullException.ThrowIfNull(bidirectionalForward);
        const string id = "07.bidirectional-forward", title = "Exercise 7.1 — the bidirectional RNN forward";
        const int nx = 3, nh = 4;
        var rng = new Random(701);
        var fwd = RandomRnnWeights(nx, nh, rng);
        var bwd = RandomRnnWeights(nx, nh, rng);
        var zero = new RnnWeights(Zeros(nh, nx), Zeros(nh, nh), Zeros(nh, 1));
        // (lengths, forward weights, backward weights) per case: shapes, forward half alone, backward half alone,
        // backward half alone over a padded batch, everything over a padded batch.
        (int[] Lengths, RnnWeights F, RnnWeights B)[] cases =
        [
            ([4, 4], fwd, bwd), ([5, 5], fwd, zero), ([5, 5], zero, bwd), ([5, 3, 1], zero, bwd), ([6, 4, 2], fwd, bwd),
        ];
        var inputs = cases.Select(c => PaddedSteps(nx, c.Lengths, rng)).ToArray();

        Matrix<double>[] Reference(int c)
        {
            var layer = new Bidirectional<double>(RnnWith(cases[c].F, reverse: false), RnnWith(cases[c].B, reverse: true));
            var (output, _) = layer.Forward(SequenceBatch<double>.FromSteps(inputs[c], cases[c].Lengths));
            return Enumerable.Range(0, output.Steps).Select(output.Step).ToArray();
        }
        var calls = new StudentCalls(title, "BidirectionalForward");
        Matrix<double>[] Student(int c)
        {
            var result = calls.Call(() => bidirectionalForward(inputs[c].Select(x => x.Clone()).ToArray(), (int[])cases[c].Lengths.Clone(),
                Copy(cases[c].F), Copy(cases[c].B)));
            return MaskPadding(result, cases[c].Lengths, 2 * nh);
        }
        // Wrong answers, computed on the same inputs.
        Matrix<double>[] Forward(int c) => Unidirectional(inputs[c], cases[c].F);
        Matrix<double>[] Backward(int c, RnnWeights w) =>
            ReverseEach(Unidirectional(ReverseEach(inputs[c], cases[c].Lengths), w), cases[c].Lengths);
        Matrix<double>[] Both(int c, Matrix<double>[] top, Matrix<double>[] bottom) =>
            MaskPadding(top.Zip(bottom, (f, b) => f.Stack(b)).ToArray(), cases[c].Lengths, 2 * nh);
        int[] Full(int c) => cases[c].Lengths.Select(_ => inputs[c].Length).ToArray();

        return calls.Verdict(new ExerciseCheck<Matrix<double>[]>(id, title, (e, a) => CompareHalves(e, a, nh))
            .Case("shapes (T = 4 steps of n_x = 3, m = 2, n_h = 4 per direction)",
                "Return one matrix per step, a[t] = [→a⟨t⟩; ←a⟨t⟩]: the forward state on top of the backward one, 2n_h × m.",
                () => Student(0), () => Reference(0), (e, a) => ListShapes("a", e, a))
            .Case("forward half alone (the backward weights are zero)",
                "With zero backward weights ←a⟨t⟩ = tanh(0) = 0, so only the top half →a⟨t⟩ is left: it is the plain RNN of notebook 01 from a zero state, in rows 0..n_h−1.",
                () => Student(1), () => Reference(1))
            .Case("backward half alone (the forward weights are zero)",
                "Only ←a⟨t⟩ is left (rows n_h..2n_h−1): run the backward weights over the reversed sequence, then reverse the states back, so that ←a⟨t⟩ sits at step t and summarises x⟨t⟩..x⟨T⟩.",
                () => Student(2), () => Reference(2))
            .Case("backward half alone over a padded batch (lengths 5, 3, 1)",
                "Sequence b has only lengths[b] real steps: reverse each sequence within its own length, so the backward run starts at its last real step, not at the padding after it.",
                () => Student(3), () => Reference(3))
            .Case("both halves over a padded batch (lengths 6, 4, 2)",
                "Each half is right on its own: check how they are combined, [→a⟨t⟩; ←a⟨t⟩] at every real step.",
                () => Student(4), () => Reference(4))
            .Mistake("the halves are in the wrong order ([←a; →a] instead of [→a; ←a])", c => Both(c, Backward(c, cases[c].B), Forward(c)))
            .Mistake("the backward run's states were not reversed back (←a of step t is stored at step lengths[b]−1−t)",
                c => Both(c, Forward(c), Unidirectional(ReverseEach(inputs[c], cases[c].Lengths), cases[c].B)))
            .Mistake("the backward weights read the sequence forwards (nothing was reversed)", c => Both(c, Forward(c), Unidirectional(inputs[c], cases[c].B)))
            .Mistake("each sequence was reversed over the whole padded length T instead of its own length (the backward run starts at the padding)",
                c => Both(c, Forward(c), ReverseEach(Unidirectional(ReverseEach(inputs[c], Full(c)), cases[c].B), Full(c))))
            .Mistake("the backward run used the forward weights", c => Both(c, Forward(c), Backward(c, cases[c].F)))
            .Run());
    }

    /// <summary>
    /// Exercise 7.2: a deep (stacked) RNN, a[l]⟨t⟩ = tanh(Wxh[l]·a[l−1]⟨t⟩ + Whh[l]·a[l]⟨t−1⟩ + bh[l]) with a[0] = x,
    /// returning the top layer's states. Checked against <see cref="StackedRecurrent{T}"/> over <see cref="Rnn{T}"/> layers.
    /// </summary>
    [Reference(typeof(StackedRecurrent<>), nameof(StackedRecurrent<double>.Forward))]
    [Exercise("07.deep-rnn-forward", "Exercise 7.2 — the deep RNN forward")]
    public static CheckResult DeepRnnForward(
        Func<Matrix<double>[], (Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> Bh)[], Matrix<double>[]> deepRnnForward)
    {
        ArgumentNullException.ThrowIfNull(deepRnnForward);
        const string id = "07.deep-rnn-forward", title = "Exercise 7.2 — the deep RNN forward";
        var rng = new Random(702);
        RnnWeights[] Stack(int nx, params int[] sizes) =>
            sizes.Select((nh, l) => RandomRnnWeights(l == 0 ? nx : sizes[l - 1], nh, rng)).ToArray();
        var noRecurrence = Stack(3, 4, 4);
        noRecurrence[1] = noRecurrence[1] with { Whh = Zeros(4, 4) };
        // (layers, T, m) per case: shapes, one layer, layer 2 without its recurrent term, two layers, three of different sizes.
        (RnnWeights[] Layers, int T, int M)[] cases =
        [
            (Stack(3, 4, 4), 5, 2), (Stack(3, 4), 4, 2), (noRecurrence, 5, 2), (Stack(3, 4, 4), 6, 3), (Stack(3, 5, 4, 4), 6, 2),
        ];
        var inputs = cases.Select(c => PaddedSteps(3, Enumerable.Repeat(c.T, c.M).ToArray(), rng)).ToArray();

        Matrix<double>[] Reference(int c)
        {
            var layer = new StackedRecurrent<double>(cases[c].Layers.Select(w => (IRecurrentLayer<double>)RnnWith(w, reverse: false)).ToArray());
            var (output, _) = layer.Forward(SequenceBatch<double>.FromSteps(inputs[c]));
            return Enumerable.Range(0, output.Steps).Select(output.Step).ToArray();
        }
        var calls = new StudentCalls(title, "DeepRnnForward");
        Matrix<double>[] Student(int c) =>
            calls.Call(() => deepRnnForward(inputs[c].Select(x => x.Clone()).ToArray(), cases[c].Layers.Select(Copy).ToArray()));
        // Wrong answers, computed on the same inputs: layer l sees Below(l − 1's states) and carries its own state or not.
        Matrix<double>[] Variant(int c, Func<Matrix<double>[], Matrix<double>[]> below, bool carry = true, bool residual = false, int? stopAfter = null)
        {
            var a = inputs[c];
            var layers = cases[c].Layers;
            for (int l = 0; l < (stopAfter ?? layers.Length); l++)
            {
                var input = l == 0 ? a : below(a);
                var zeros = Zeros(layers[l].Whh.RowCount, a[0].ColumnCount);
                var states = new Matrix<double>[input.Length];
                var h = zeros;
                for (int t = 0; t < input.Length; t++)
                    states[t] = h = RnnCell.Forward(input[t], carry || l == 0 ? h : zeros, layers[l].Wxh, layers[l].Whh, layers[l].Bh);
                a = residual && l > 0 ? states.Zip(a, (s, x) => s + x).ToArray() : states;
            }
            return a;
        }
        static Matrix<double>[] Same(Matrix<double>[] a) => a;
        static Matrix<double>[] Delayed(Matrix<double>[] a) =>
            a.Select((_, t) => t == 0 ? Zeros(a[0].RowCount, a[0].ColumnCount) : a[t - 1]).ToArray();

        return calls.Verdict(new ExerciseCheck<Matrix<double>[]>(id, title, (e, a) => Compare.MatrixLists("a[L]", e, a))
            .Case("shapes (2 layers, T = 5 steps of n_x = 3, n_h = 4, m = 2)",
                "Return the top layer's states, one n_h × m matrix per step. Layer 1 reads x (n_x rows); every layer above reads the states of the layer below it (n_h rows), not x.",
                () => Student(0), () => Reference(0), (e, a) => ListShapes("a[L]", e, a))
            .Case("one layer", "With a single layer the deep RNN is the RNN of notebook 01: a[1]⟨t⟩ = tanh(Wxh·x⟨t⟩ + Whh·a[1]⟨t−1⟩ + bh) from a zero state.",
                () => Student(1), () => Reference(1))
            .Case("two layers, the second without its recurrent term (Whh[2] = 0)",
                "Now a[2]⟨t⟩ = tanh(Wxh[2]·a[1]⟨t⟩ + bh[2]): layer 2 reads layer 1's state at the same step t, and returns its own states.",
                () => Student(2), () => Reference(2))
            .Case("two layers", "Layer 2 is a full RNN of its own: it carries its own state a[2]⟨t−1⟩ from step to step, starting from zeros.",
                () => Student(3), () => Reference(3))
            .Case("three layers of different sizes (n_h = 5, 4, 4)", "Loop over all the layers, each with its own weights, each reading the whole sequence of states of the one below.",
                () => Student(4), () => Reference(4))
            .Mistake("the states of layer 1 were returned, not those of the top layer", c => Variant(c, Same, stopAfter: 1))
            .Mistake("layer l reads the state of the step before, a[l−1]⟨t−1⟩, instead of a[l−1]⟨t⟩", c => Variant(c, Delayed))
            .Mistake("the upper layers do not carry their state from step to step (each step starts from zeros)", c => Variant(c, Same, carry: false))
            .Mistake("a residual connection was added (a[l] + a[l−1]); this deep RNN has none", c => Variant(c, Same, residual: true))
            .Run());
    }

    private static RnnWeights RandomRnnWeights(int nx, int nh, Random rng) =>
        new(Init.Normal<double>(nh, nx, 0.6, rng), Init.Normal<double>(nh, nh, 0.6, rng), Init.Normal<double>(nh, 1, 0.6, rng));

    private static Matrix<double> Zeros(int rows, int columns) => Matrix<double>.Build.Dense(rows, columns);

    private static (Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> Bh) Copy(RnnWeights w) => (w.Wxh.Clone(), w.Whh.Clone(), w.Bh.Clone());

    private static Rnn<double> RnnWith(RnnWeights w, bool reverse)
    {
        var rnn = new Rnn<double>(w.Wxh.ColumnCount, w.Whh.RowCount, new Random(0), reverse: reverse);
        w.Wxh.CopyTo(rnn.Wxh.Value);
        w.Whh.CopyTo(rnn.Whh.Value);
        w.Bh.CopyTo(rnn.Bh.Value);
        return rnn;
    }

    /// <summary>Random steps x⟨t⟩ (n_x × m), zero where t ≥ lengths[b], as an embedding gives for padding.</summary>
    private static Matrix<double>[] PaddedSteps(int nx, int[] lengths, Random rng) =>
        Enumerable.Range(0, lengths.Max()).Select(t =>
        {
            var x = Init.Normal<double>(nx, lengths.Length, 1.0, rng);
            for (int b = 0; b < lengths.Length; b++)
                if (t >= lengths[b]) x.ClearColumn(b);
            return x;
        }).ToArray();

    private static Matrix<double>[] Unidirectional(Matrix<double>[] xs, RnnWeights w) =>
        RnnCell.Unroll(xs, Zeros(w.Whh.RowCount, xs[0].ColumnCount), w.Wxh, w.Whh, w.Bh);

    /// <summary>Each sequence b reversed within its first lengths[b] steps; zeros after.</summary>
    private static Matrix<double>[] ReverseEach(Matrix<double>[] steps, int[] lengths)
    {
        var reversed = steps.Select(s => Zeros(s.RowCount, s.ColumnCount)).ToArray();
        for (int b = 0; b < lengths.Length; b++)
            for (int t = 0; t < lengths[b]; t++)
                reversed[t].SetColumn(b, steps[lengths[b] - 1 - t].Column(b));
        return reversed;
    }

    /// <summary>The student's steps with the padded positions cleared, when the shapes are right (padding is not checked).</summary>
    private static Matrix<double>[] MaskPadding(Matrix<double>[]? steps, int[] lengths, int rows)
    {
        if (steps is null || steps.Length != lengths.Max() || steps.Any(s => s is null || s.RowCount != rows || s.ColumnCount != lengths.Length))
            return steps!;
        var masked = steps.Select(s => s.Clone()).ToArray();
        for (int t = 0; t < masked.Length; t++)
            for (int b = 0; b < lengths.Length; b++)
                if (t >= lengths[b]) masked[t].ClearColumn(b);
        return masked;
    }

    /// <summary>Compares step by step, the forward half of each step first, then the backward half, naming the half.</summary>
    private static string? CompareHalves(Matrix<double>[] expected, Matrix<double>[]? actual, int nh)
    {
        if (ListShapes("a", expected, actual) is { } shape) return shape;
        for (int t = 0; t < expected.Length; t++)
        {
            var m = expected[t].ColumnCount;
            if (Compare.Matrices($"→a⟨{t}⟩ (rows 0..{nh - 1} of a[{t}])", expected[t].SubMatrix(0, nh, 0, m), actual![t].SubMatrix(0, nh, 0, m)) is { } top)
                return top;
        }
        for (int t = 0; t < expected.Length; t++)
        {
            var m = expected[t].ColumnCount;
            if (Compare.Matrices($"←a⟨{t}⟩ (rows {nh}..{2 * nh - 1} of a[{t}])", expected[t].SubMatrix(nh, nh, 0, m), actual![t].SubMatrix(nh, nh, 0, m)) is { } bottom)
                return bottom;
        }
        return null;
    }
}

/// <summary>The weights of one RNN layer as the checkers of notebook 07 pass them around.</summary>
internal sealed record RnnWeights(Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> Bh);
