using SequenceModels.Taggers;
using SequenceModels.Text;

namespace SequenceModels.Exercises;

// Inside the namespace, so MathNet's Vector<T> wins over System.Numerics.Vector<T> from GlobalUsings.cs.
using MathNet.Numerics.LinearAlgebra;

// Notebook 09: the hidden Markov model tagger. Tags and words are indices (tag i is row i of A and B, word w is
// column w of B); probabilities go in, and the Viterbi steps must take their logarithms.
public static partial class Check
{
    /// <summary>
    /// Exercise 9.1: the transition matrix from tag sequences, A[i, j] = (C(i, j) + α) / (C(i) + α·N), where C(i, j)
    /// counts tag j right after tag i inside a sentence and C(i) is the total of row i (N × N).
    /// </summary>
    [Reference(typeof(HiddenMarkovModel), nameof(HiddenMarkovModel.Smooth), nameof(HiddenMarkovModel.Train))]
    [Exercise("09.transition-matrix", "Exercise 9.1 — the transition matrix")]
    public static CheckResult TransitionMatrix(Func<int[][], int, double, Matrix<double>> transitionMatrix)
    {
        ArgumentNullException.ThrowIfNull(transitionMatrix);
        var rng = new Random(901);
        (int[][] Tags, int N, double Alpha)[] cases =
        [
            (RandomTagSequences(rng, 3, 4), 3, 0.1),
            ([[0, 1, 2, 0, 1, 1, 2]], 3, 0.0),
            ([[0, 1, 2], [1, 0, 2, 2]], 3, 0.0),
            ([[0, 1, 2, 0], [2, 2, 1, 0]], 3, 1.0),
            ([[0, 1, 3], [1, 2, 0, 1, 3], [2, 3]], 4, 0.5),
            (RandomTagSequences(rng, 5, 25), 5, 0.01),
        ];
        Matrix<double> Counts(int c) => TransitionCounts(cases[c].Tags, cases[c].N);
        Matrix<double> Reference(int c) => HiddenMarkovModel.Smooth(Counts(c), cases[c].Alpha);
        var calls = new StudentCalls("Exercise 9.1 — the transition matrix", "TransitionMatrix");
        Matrix<double> Student(int c) => calls.Call(() => transitionMatrix(cases[c].Tags.Select(s => (int[])s.Clone()).ToArray(), cases[c].N, cases[c].Alpha));
        string? Rows(Matrix<double> e, Matrix<double> a) => ProbabilityRows("A", e, a, "P(next tag | tag i), a distribution over the N next tags");
        return calls.Verdict(new ExerciseCheck<Matrix<double>>("09.transition-matrix", "Exercise 9.1 — the transition matrix",
                (e, a) => Compare.Matrices("A", e, a))
            .Case("shape (N = 3 tags, 4 sentences)", "A has one row and one column per tag: N × N.",
                () => Student(0), () => Reference(0), (e, a) => ShapeOnly("A", e, a))
            .Case("counting (one sentence, α = 0)", "With α = 0, A[i, j] = C(i, j) / C(i): count how often tag j comes right after tag i, then divide each row by its total.",
                () => Student(1), () => Reference(1), Rows)
            .Case("two sentences (α = 0)", "Count transitions inside each sentence only: the last tag of one sentence is not followed by the first tag of the next.",
                () => Student(2), () => Reference(2), Rows)
            .Case("smoothing (α = 1)", "Add α to every count, also the zeros, and divide row i by C(i) + α·N (N = the number of tags), so that no transition has probability 0 and each row still sums to 1.",
                () => Student(3), () => Reference(3), Rows)
            .Case("a tag never followed by another (α = 0.5)", "Tag 3 only ends sentences, so row 3 has no counts: smoothing makes it uniform, (0 + α) / (0 + α·N). A NaN means 0 / 0.",
                () => Student(4), () => Reference(4), Rows)
            .Case("a random corpus (N = 5, 25 sentences, α = 0.01)", "Compare with A[i, j] = (C(i, j) + α) / (C(i) + α·N), row by row.",
                () => Student(5), () => Reference(5), Rows)
            .Mistake("α was not used: without smoothing an unseen transition has probability 0", c => Normalise(Counts(c), 0, 0))
            .Mistake("the denominator is C(i) + α instead of C(i) + α·N", c => Normalise(Counts(c), cases[c].Alpha, cases[c].Alpha))
            .Mistake("the rows were not normalised: A holds counts + α, not probabilities", c => Counts(c).Add(cases[c].Alpha))
            .Mistake("A is transposed: A[i, j] is P(tag j | previous tag i), so row i counts what follows tag i",
                c => Reference(c).Transpose())
            .Mistake("the counts are transposed: C(i, j) counts tag j right after tag i, so count into [previous, next]",
                c => HiddenMarkovModel.Smooth(Counts(c).Transpose(), cases[c].Alpha))
            .Mistake("the columns were normalised instead of the rows (P(previous tag | next tag))",
                c => HiddenMarkovModel.Smooth(Counts(c).Transpose(), cases[c].Alpha).Transpose())
            .Mistake("the transition from the last tag of a sentence to the first tag of the next was counted",
                c => HiddenMarkovModel.Smooth(TransitionCounts([[.. cases[c].Tags.SelectMany(s => s)]], cases[c].N), cases[c].Alpha))
            .Mistake("the matrix was divided by the grand total of all counts, not row by row",
                c => Counts(c).Add(cases[c].Alpha) / (Counts(c).Enumerate().Sum() + cases[c].Alpha * cases[c].N * cases[c].N))
            .Run());
    }

    /// <summary>
    /// Exercise 9.2: the emission matrix from tag and word sequences, B[i, w] = (C(i, w) + α) / (C(i) + α·V), where
    /// C(i, w) counts word w tagged i and C(i) is the total of row i (N × V).
    /// </summary>
    [Reference(typeof(HiddenMarkovModel), nameof(HiddenMarkovModel.Smooth), nameof(HiddenMarkovModel.Train))]
    [Exercise("09.emission-matrix", "Exercise 9.2 — the emission matrix")]
    public static CheckResult EmissionMatrix(Func<int[][], int[][], int, int, double, Matrix<double>> emissionMatrix)
    {
        ArgumentNullException.ThrowIfNull(emissionMatrix);
        var rng = new Random(902);
        (int[][] Tags, int[][] Words, int N, int V, double Alpha)[] cases =
        [
            (RandomTagSequences(rng, 3, 3), [], 3, 6, 0.1),
            ([[0, 1, 2, 0, 1]], [[0, 1, 2, 3, 1]], 3, 4, 0.0),
            ([[0, 1, 2], [2, 0, 1, 1]], [[4, 0, 2], [2, 4, 3, 0]], 3, 5, 1.0),
            (RandomTagSequences(rng, 4, 12), [], 4, 15, 0.01),
        ];
        // Words for the random cases: each tag prefers some words, and the last word of the vocabulary never occurs.
        foreach (int c in new[] { 0, 3 })
            cases[c].Words = cases[c].Tags.Select(s => s.Select(t => (t * 3 + rng.Next(4)) % (cases[c].V - 1)).ToArray()).ToArray();
        Matrix<double> Counts(int c) => EmissionCounts(cases[c].Tags, cases[c].Words, cases[c].N, cases[c].V);
        Matrix<double> Reference(int c) => HiddenMarkovModel.Smooth(Counts(c), cases[c].Alpha);
        var calls = new StudentCalls("Exercise 9.2 — the emission matrix", "EmissionMatrix");
        Matrix<double> Student(int c) => calls.Call(() => emissionMatrix(cases[c].Tags.Select(s => (int[])s.Clone()).ToArray(),
            cases[c].Words.Select(s => (int[])s.Clone()).ToArray(), cases[c].N, cases[c].V, cases[c].Alpha));
        string? Rows(Matrix<double> e, Matrix<double> a) => ProbabilityRows("B", e, a, "P(word | tag i), a distribution over the V words");
        return calls.Verdict(new ExerciseCheck<Matrix<double>>("09.emission-matrix", "Exercise 9.2 — the emission matrix",
                (e, a) => Compare.Matrices("B", e, a))
            .Case("shape (N = 3 tags, V = 6 words)", "B has one row per tag and one column per word of the vocabulary: N × V.",
                () => Student(0), () => Reference(0), (e, a) => ShapeOnly("B", e, a))
            .Case("counting (one sentence, α = 0)", "With α = 0, B[i, w] = C(i, w) / C(i): count how often word w has tag i, then divide each row by the number of words with tag i.",
                () => Student(1), () => Reference(1), Rows)
            .Case("smoothing (two sentences, α = 1)", "Add α to every count, also the zeros, and divide row i by C(i) + α·V (V = the number of words), so that every row still sums to 1.",
                () => Student(2), () => Reference(2), Rows)
            .Case("a random corpus (N = 4, V = 15, one word never seen, α = 0.01)", "Compare with B[i, w] = (C(i, w) + α) / (C(i) + α·V), row by row.",
                () => Student(3), () => Reference(3), Rows)
            .Mistake("α was not used: without smoothing a word never seen with a tag has probability 0", c => Normalise(Counts(c), 0, 0))
            .Mistake("the denominator adds α·N (N tags) instead of α·V (V words)", c => Normalise(Counts(c), cases[c].Alpha, cases[c].Alpha * cases[c].N))
            .Mistake("the denominator is C(i) + α instead of C(i) + α·V", c => Normalise(Counts(c), cases[c].Alpha, cases[c].Alpha))
            .Mistake("the rows were not normalised: B holds counts + α, not probabilities", c => Counts(c).Add(cases[c].Alpha))
            .Mistake("the columns were normalised: that is P(tag | word), but B[i, w] is P(word w | tag i)",
                c => HiddenMarkovModel.Smooth(Counts(c).Transpose(), cases[c].Alpha).Transpose())
            .Run());
    }

    /// <summary>
    /// Exercise 9.3: Viterbi initialisation, the N × T scores with column 0 = log π_j + log B[j, words[0]]. Only the
    /// shape and column 0 are checked (the forward pass fills the other columns).
    /// </summary>
    [Reference(typeof(Viterbi), nameof(Viterbi.Initialize))]
    [Exercise("09.viterbi-initialize", "Exercise 9.3 — Viterbi initialisation")]
    public static CheckResult ViterbiInitialize(Func<Vector<double>, Matrix<double>, int[], Matrix<double>> viterbiInitialize)
    {
        ArgumentNullException.ThrowIfNull(viterbiInitialize);
        var rng = new Random(903);
        (Vector<double> Pi, Matrix<double> B, int[] Words)[] cases =
        [
            (RandomDistribution(rng, 1, 3).Row(0), RandomDistribution(rng, 3, 5), [2, 0, 4, 1]),
            (Vector<double>.Build.Dense(4, 0.25), RandomDistribution(rng, 4, 6), [3, 5, 1]),
            (RandomDistribution(rng, 1, 4).Row(0), Matrix<double>.Build.Dense(4, 6, 1.0 / 6), [1, 2]),
            (RandomDistribution(rng, 1, 5).Row(0), RandomDistribution(rng, 5, 8), [6, 1, 7, 2, 2, 5]),
        ];
        Matrix<double> Reference(int c) => Viterbi.Initialize(cases[c].Pi.PointwiseLog(), LogEmissions(cases[c].B, cases[c].Words)).Scores;
        var calls = new StudentCalls("Exercise 9.3 — Viterbi initialisation", "ViterbiInitialize");
        Matrix<double> Student(int c) => calls.Call(() => viterbiInitialize(cases[c].Pi.Clone(), cases[c].B.Clone(), (int[])cases[c].Words.Clone()));
        Matrix<double> FirstColumn(int c, Func<int, double> score)
        {
            var (pi, b, words) = cases[c];
            var m = Matrix<double>.Build.Dense(pi.Count, words.Length, double.NegativeInfinity);
            for (int j = 0; j < pi.Count; j++) m[j, 0] = score(j);
            return m;
        }
        string? InCase(Matrix<double> e, Matrix<double> a)
        {
            if (FirstColumnDifference(e, a) is not { } difference) return null;
            // The first word's scores written one column too far.
            if (a.ColumnCount > 1 && Compare.Matrices("", e.SubMatrix(0, e.RowCount, 0, 1), a.SubMatrix(0, a.RowCount, 1, 1)) is null)
                return $"{difference} The right numbers are in column 1: the first word is column 0.";
            return difference;
        }
        return calls.Verdict(new ExerciseCheck<Matrix<double>>("09.viterbi-initialize", "Exercise 9.3 — Viterbi initialisation", FirstColumnDifference)
            .Case("shape (N = 3 tags, T = 4 words)", "The scores have one row per tag and one column per word: N × T.",
                () => Student(0), () => Reference(0), (e, a) => ShapeOnly("the score matrix", e, a))
            .Case("uniform start probabilities", "Every π_j is the same, so only the emission term differs from tag to tag: check log B[j, words[0]], the column of the first word.",
                () => Student(1), () => Reference(1), InCase)
            .Case("uniform emissions", "Every word is equally likely under every tag, so only the start term differs: check log π_j.",
                () => Student(2), () => Reference(2), InCase)
            .Case("a random model (N = 5, T = 6)", "δ_0(j) = log π_j + log B[j, words[0]]: both terms as logarithms, added.",
                () => Student(3), () => Reference(3), InCase)
            .Mistake("the scores are probabilities, π_j·B[j, words[0]]: take Math.Log of both and add them",
                c => FirstColumn(c, j => cases[c].Pi[j] * cases[c].B[j, cases[c].Words[0]]))
            .Mistake("π and B were added without taking their logarithms",
                c => FirstColumn(c, j => cases[c].Pi[j] + cases[c].B[j, cases[c].Words[0]]))
            .Mistake("the emission term log B[j, words[0]] is missing", c => FirstColumn(c, j => Math.Log(cases[c].Pi[j])))
            .Mistake("the start term log π_j is missing", c => FirstColumn(c, j => Math.Log(cases[c].B[j, cases[c].Words[0]])))
            .Mistake("the emission was read from column 0 of B instead of column words[0]",
                c => FirstColumn(c, j => Math.Log(cases[c].Pi[j]) + Math.Log(cases[c].B[j, 0])))
            .Mistake("the emission is that of the last word, not the first",
                c => FirstColumn(c, j => Math.Log(cases[c].Pi[j]) + Math.Log(cases[c].B[j, cases[c].Words[^1]])))
            .Run());
    }

    /// <summary>
    /// Exercise 9.4: the Viterbi forward pass. From the N × T scores with column 0 filled, fills columns 1..T−1,
    /// δ_t(j) = max_i [δ_{t−1}(i) + log A[i, j]] + log B[j, words[t]], and the back-pointers ψ_t(j) = argmax_i
    /// (N × T; column 0 of the back-pointers is not checked).
    /// </summary>
    [Reference(typeof(Viterbi), nameof(Viterbi.ForwardPass))]
    [Exercise("09.viterbi-forward", "Exercise 9.4 — the Viterbi forward pass")]
    public static CheckResult ViterbiForwardPass(
        Func<Matrix<double>, Matrix<double>, Matrix<double>, int[], (Matrix<double> Scores, int[,] BackPointers)> viterbiForward)
    {
        ArgumentNullException.ThrowIfNull(viterbiForward);
        var rng = new Random(904);
        (Vector<double> Pi, Matrix<double> A, Matrix<double> B, int[] Words)[] cases =
        [
            (RandomDistribution(rng, 1, 3).Row(0), RandomDistribution(rng, 3, 3), RandomDistribution(rng, 3, 5), [2, 0, 4, 1]),
            // Worked by hand: δ_0 = log(0.06, 0.1, 0.075), ψ_1 = (0, 2, 1).
            (Vector<double>.Build.Dense([0.2, 0.5, 0.3]), Matrix<double>.Build.DenseOfRowArrays([0.6, 0.3, 0.1], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]),
                Matrix<double>.Build.DenseOfRowArrays([0.4, 0.3, 0.2, 0.1], [0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]), [1, 3]),
            (RandomDistribution(rng, 1, 4).Row(0), Matrix<double>.Build.Dense(4, 4, 0.25), RandomDistribution(rng, 4, 6), [0, 5, 2, 3, 1]),
            (RandomDistribution(rng, 1, 4).Row(0), RandomDistribution(rng, 4, 4), Matrix<double>.Build.Dense(4, 6, 1.0 / 6), [0, 5, 2, 3, 1]),
            (RandomDistribution(rng, 1, 5).Row(0), RandomDistribution(rng, 5, 5), RandomDistribution(rng, 5, 9), [6, 1, 8, 2, 2, 5, 0]),
        ];
        Matrix<double> Initial(int c) => Viterbi.Initialize(cases[c].Pi.PointwiseLog(), LogEmissions(cases[c].B, cases[c].Words)).Scores;
        (Matrix<double>, int[,]) Reference(int c)
        {
            var trellis = Viterbi.Initialize(cases[c].Pi.PointwiseLog(), LogEmissions(cases[c].B, cases[c].Words));
            Viterbi.ForwardPass(trellis, cases[c].A.PointwiseLog(), LogEmissions(cases[c].B, cases[c].Words));
            return (trellis.Scores, trellis.BackPointers);
        }
        var calls = new StudentCalls("Exercise 9.4 — the Viterbi forward pass", "ViterbiForward");
        (Matrix<double>, int[,]) Student(int c) => calls.Call(() => viterbiForward(Initial(c), cases[c].A.Clone(), cases[c].B.Clone(), (int[])cases[c].Words.Clone()));
        (Matrix<double>, int[,]) Variant(int c, ForwardMistake mistake) => ForwardPassVariant(Initial(c), cases[c].A, cases[c].B, cases[c].Words, mistake);
        return calls.Verdict(new ExerciseCheck<(Matrix<double> Scores, int[,] BackPointers)>("09.viterbi-forward", "Exercise 9.4 — the Viterbi forward pass",
                (e, a) => TrellisDifference(e, a, unfilled: false))
            .Case("shapes (N = 3 tags, T = 4 words)", "Return the scores and the back-pointers, both N × T: one row per tag, one column per word.",
                () => Student(0), () => Reference(0), TrellisShapeDifference)
            .Case("two words (one step)", "δ_1(j) = max_i [δ_0(i) + log A[i, j]] + log B[j, words[1]]; ψ_1(j) is the i of that maximum. Keep column 0 as it was given.",
                () => Student(1), () => Reference(1), (e, a) => TrellisDifference(e, a, unfilled: true))
            .Case("uniform transitions", "Every A[i, j] is 1/N, so only the emission term changes from tag to tag: check log B[j, words[t]] (tag j, the word at t).",
                () => Student(2), () => Reference(2), (e, a) => TrellisDifference(e, a, unfilled: true))
            .Case("uniform emissions", "Every B[j, w] is 1/V, so only the transitions matter: check log A[i, j] (from tag i at t−1 to tag j at t), the maximum over i, and its argmax as ψ_t(j).",
                () => Student(3), () => Reference(3), (e, a) => TrellisDifference(e, a, unfilled: true))
            .Case("a random model (N = 5, T = 7)", "Each column t = 1 … T−1 comes from column t−1: δ_t(j) = max_i [δ_{t−1}(i) + log A[i, j]] + log B[j, words[t]].",
                () => Student(4), () => Reference(4), (e, a) => TrellisDifference(e, a, unfilled: true))
            .Mistake("A and B were used as probabilities: add Math.Log(A[i, j]) and Math.Log(B[j, w]) to the log-score δ", c => Variant(c, ForwardMistake.NoLogs))
            .Mistake("B was used as a probability: add Math.Log(B[j, words[t]])", c => Variant(c, ForwardMistake.NoLogB))
            .Mistake("A was used as a probability: add Math.Log(A[i, j])", c => Variant(c, ForwardMistake.NoLogA))
            .Mistake("A is read transposed: the transition from tag i to tag j is A[i, j], not A[j, i]", c => Variant(c, ForwardMistake.TransposedA))
            .Mistake("the emission is that of the previous word, words[t − 1], not words[t]", c => Variant(c, ForwardMistake.PreviousWord))
            .Mistake("the scores add up all paths (log-sum-exp, the forward algorithm) instead of keeping the best one (max)", c => Variant(c, ForwardMistake.Sum))
            .Mistake("the back-pointer ignores the transition: ψ_t(j) must be the argmax of δ_{t−1}(i) + log A[i, j]", c => Variant(c, ForwardMistake.PointerWithoutTransition))
            .Mistake("the back-pointers were stored one column early: ψ_t(j) belongs in column t, the word it leads to", c => Variant(c, ForwardMistake.PointerOneColumnEarly))
            .Run());
    }

    /// <summary>
    /// Exercise 9.5: the Viterbi backward pass. The last tag z_{T−1} = argmax_j δ_{T−1}(j), then z_{t−1} = ψ_t(z_t)
    /// back to the front; returns the T tag indices.
    /// </summary>
    [Reference(typeof(Viterbi), nameof(Viterbi.BackwardPass))]
    [Exercise("09.viterbi-backward", "Exercise 9.5 — the Viterbi backward pass")]
    public static CheckResult ViterbiBackwardPass(Func<Matrix<double>, int[,], int[]> viterbiBackward)
    {
        ArgumentNullException.ThrowIfNull(viterbiBackward);
        var rng = new Random(905);
        Trellis[] cases = [RandomTrellis(rng, 3, 5), RandomTrellis(rng, 4, 1), GreedyIsWrong(rng, 4, 6), GreedyIsWrong(rng, 6, 12)];
        int[] Reference(int c) => Viterbi.BackwardPass(cases[c]).Path;
        var calls = new StudentCalls("Exercise 9.5 — the Viterbi backward pass", "ViterbiBackward");
        int[] Student(int c) => calls.Call(() => viterbiBackward(cases[c].Scores.Clone(), (int[,])cases[c].BackPointers.Clone()));
        int Best(Matrix<double> scores, int t) => scores.Column(t).MaximumIndex();
        int[] Follow(int c, int last, Func<int, int, int> pointer)
        {
            int steps = cases[c].Steps;
            var path = new int[steps];
            path[steps - 1] = last;
            for (int t = steps - 1; t > 0; t--) path[t - 1] = pointer(path[t], t);
            return path;
        }
        return calls.Verdict(new ExerciseCheck<int[]>("09.viterbi-backward", "Exercise 9.5 — the Viterbi backward pass",
                (e, a) => Compare.Integers("path", e, a))
            .Case("length (N = 3 tags, T = 5 words)", "Return one tag index per word: T entries.",
                () => Student(0), () => Reference(0),
                (e, a) => a is null ? "the path is null." : a.Length == e.Length ? null : $"the path has {a.Length} entries, expected {e.Length} (one tag per word).")
            .Case("one word", "With one word the path is the best tag of the only column: argmax_j δ_0(j).",
                () => Student(1), () => Reference(1))
            .Case("a sentence whose best path is not the best tag of each word", "Start from the best tag of the last column, then follow the back-pointers: z_{t−1} = ψ_t(z_t), the pointer stored in column t.",
                () => Student(2), () => Reference(2))
            .Case("a longer sentence (N = 6, T = 12)", "z_{T−1} = argmax_j δ_{T−1}(j), then z_{t−1} = ψ_t(z_t) for t = T−1 down to 1.",
                () => Student(3), () => Reference(3))
            .Mistake("each word got the best tag of its own column: follow the back-pointers instead",
                c => Enumerable.Range(0, cases[c].Steps).Select(t => Best(cases[c].Scores, t)).ToArray())
            .Mistake("the back-pointer was read from the wrong column: z_{t−1} = ψ_t(z_t) is in column t, not t − 1",
                c => Follow(c, Best(cases[c].Scores, cases[c].Steps - 1), (z, t) => cases[c].BackPointers[z, t - 1]))
            .Mistake("the path is in reverse order: it is built from the last word back, so fill it from the end",
                c => Reference(c).Reverse().ToArray())
            .Mistake("the path does not start from the best tag of the last column, argmax_j δ_{T−1}(j)",
                c => Follow(c, 0, (z, t) => cases[c].BackPointers[z, t]))
            .Run());
    }

    // ---- helpers of notebook 09 ---------------------------------------------------------------------------------

    /// <summary>The ways a forward pass typically goes wrong, simulated for the diagnosis.</summary>
    private enum ForwardMistake { NoLogs, NoLogA, NoLogB, TransposedA, PreviousWord, Sum, PointerWithoutTransition, PointerOneColumnEarly }

    private static (Matrix<double>, int[,]) ForwardPassVariant(Matrix<double> scores, Matrix<double> a, Matrix<double> b, int[] words, ForwardMistake mistake)
    {
        int n = scores.RowCount, steps = scores.ColumnCount;
        var psi = new int[n, steps];
        for (int t = 1; t < steps; t++)
        {
            int word = words[mistake == ForwardMistake.PreviousWord ? t - 1 : t];
            for (int j = 0; j < n; j++)
            {
                double best = double.NegativeInfinity, sum = 0, bestPrevious = double.NegativeInfinity;
                int argBest = 0, argPrevious = 0;
                for (int i = 0; i < n; i++)
                {
                    double transition = mistake == ForwardMistake.TransposedA ? a[j, i] : a[i, j];
                    double score = scores[i, t - 1] + (mistake is ForwardMistake.NoLogs or ForwardMistake.NoLogA ? transition : Math.Log(transition));
                    sum += Math.Exp(score);
                    if (score > best) (best, argBest) = (score, i);
                    if (scores[i, t - 1] > bestPrevious) (bestPrevious, argPrevious) = (scores[i, t - 1], i);
                }
                if (mistake == ForwardMistake.Sum) best = Math.Log(sum);
                scores[j, t] = best + (mistake is ForwardMistake.NoLogs or ForwardMistake.NoLogB ? b[j, word] : Math.Log(b[j, word]));
                int pointer = mistake == ForwardMistake.PointerWithoutTransition ? argPrevious : argBest;
                psi[j, mistake == ForwardMistake.PointerOneColumnEarly ? t - 1 : t] = pointer;
            }
        }
        return (scores, psi);
    }

    private static string? TrellisShapeDifference((Matrix<double> Scores, int[,] BackPointers) expected, (Matrix<double> Scores, int[,] BackPointers) actual)
    {
        if (actual.Scores is null) return "the score matrix is null.";
        if (ShapeOnly("the score matrix", expected.Scores, actual.Scores) is { } problem) return problem;
        if (actual.BackPointers is null) return "the back-pointers are null.";
        var (rows, columns) = (actual.BackPointers.GetLength(0), actual.BackPointers.GetLength(1));
        return (rows, columns) == (expected.Scores.RowCount, expected.Scores.ColumnCount)
            ? null
            : $"the back-pointers have shape {Shape.Of(rows, columns)}, expected {Shape.Of(expected.Scores.RowCount, expected.Scores.ColumnCount)}.";
    }

    // Scores first, then the back-pointers of columns 1..T−1. With unfilled, a column left as it started (all −∞ or
    // all 0) is named, for the loop that stops early or starts late.
    private static string? TrellisDifference((Matrix<double> Scores, int[,] BackPointers) expected, (Matrix<double> Scores, int[,] BackPointers) actual, bool unfilled)
    {
        if (TrellisShapeDifference(expected, actual) is { } shape) return shape;
        var (e, a) = (expected.Scores, actual.Scores);
        if (unfilled)
        {
            for (int t = 1; t < e.ColumnCount; t++)
            {
                var column = a.Column(t);
                bool untouched = column.All(double.IsNegativeInfinity) || column.All(v => v == 0);
                if (untouched && !e.Column(t).All(double.IsNegativeInfinity))
                    return $"column {t} of the score matrix was not filled (it is still {(column[0] == 0 ? "0" : "−∞")} everywhere): the forward pass fills every column t = 1 … T−1.";
            }
        }
        if (Compare.Matrices("the score matrix δ", e, a) is { } scores) return scores;
        for (int t = 1; t < e.ColumnCount; t++)
            for (int j = 0; j < e.RowCount; j++)
                if (expected.BackPointers[j, t] != actual.BackPointers[j, t])
                    return $"the back-pointer ψ_{t}({j}) (row {j}, column {t}) is {actual.BackPointers[j, t]}, expected {expected.BackPointers[j, t]}: " +
                           $"the tag at word {t - 1} on the best path to tag {j} at word {t}.";
        return null;
    }

    private static string? FirstColumnDifference(Matrix<double> expected, Matrix<double>? actual)
    {
        if (ShapeOnly("the score matrix", expected, actual) is { } shape) return shape;
        return Compare.Matrices("column 0 of the score matrix (δ_0)", expected.SubMatrix(0, expected.RowCount, 0, 1), actual!.SubMatrix(0, actual.RowCount, 0, 1));
    }

    // Rows first: a row that does not sum to one is the clearest sign of a wrong normalisation.
    private static string? ProbabilityRows(string name, Matrix<double> expected, Matrix<double>? actual, string rowMeaning)
    {
        if (ShapeOnly(name, expected, actual) is { } shape) return shape;
        for (int i = 0; i < actual!.RowCount; i++)
        {
            double sum = actual.Row(i).Sum();
            if (double.IsNaN(sum)) return $"row {i} of {name} contains NaN (0 / 0?): each row is {rowMeaning}.";
            if (Math.Abs(sum - 1) > 1e-9) return $"row {i} of {name} sums to {Compare.F(sum)}, not 1: each row is {rowMeaning}.";
        }
        return Compare.Matrices(name, expected, actual);
    }

    // (C[i, j] + α) / (row total + extra), without the library's care for empty rows (0 / 0 is NaN, as students get).
    private static Matrix<double> Normalise(Matrix<double> counts, double alpha, double extra)
    {
        var totals = counts.RowSums();
        return Matrix<double>.Build.Dense(counts.RowCount, counts.ColumnCount, (i, j) => (counts[i, j] + alpha) / (totals[i] + extra));
    }

    private static Matrix<double> TransitionCounts(int[][] tags, int n)
    {
        var counts = Matrix<double>.Build.Dense(n, n);
        foreach (var sentence in tags)
            for (int k = 1; k < sentence.Length; k++) counts[sentence[k - 1], sentence[k]]++;
        return counts;
    }

    private static Matrix<double> EmissionCounts(int[][] tags, int[][] words, int n, int v)
    {
        var counts = Matrix<double>.Build.Dense(n, v);
        for (int s = 0; s < tags.Length; s++)
            for (int k = 0; k < tags[s].Length; k++) counts[tags[s][k], words[s][k]]++;
        return counts;
    }

    // Sentences of 2 to 8 tags drawn from a random Markov chain, so that some transitions are common and some unseen.
    private static int[][] RandomTagSequences(Random rng, int n, int sentences)
    {
        var a = RandomDistribution(rng, n, n, sharpness: 3);
        return Enumerable.Range(0, sentences).Select(_ =>
        {
            var s = new int[2 + rng.Next(7)];
            s[0] = rng.Next(n);
            for (int k = 1; k < s.Length; k++) s[k] = Sample(a.Row(s[k - 1]), rng);
            return s;
        }).ToArray();
    }

    private static int Sample(Vector<double> p, Random rng)
    {
        double u = rng.NextDouble();
        for (int i = 0; i < p.Count; i++) if ((u -= p[i]) < 0) return i;
        return p.Count - 1;
    }

    // Rows of positive random numbers (raised to a power: larger is more uneven) that sum to one.
    private static Matrix<double> RandomDistribution(Random rng, int rows, int columns, double sharpness = 1)
    {
        var m = Matrix<double>.Build.Dense(rows, columns, (_, _) => Math.Pow(0.05 + rng.NextDouble(), sharpness));
        return m.NormalizeRows(1.0);
    }

    private static Matrix<double> LogEmissions(Matrix<double> b, int[] words)
    {
        var e = Matrix<double>.Build.Dense(b.RowCount, words.Length);
        for (int t = 0; t < words.Length; t++) e.SetColumn(t, b.Column(words[t]).PointwiseLog());
        return e;
    }

    private static Trellis RandomTrellis(Random rng, int n, int steps)
    {
        var words = Enumerable.Range(0, steps).ToArray();
        var logB = LogEmissions(RandomDistribution(rng, n, steps), words);
        var trellis = Viterbi.Initialize(RandomDistribution(rng, 1, n).Row(0).PointwiseLog(), logB);
        Viterbi.ForwardPass(trellis, RandomDistribution(rng, n, n, sharpness: 3).PointwiseLog(), logB);
        return trellis;
    }

    // A random trellis on which taking the best tag of each column gives another path than the back-pointers.
    private static Trellis GreedyIsWrong(Random rng, int n, int steps)
    {
        while (true)
        {
            var trellis = RandomTrellis(rng, n, steps);
            var greedy = Enumerable.Range(0, steps).Select(t => trellis.Scores.Column(t).MaximumIndex());
            if (!greedy.SequenceEqual(Viterbi.BackwardPass(trellis).Path)) return trellis;
        }
    }
}
