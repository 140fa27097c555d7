namespace SequenceModels;

// Inside the namespace, so MathNet's Vector<T> wins over System.Numerics.Vector<T> from GlobalUsings.cs.
using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Taggers;
using SequenceModels.Text;

/// <summary>
/// A linear-chain conditional random field over one sentence, as the lecture writes it (Lafferty et al. 2001; the
/// output layer of Lample et al. 2016): allocating, in double precision, one line per equation. For K tags, a
/// sentence of T words and a tag sequence y:
/// <code>
/// s(y)     = start[y⟨0⟩] + Σ_t E[y⟨t⟩, t] + Σ_{t≥1} A[y⟨t−1⟩, y⟨t⟩] + end[y⟨T−1⟩]     the score of a whole sequence
/// p(y | x) = exp s(y) / Z,    Z = Σ_y' exp s(y')                                 over all K^T sequences
/// α⟨0⟩(j)   = start[j] + E[j, 0]                                                 the forward algorithm,
/// α⟨t⟩(j)   = E[j, t] + log Σ_i exp(α⟨t−1⟩(i) + A[i, j])                          K² work per word, not K^T
/// log Z    = log Σ_j exp(α⟨T−1⟩(j) + end[j])
/// </code>
/// E is K × T (emission scores: the tagger's logits), A is K × K (A[i, j]: the score of tag j right after tag i),
/// start and end are K. The backward algorithm β runs the same recursion from the end; α + β − log Z gives each
/// tag's marginal probability, which is the gradient of log Z. Decoding is the Viterbi algorithm of notebook 09
/// with scores in place of log-probabilities (<see cref="Decode"/>). <see cref="Crf{T}"/> is the fast batched
/// layer; tests check that the two agree.
/// </summary>
public static class LinearChainCrf
{
    /// <summary>log Σ_i exp(x_i), shifted by the maximum so that it neither overflows nor underflows; −∞ when every x_i is −∞.</summary>
    public static double LogSumExp(ReadOnlySpan<double> x)
    {
        double max = double.NegativeInfinity;
        foreach (double v in x) max = Math.Max(max, v);
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        foreach (double v in x) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    /// <summary>s(y), the score of one tag sequence.</summary>
    /// <param name="emissions">E, K × T.</param>
    /// <param name="transitions">A, K × K: [i, j] scores tag j after tag i.</param>
    /// <param name="start">K: the score of each tag at the first word.</param>
    /// <param name="end">K: the score of each tag at the last word.</param>
    /// <param name="tags">T tag ids.</param>
    public static double Score(Matrix<double> emissions, Matrix<double> transitions, Vector<double> start, Vector<double> end,
        IReadOnlyList<int> tags)
    {
        CheckShapes(emissions, transitions, start, end);
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Count != emissions.ColumnCount)
            throw new ArgumentException($"{tags.Count} tags for {emissions.ColumnCount} words.", nameof(tags));
        int last = tags.Count - 1;
        if (last < 0) return 0;
        double s = start[tags[0]] + end[tags[last]];
        for (int t = 0; t <= last; t++) s += emissions[tags[t], t];
        for (int t = 1; t <= last; t++) s += transitions[tags[t - 1], tags[t]];
        return s;
    }

    /// <summary>The forward algorithm: α, K × T, with α[j, t] = log Σ over tag sequences of words 0..t ending in j of exp(score so far).</summary>
    public static Matrix<double> Forward(Matrix<double> emissions, Matrix<double> transitions, Vector<double> start, Vector<double> end)
    {
        CheckShapes(emissions, transitions, start, end);
        int k = emissions.RowCount, steps = emissions.ColumnCount;
        var alpha = Matrix<double>.Build.Dense(k, steps);
        var terms = new double[k];
        for (int j = 0; j < k && steps > 0; j++) alpha[j, 0] = start[j] + emissions[j, 0];
        for (int t = 1; t < steps; t++)
            for (int j = 0; j < k; j++)
            {
                for (int i = 0; i < k; i++) terms[i] = alpha[i, t - 1] + transitions[i, j];
                alpha[j, t] = emissions[j, t] + LogSumExp(terms);
            }
        return alpha;
    }

    /// <summary>log Z, the log of the sum of exp s(y) over every tag sequence (0 for an empty sentence).</summary>
    public static double LogPartition(Matrix<double> emissions, Matrix<double> transitions, Vector<double> start, Vector<double> end)
    {
        var alpha = Forward(emissions, transitions, start, end);
        int last = emissions.ColumnCount - 1;
        if (last < 0) return 0;
        var terms = new double[emissions.RowCount];
        for (int j = 0; j < terms.Length; j++) terms[j] = alpha[j, last] + end[j];
        return LogSumExp(terms);
    }

    /// <summary>The backward algorithm: β, K × T, with β[i, t] = log Σ over tags of words t+1..T−1 after tag i at t of exp(score still to come).</summary>
    public static Matrix<double> Backward(Matrix<double> emissions, Matrix<double> transitions, Vector<double> start, Vector<double> end)
    {
        CheckShapes(emissions, transitions, start, end);
        int k = emissions.RowCount, steps = emissions.ColumnCount;
        var beta = Matrix<double>.Build.Dense(k, steps);
        var terms = new double[k];
        for (int i = 0; i < k && steps > 0; i++) beta[i, steps - 1] = end[i];
        for (int t = steps - 2; t >= 0; t--)
            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < k; j++) terms[j] = transitions[i, j] + emissions[j, t + 1] + beta[j, t + 1];
                beta[i, t] = LogSumExp(terms);
            }
        return beta;
    }

    /// <summary>p(y⟨t⟩ = j | x) = exp(α[j, t] + β[j, t] − log Z), K × T: each column sums to 1. It is also ∂ log Z / ∂E.</summary>
    public static Matrix<double> Marginals(Matrix<double> emissions, Matrix<double> transitions, Vector<double> start, Vector<double> end)
    {
        var alpha = Forward(emissions, transitions, start, end);
        var beta = Backward(emissions, transitions, start, end);
        double logZ = LogPartition(emissions, transitions, start, end);
        return Matrix<double>.Build.Dense(emissions.RowCount, emissions.ColumnCount, (j, t) => Math.Exp(alpha[j, t] + beta[j, t] - logZ));
    }

    /// <summary>log p(y | x) = s(y) − log Z.</summary>
    public static double LogLikelihood(Matrix<double> emissions, Matrix<double> transitions, Vector<double> start, Vector<double> end,
        IReadOnlyList<int> tags) =>
        Score(emissions, transitions, start, end, tags) - LogPartition(emissions, transitions, start, end);

    /// <summary>
    /// The best tag sequence, argmax_y s(y), by the Viterbi algorithm of notebook 09 (<see cref="Viterbi.Decode"/>): its
    /// log π is <paramref name="start"/>, its log A is <paramref name="transitions"/>, its log b is E, and the end scores
    /// are added to the last word's. With <paramref name="constraints"/>, forbidden transitions score −∞.
    /// </summary>
    /// <returns>The T tag ids and the best score s(y).</returns>
    public static (int[] Tags, double Score) Decode(Matrix<double> emissions, Matrix<double> transitions, Vector<double> start,
        Vector<double> end, CrfConstraints? constraints = null)
    {
        CheckShapes(emissions, transitions, start, end);
        int k = emissions.RowCount, steps = emissions.ColumnCount;
        if (steps == 0) return ([], 0);
        if (constraints is not null && constraints.TagCount != k)
            throw new ArgumentException($"The constraints are for {constraints.TagCount} tags, the scores for {k}.", nameof(constraints));
        double Allowed(bool ok, double score) => ok ? score : double.NegativeInfinity;
        var logPi = Vector<double>.Build.Dense(k, j => Allowed(constraints?.Start[j] ?? true, start[j]));
        var logA = Matrix<double>.Build.Dense(k, k, (i, j) => Allowed(constraints?.Transitions[i, j] ?? true, transitions[i, j]));
        var scores = emissions.Clone();
        for (int j = 0; j < k; j++) scores[j, steps - 1] += Allowed(constraints?.End[j] ?? true, end[j]);
        var (path, best, _) = Viterbi.Decode(logPi, logA, scores);
        return (path, best);
    }

    private static void CheckShapes(Matrix<double> emissions, Matrix<double> transitions, Vector<double> start, Vector<double> end)
    {
        ArgumentNullException.ThrowIfNull(emissions);
        ArgumentNullException.ThrowIfNull(transitions);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(end);
        int k = emissions.RowCount;
        Shape.Require(transitions, k, k, nameof(transitions));
        if (start.Count != k) throw new ShapeException(nameof(start), $"({k})", $"({start.Count})");
        if (end.Count != k) throw new ShapeException(nameof(end), $"({k})", $"({end.Count})");
    }
}

/// <summary>
/// Which tag sequences a CRF may output: <see cref="Transitions"/>[i, j] is true when tag j may follow tag i,
/// <see cref="Start"/>[j] when a sentence may begin with j, <see cref="End"/>[j] when it may end with j. Built from a
/// tag scheme's rules (<see cref="For"/>): in BIO, I-X only after B-X or I-X.
/// </summary>
/// <param name="Transitions">K × K: [i, j] true when j may follow i.</param>
/// <param name="Start">K: true when a sentence may begin with the tag.</param>
/// <param name="End">K: true when a sentence may end with the tag.</param>
public sealed record CrfConstraints(bool[,] Transitions, bool[] Start, bool[] End)
{
    /// <summary>K, the number of tags.</summary>
    public int TagCount => Start.Length;

    /// <summary>The transitions <see cref="TagSchemes.Allows"/> permits between the tags of <paramref name="tags"/>.</summary>
    public static CrfConstraints For(TagMap tags, TagScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(tags);
        int k = tags.Count;
        var t = tags.Tags;
        var transitions = new bool[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) transitions[i, j] = TagSchemes.Allows(t[i], t[j], scheme);
        return new CrfConstraints(transitions,
            Enumerable.Range(0, k).Select(j => TagSchemes.Allows(null, t[j], scheme)).ToArray(),
            Enumerable.Range(0, k).Select(j => TagSchemes.Allows(t[j], null, scheme)).ToArray());
    }

    /// <summary>True when the tag ids form a sequence the constraints allow.</summary>
    public bool Allows(IReadOnlyList<int> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Count == 0) return true;
        if (!Start[tags[0]] || !End[tags[^1]]) return false;
        for (int i = 1; i < tags.Count; i++)
            if (!Transitions[tags[i - 1], tags[i]]) return false;
        return true;
    }
}
