namespace SequenceModels.Exercises;

// Inside the namespace, so MathNet's Vector<T> wins over System.Numerics.Vector<T> from GlobalUsings.cs.
using MathNet.Numerics.LinearAlgebra;

public static partial class Check
{
    /// <summary>
    /// Exercise 6.5: the CRF's forward algorithm, log Z for one sentence, with E (K × T), A (K × K), start and end (K):
    /// <code>
    /// α⟨0⟩(j) = start[j] + E[j, 0]
    /// α⟨t⟩(j) = E[j, t] + log Σ_i exp(α⟨t−1⟩(i) + A[i, j])
    /// log Z   = log Σ_j exp(α⟨T−1⟩(j) + end[j])
    /// </code>
    /// The reference is <see cref="LinearChainCrf.LogPartition"/>. Cases switch on one term at a time (the emission
    /// scores, then start, then the transitions, then end) before a general case. The backward recursion and the
    /// marginals give log Z as well, and so does the CRF layer's loss (log Z minus a score the library also computes).
    /// </summary>
    [Reference(typeof(LinearChainCrf), nameof(LinearChainCrf.LogPartition), nameof(LinearChainCrf.Forward), nameof(LinearChainCrf.LogLikelihood),
        nameof(LinearChainCrf.Backward), nameof(LinearChainCrf.Marginals))]
    [Reference(typeof(Crf<>), nameof(Crf<double>.Loss))]
    [Exercise("06.crf-forward", "Exercise 6.5 — the CRF forward algorithm")]
    public static CheckResult CrfLogPartition(Func<Matrix<double>, Matrix<double>, Vector<double>, Vector<double>, double> logPartition)
    {
        ArgumentNullException.ThrowIfNull(logPartition);
        const string id = "06.crf-forward", title = "Exercise 6.5 — the CRF forward algorithm";
        var rng = new Random(306);
        CrfCase Random(int k, int steps, bool e, bool start, bool a, bool end, double scale = 1) => new(
            Matrix<double>.Build.Dense(k, steps, (_, _) => e ? scale * (2 * rng.NextDouble() - 1) : 0),
            Matrix<double>.Build.Dense(k, k, (_, _) => a ? scale * (2 * rng.NextDouble() - 1) : 0),
            Vector<double>.Build.Dense(k, _ => start ? scale * (2 * rng.NextDouble() - 1) : 0),
            Vector<double>.Build.Dense(k, _ => end ? scale * (2 * rng.NextDouble() - 1) : 0));
        CrfCase[] cases =
        [
            Random(3, 5, e: true, start: false, a: false, end: false),   // K ≠ T: indexing E the wrong way round fails
            Random(4, 1, e: true, start: false, a: false, end: false),   // one word: log Σ_j exp E[j, 0]
            Random(3, 4, e: true, start: false, a: false, end: false),   // emissions only: Σ_t log Σ_j exp E[j, t]
            Random(3, 3, e: false, start: true, a: false, end: false),   // start only
            Random(3, 3, e: false, start: true, a: true, end: false),    // start and transitions: the direction of A matters
            Random(3, 3, e: false, start: false, a: false, end: true),   // end only
            Random(4, 6, e: true, start: true, a: true, end: true, scale: 800), // scores near ±800: exp overflows
            Random(5, 7, e: true, start: true, a: true, end: true, scale: 3),
        ];
        double Reference(int c) => LinearChainCrf.LogPartition(cases[c].E, cases[c].A, cases[c].Start, cases[c].End);
        double Student(int c) => logPartition(cases[c].E.Clone(), cases[c].A.Clone(), cases[c].Start.Clone(), cases[c].End.Clone());
        double Variant(int c, CrfMistake mistake) => CrfVariant(cases[c], mistake);
        return new ExerciseCheck<double>(id, title, (e, a) => Compare.Scalars("log Z", e, a, 1e-8))
            .Case("shapes: 3 tags, 5 words, emissions only", "emissions is K × T: rows are tags, columns are words (emissions[j, t] scores tag j at word t); transitions[i, j] scores tag j after tag i.",
                () => Student(0), () => Reference(0))
            .Case("one word, emissions only", "With one word and no other scores, Z = Σ_j exp(E[j, 0]): log Z = log Σ_j exp(E[j, 0]).",
                () => Student(1), () => Reference(1))
            .Case("4 words, emissions only (start, A, end zero)", "Without transitions the words are independent: log Z = Σ_t log Σ_j exp(E[j, t]). Check the recursion α⟨t⟩(j) = E[j, t] + log Σ_i exp(α⟨t−1⟩(i) + A[i, j]).",
                () => Student(2), () => Reference(2))
            .Case("start scores only", "α⟨0⟩(j) = start[j] + E[j, 0]: with only start scores log Z = log Σ_j exp(start[j]) + (T − 1)·log K.",
                () => Student(3), () => Reference(3))
            .Case("start and transition scores", "A[i, j] is the score of tag j right AFTER tag i: the sum over i runs down column j, Σ_i exp(α⟨t−1⟩(i) + A[i, j]).",
                () => Student(4), () => Reference(4))
            .Case("end scores only", "log Z = log Σ_j exp(α⟨T−1⟩(j) + end[j]): the end scores join at the last word.",
                () => Student(5), () => Reference(5))
            .Case("scores near ±800", "exp(800) overflows a double: compute every log Σ exp as m + log Σ exp(x − m), with m the largest x.",
                () => Student(6), () => Reference(6))
            .Case("a random sentence, every term", "Compare each line with α⟨0⟩ = start + E[:, 0]; α⟨t⟩(j) = E[j, t] + logsumexp_i(α⟨t−1⟩(i) + A[i, j]); log Z = logsumexp_j(α⟨T−1⟩(j) + end[j]).",
                () => Student(7), () => Reference(7))
            .Mistake("max was used instead of log-sum-exp: that is the Viterbi score of the best sequence, not log Z", c => Variant(c, CrfMistake.Max))
            .Mistake("the start scores are left out", c => Variant(c, CrfMistake.NoStart))
            .Mistake("the end scores are left out", c => Variant(c, CrfMistake.NoEnd))
            .Mistake("the transitions are read the wrong way round (A[j, i] instead of A[i, j])", c => Variant(c, CrfMistake.Transposed))
            .Mistake("the emission score of the previous tag i was added inside the sum instead of that of tag j outside it", c => Variant(c, CrfMistake.PreviousEmission))
            .Mistake("the exponentials are taken without subtracting the maximum, which overflows", c => Variant(c, CrfMistake.NoShift))
            .Run();
    }

    private sealed record CrfCase(Matrix<double> E, Matrix<double> A, Vector<double> Start, Vector<double> End);

    private enum CrfMistake { Max, NoStart, NoEnd, Transposed, PreviousEmission, NoShift }

    /// <summary>The forward algorithm with one typical mistake.</summary>
    private static double CrfVariant(CrfCase c, CrfMistake mistake)
    {
        int k = c.E.RowCount, steps = c.E.ColumnCount;
        double Reduce(double[] x)
        {
            if (mistake == CrfMistake.Max) return x.Max();
            if (mistake == CrfMistake.NoShift) return Math.Log(x.Sum(Math.Exp));
            return LinearChainCrf.LogSumExp(x);
        }
        double Start(int j) => mistake == CrfMistake.NoStart ? 0 : c.Start[j];
        double A(int i, int j) => mistake == CrfMistake.Transposed ? c.A[j, i] : c.A[i, j];
        var alpha = Enumerable.Range(0, k).Select(j => Start(j) + c.E[j, 0]).ToArray();
        for (int t = 1; t < steps; t++)
            alpha = Enumerable.Range(0, k).Select(j => mistake == CrfMistake.PreviousEmission
                ? Reduce(Enumerable.Range(0, k).Select(i => alpha[i] + A(i, j) + c.E[i, t]).ToArray())
                : c.E[j, t] + Reduce(Enumerable.Range(0, k).Select(i => alpha[i] + A(i, j)).ToArray())).ToArray();
        return Reduce(Enumerable.Range(0, k).Select(j => alpha[j] + (mistake == CrfMistake.NoEnd ? 0 : c.End[j])).ToArray());
    }
}
