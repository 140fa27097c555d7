namespace SequenceModels.Taggers;

// Inside the namespace, so MathNet's Vector<T> wins over System.Numerics.Vector<T> from GlobalUsings.cs.
using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Text;

/// <summary>
/// The lecture's hidden Markov model for part-of-speech tagging. The tags are the hidden states of a Markov chain
/// (each tag depends only on the tag before it); each tag emits a word. Everything is counted from a tagged corpus:
/// <list type="bullet">
/// <item>π (N): the start state, the probability of each tag at the start of a sentence;</item>
/// <item>A (N × N): the transition matrix, <c>A[i, j]</c> = P(tag j | previous tag i);</item>
/// <item>B (N × V): the emission matrix, <c>B[i, w]</c> = P(word w | tag i);</item>
/// </list>
/// each with additive (Laplace, α) smoothing so that no transition or emission is impossible:
/// P = (count + α) / (row total + α · row length). Every row of π, A and B sums to one.
/// <para>
/// Unknown words. The vocabulary is every training word followed by the <see cref="WordShape.Classes"/>. A word seen
/// once in training is also counted under its class: words seen once behave most like the words of the test set
/// that were never seen, so the class columns of B learn, for each tag, how often it produces a new word of that
/// shape ("-ing" words are verbs, capitalised ones proper nouns). A word outside the vocabulary is read as its
/// lowercase form if that is known ("Because" at the start of a sentence), otherwise as its class.
/// </para>
/// Probabilities are in <c>double</c>: counts are exact integers and Viterbi works on their logarithms.
/// </summary>
public sealed class HiddenMarkovModel
{
    readonly Dictionary<string, int> tagIndex;
    readonly Dictionary<string, int> wordIndex;
    readonly Vector<double> logPi;
    readonly Matrix<double> logA, logB;

    HiddenMarkovModel(string[] tags, string[] words, double alpha, Vector<double> startCounts, Matrix<double> transitionCounts, Matrix<double> emissionCounts)
    {
        Tags = tags;
        Vocabulary = [.. words, .. WordShape.Classes];
        Alpha = alpha;
        tagIndex = Index(tags);
        wordIndex = Index(words);
        StartCounts = startCounts;
        TransitionCounts = transitionCounts;
        EmissionCounts = emissionCounts;
        Pi = Smooth(startCounts.ToRowMatrix(), alpha).Row(0);
        A = Smooth(transitionCounts, alpha);
        B = Smooth(emissionCounts, alpha);
        logPi = Pi.PointwiseLog();
        logA = A.PointwiseLog();
        logB = B.PointwiseLog();
    }

    /// <summary>The N tags (hidden states), in ordinal order; tag i is row i of A and B.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>The V columns of B: the training words in ordinal order, then the <see cref="WordShape.Classes"/>.</summary>
    public IReadOnlyList<string> Vocabulary { get; }

    /// <summary>The additive smoothing constant α.</summary>
    public double Alpha { get; }

    /// <summary>N: how many training sentences start with each tag.</summary>
    public Vector<double> StartCounts { get; }

    /// <summary>N × N: <c>[i, j]</c> = C(i, j), how often tag j follows tag i in the training corpus.</summary>
    public Matrix<double> TransitionCounts { get; }

    /// <summary>
    /// N × V: <c>[i, w]</c> = C(i, w), how often tag i emits word w; the class columns count the words seen once.
    /// </summary>
    public Matrix<double> EmissionCounts { get; }

    /// <summary>N: π_j = (C(start, j) + α) / (sentences + α·N).</summary>
    public Vector<double> Pi { get; }

    /// <summary>N × N: A[i, j] = (C(i, j) + α) / (C(i) + α·N), C(i) the row total. Rows sum to one.</summary>
    public Matrix<double> A { get; }

    /// <summary>N × V: B[i, w] = (C(i, w) + α) / (C(i) + α·V), C(i) the row total. Rows sum to one.</summary>
    public Matrix<double> B { get; }

    /// <summary>Counts π, A and B from <paramref name="corpus"/> with smoothing constant <paramref name="alpha"/> ≥ 0.</summary>
    public static HiddenMarkovModel Train(IEnumerable<TaggedSentence> corpus, double alpha = 0.001)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(alpha);
        var sentences = corpus.Select(s => s.Validate()).ToList();
        var tags = sentences.SelectMany(s => s.Tags).Distinct().Order(StringComparer.Ordinal).ToArray();
        var wordCounts = new Dictionary<string, int>();
        foreach (var word in sentences.SelectMany(s => s.Tokens)) wordCounts[word] = wordCounts.GetValueOrDefault(word) + 1;
        var words = wordCounts.Keys.Order(StringComparer.Ordinal).ToArray();
        var (tagIndex, wordIndex) = (Index(tags), Index(words));
        int n = tags.Length, v = words.Length + WordShape.Classes.Count;

        var startCounts = Vector<double>.Build.Dense(n);
        var transitionCounts = Matrix<double>.Build.Dense(n, n);
        var emissionCounts = Matrix<double>.Build.Dense(n, v);
        foreach (var sentence in sentences)
        {
            for (int k = 0; k < sentence.Length; k++)
            {
                int tag = tagIndex[sentence.Tags[k]];
                if (k == 0) startCounts[tag]++;
                else transitionCounts[tagIndex[sentence.Tags[k - 1]], tag]++;
                string word = sentence.Tokens[k];
                emissionCounts[tag, wordIndex[word]]++;
                if (wordCounts[word] == 1) emissionCounts[tag, ClassColumn(words.Length, word)]++;
            }
        }
        return new HiddenMarkovModel(tags, words, alpha, startCounts, transitionCounts, emissionCounts);
    }

    /// <summary>
    /// Additive smoothing of a count matrix, row by row: P[i, j] = (C[i, j] + α) / (Σ_k C[i, k] + α·K), K columns.
    /// Every row sums to one (a row without counts and α = 0 becomes uniform).
    /// </summary>
    /// <param name="counts">R × K counts.</param>
    /// <param name="alpha">α ≥ 0.</param>
    /// <returns>R × K probabilities.</returns>
    public static Matrix<double> Smooth(Matrix<double> counts, double alpha)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(alpha);
        var p = Matrix<double>.Build.Dense(counts.RowCount, counts.ColumnCount);
        var totals = counts.RowSums();
        for (int i = 0; i < counts.RowCount; i++)
        {
            double denominator = totals[i] + alpha * counts.ColumnCount;
            for (int j = 0; j < counts.ColumnCount; j++)
                p[i, j] = denominator > 0 ? (counts[i, j] + alpha) / denominator : 1.0 / counts.ColumnCount;
        }
        return p;
    }

    /// <summary>The row of <paramref name="tag"/> in A and B.</summary>
    public int TagIndex(string tag) =>
        tagIndex.TryGetValue(tag, out int i) ? i : throw new ArgumentException($"tag \"{tag}\" is not in the model", nameof(tag));

    /// <summary>Whether <paramref name="word"/> occurs in the training corpus (exactly as written).</summary>
    public bool IsKnown(string word) => wordIndex.ContainsKey(word);

    /// <summary>
    /// The column of B that emits <paramref name="word"/>: the word's own column, else its lowercase form's, else the
    /// column of its <see cref="WordShape.Classify">class</see>.
    /// </summary>
    public int Column(string word) =>
        wordIndex.TryGetValue(word, out int w) ? w
        : wordIndex.TryGetValue(word.ToLowerInvariant(), out w) ? w
        : ClassColumn(wordIndex.Count, word);

    /// <summary>N × T: <c>[j, t]</c> = log B[j, column of word t], the emission log-probabilities of a sentence.</summary>
    public Matrix<double> LogEmissions(IReadOnlyList<string> words)
    {
        var e = Matrix<double>.Build.Dense(Tags.Count, words.Count);
        for (int t = 0; t < words.Count; t++) e.SetColumn(t, logB.Column(Column(words[t])));
        return e;
    }

    /// <summary>
    /// The most probable tags of <paramref name="words"/> by <see cref="Viterbi"/>, the log-probability
    /// log P(tags, words) of that path, and the N × T trellis.
    /// </summary>
    public (string[] Tags, double LogProbability, Trellis Trellis) Decode(IReadOnlyList<string> words)
    {
        var (path, logProbability, trellis) = Viterbi.Decode(logPi, logA, LogEmissions(words));
        return (path.Select(i => Tags[i]).ToArray(), logProbability, trellis);
    }

    /// <summary>The most probable tags of <paramref name="words"/>, one per word.</summary>
    public string[] Tag(IReadOnlyList<string> words) => Decode(words).Tags;

    /// <summary>
    /// log P(tags, words) = log π(t_0) + Σ_k log A[t_{k−1}, t_k] + Σ_k log B[t_k, w_k]: the score of one path
    /// through the trellis. The Viterbi path is the tag sequence that maximises it.
    /// </summary>
    public double LogProbability(IReadOnlyList<string> words, IReadOnlyList<string> tags)
    {
        if (words.Count != tags.Count) throw new ArgumentException($"{words.Count} words but {tags.Count} tags.", nameof(tags));
        double logP = 0;
        for (int k = 0; k < words.Count; k++)
        {
            int tag = TagIndex(tags[k]);
            logP += (k == 0 ? logPi[tag] : logA[TagIndex(tags[k - 1]), tag]) + logB[tag, Column(words[k])];
        }
        return logP;
    }

    static int ClassColumn(int wordCount, string word) =>
        wordCount + IndexOf(WordShape.Classes, WordShape.Classify(word));

    static int IndexOf(IReadOnlyList<string> list, string item)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == item) return i;
        throw new InvalidOperationException($"\"{item}\" is not in the list");
    }

    static Dictionary<string, int> Index(IReadOnlyList<string> items)
    {
        var index = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++) index[items[i]] = i;
        return index;
    }
}
