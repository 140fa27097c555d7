namespace SequenceModels.Taggers;

// Inside the namespace, so MathNet's Vector<T> wins over System.Numerics.Vector<T> from GlobalUsings.cs.
using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Text;

/// <summary>
/// A second-order hidden Markov model tagger in the manner of TnT (Brants 2000, "TnT — a statistical part-of-speech
/// tagger"): each hidden state depends on the two before it, which sees more context than the lecture's
/// <see cref="HiddenMarkovModel"/>.
/// <list type="bullet">
/// <item>Transitions interpolate three relative frequencies,
/// P(t3 | t1, t2) = λ1 P̂(t3) + λ2 P̂(t3 | t2) + λ3 P̂(t3 | t1, t2), with λ1 + λ2 + λ3 = 1 set by
/// <see cref="DeletedInterpolation"/>; a history never seen in training falls back to the lower orders.</item>
/// <item>Sentence boundaries are a state of their own, index <see cref="Boundary"/>: two of them stand before every
/// sentence and one after it, so the model also learns how sentences start and end.</item>
/// <item>Emissions of known words are relative frequencies, P(w | t) = C(t, w) / C(t), zero for states never seen
/// with the word, so Viterbi only considers the states a word had in training (a tag dictionary: exact, and fast).</item>
/// <item>Unknown words: P(w | t) ∝ P(t | ending of w) / P(t) by Bayes' rule, with P(t | ending) from a
/// <see cref="SuffixTagModel"/> trained on the words seen at most <c>rareWordCount</c> times. A word unknown as
/// written but known in lowercase ("Because" at the start of a sentence) is read in lowercase.</item>
/// </list>
/// <para>
/// Refined states. Two refinements of the hidden states carry information a tag alone does not, and the tagger
/// reports only the tag of each state:
/// <b>capitalisation</b> (as in TnT): each tag is split into a lowercase and a capitalised state ("PROPN" and
/// "PROPN|Cap"), because the tags around capitalised words differ from those around lowercase ones;
/// <b>lexicalisation</b> (Pla and Molina 2004, "Improving part-of-speech tagging using lexicalized HMMs"): the most
/// frequent words get states of their own ("AUX|have", "SCONJ|that"), so the transitions see the word as well as its
/// tag: after "have" as an auxiliary a participle follows, after "that" as a pronoun a verb.
/// </para>
/// </summary>
public sealed class TrigramHiddenMarkovModel
{
    readonly int[] stateTag;
    readonly bool[] stateIsCapitalised, stateIsLexicalised;
    readonly Dictionary<string, (int State, double Count)[]> emissionCounts;
    readonly Dictionary<(int, int, int), double> trigramCounts;
    readonly Dictionary<(int, int), double> trigramHistory;
    readonly Vector<double> bigramHistory;
    readonly double[] logStateProbability;
    readonly double unigramTotal;

    // A hidden state: a tag, refined by a lexicalised word and by capitalisation.
    readonly record struct StateKey(string Tag, string? Word, bool Capitalised)
    {
        public string Name => Tag + (Word is null ? "" : $"|{Word}") + (Capitalised ? "|Cap" : "");
    }

    TrigramHiddenMarkovModel(string[] tags, StateKey[] states, HashSet<string> lexicalisedWords, bool splitsCapitalised,
        Vector<double> unigramCounts, Matrix<double> bigramCounts, Dictionary<(int, int, int), double> trigramCounts,
        Dictionary<string, (int, double)[]> emissionCounts, SuffixTagModel unknownWords)
    {
        Tags = tags;
        States = [.. states.Select(s => s.Name)];
        LexicalisedWords = lexicalisedWords;
        SplitsCapitalised = splitsCapitalised;
        var tagIndex = Index(tags);
        stateTag = [.. states.Select(s => tagIndex[s.Tag])];
        stateIsCapitalised = [.. states.Select(s => s.Capitalised)];
        stateIsLexicalised = [.. states.Select(s => s.Word is not null)];
        UnigramCounts = unigramCounts;
        BigramCounts = bigramCounts;
        this.trigramCounts = trigramCounts;
        this.emissionCounts = emissionCounts;
        UnknownWords = unknownWords;
        unigramTotal = unigramCounts.Sum();
        bigramHistory = bigramCounts.RowSums();
        trigramHistory = [];
        foreach (var ((t1, t2, _), f) in trigramCounts) trigramHistory[(t1, t2)] = trigramHistory.GetValueOrDefault((t1, t2)) + f;
        Lambdas = DeletedInterpolation(unigramCounts, bigramCounts, trigramCounts);
        double tokens = unigramCounts.SubVector(0, states.Length).Sum();
        logStateProbability = [.. Enumerable.Range(0, states.Length).Select(s => Math.Log(unigramCounts[s] / tokens))];
    }

    /// <summary>The N tags the tagger outputs, in ordinal order.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>
    /// The S hidden states, in ordinal order: a tag, then "|word" for a lexicalised word, then "|Cap" for a word with
    /// a capital letter ("AUX|have|Cap" is "Have" as an auxiliary).
    /// </summary>
    public IReadOnlyList<string> States { get; }

    /// <summary>The index S of the sentence boundary: "before the sentence" in a history, "end" as the next state.</summary>
    public int Boundary => States.Count;

    /// <summary>The lowercase words with states of their own.</summary>
    public IReadOnlySet<string> LexicalisedWords { get; }

    /// <summary>Whether each tag has a separate state for words with a capital letter.</summary>
    public bool SplitsCapitalised { get; }

    /// <summary>S+1: f(t), how often each state occurs; index S counts the sentence ends.</summary>
    public Vector<double> UnigramCounts { get; }

    /// <summary>(S+1) × (S+1): <c>[t2, t3]</c> = f(t2, t3), how often t3 follows t2 (t2 = S: at the start).</summary>
    public Matrix<double> BigramCounts { get; }

    /// <summary>The interpolation weights λ1 (unigram), λ2 (bigram), λ3 (trigram); they sum to one.</summary>
    public (double Unigram, double Bigram, double Trigram) Lambdas { get; }

    /// <summary>The model of unknown words, trained on the rare training words.</summary>
    public SuffixTagModel UnknownWords { get; }

    /// <summary>
    /// Counts the model from <paramref name="corpus"/>. The <paramref name="lexicalisedWords"/> most frequent words
    /// (in lowercase) get states of their own; <paramref name="splitCapitalised"/> splits every tag by
    /// capitalisation. Words seen at most <paramref name="rareWordCount"/> times train the unknown-word model, with
    /// endings of up to <paramref name="maxSuffixLength"/> letters (TnT: 10 and 10).
    /// </summary>
    public static TrigramHiddenMarkovModel Train(IEnumerable<TaggedSentence> corpus, int lexicalisedWords = 100, bool splitCapitalised = true,
        int rareWordCount = 10, int maxSuffixLength = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lexicalisedWords);
        var sentences = corpus.Select(s => s.Validate()).ToList();
        var wordCounts = sentences.SelectMany(s => s.Tokens).CountBy(w => w).ToDictionary();
        var lexicalised = sentences.SelectMany(s => s.Tokens).CountBy(w => w.ToLowerInvariant())
            .OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(lexicalisedWords).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        StateKey State(string word, string tag)
        {
            string lower = word.ToLowerInvariant();
            return new(tag, lexicalised.Contains(lower) ? lower : null, splitCapitalised && word.Any(char.IsUpper));
        }

        var tags = sentences.SelectMany(s => s.Tags).Distinct().Order(StringComparer.Ordinal).ToArray();
        var states = sentences.SelectMany(s => s.Tokens.Zip(s.Tags, State)).Distinct().OrderBy(s => s.Name, StringComparer.Ordinal).ToArray();
        var stateIndex = states.Select((state, i) => (state, i)).ToDictionary(p => p.state, p => p.i);
        int n = states.Length, boundary = n;

        var unigram = Vector<double>.Build.Dense(n + 1);
        var bigram = Matrix<double>.Build.Dense(n + 1, n + 1);
        var trigram = new Dictionary<(int, int, int), double>();
        var emissions = new Dictionary<string, Dictionary<int, double>>(StringComparer.Ordinal);
        var rare = new List<(string, int)>();
        foreach (var sentence in sentences)
        {
            int t1 = boundary, t2 = boundary;
            for (int k = 0; k <= sentence.Length; k++)
            {
                int t3 = k < sentence.Length ? stateIndex[State(sentence.Tokens[k], sentence.Tags[k])] : boundary;
                unigram[t3]++;
                bigram[t2, t3]++;
                trigram[(t1, t2, t3)] = trigram.GetValueOrDefault((t1, t2, t3)) + 1;
                if (k < sentence.Length)
                {
                    string word = sentence.Tokens[k];
                    if (!emissions.TryGetValue(word, out var byState)) emissions[word] = byState = [];
                    byState[t3] = byState.GetValueOrDefault(t3) + 1;
                    if (wordCounts[word] <= rareWordCount) rare.Add((word, t3));
                }
                (t1, t2) = (t2, t3);
            }
        }
        var unknownWords = SuffixTagModel.Train(rare, n, maxSuffixLength);
        return new TrigramHiddenMarkovModel(tags, states, lexicalised, splitCapitalised, unigram, bigram, trigram,
            emissions.ToDictionary(e => e.Key, e => e.Value.Select(kv => (kv.Key, kv.Value)).ToArray(), StringComparer.Ordinal), unknownWords);
    }

    /// <summary>
    /// Deleted interpolation (as in TnT): each trigram t1 t2 t3 seen in training votes, with its count, for the
    /// estimate that predicts it best when that one occurrence is taken out of the counts:
    /// (f(t1,t2,t3) − 1) / (f(t1,t2) − 1), (f(t2,t3) − 1) / (f(t2) − 1) or (f(t3) − 1) / (total − 1), where f(t1,t2)
    /// and f(t2) count the histories (0 when a denominator is 0; a tie shares the vote). The λs are the normalised votes.
    /// </summary>
    /// <param name="unigramCounts">S+1: f(t3).</param>
    /// <param name="bigramCounts">(S+1) × (S+1): f(t2, t3).</param>
    /// <param name="trigramCounts">f(t1, t2, t3) for the trigrams seen.</param>
    public static (double Unigram, double Bigram, double Trigram) DeletedInterpolation(Vector<double> unigramCounts,
        Matrix<double> bigramCounts, IReadOnlyDictionary<(int, int, int), double> trigramCounts)
    {
        int s = unigramCounts.Count;
        Shape.Require(bigramCounts, s, s, nameof(bigramCounts));
        double total = unigramCounts.Sum();
        var bigramHistory = bigramCounts.RowSums();
        var trigramHistory = new Dictionary<(int, int), double>();
        foreach (var ((t1, t2, _), f) in trigramCounts) trigramHistory[(t1, t2)] = trigramHistory.GetValueOrDefault((t1, t2)) + f;
        static double Ratio(double a, double b) => b > 0 ? a / b : 0.0;
        double l1 = 0, l2 = 0, l3 = 0;
        foreach (var ((t1, t2, t3), f) in trigramCounts)
        {
            if (f == 0) continue;
            double c3 = Ratio(f - 1, trigramHistory[(t1, t2)] - 1);
            double c2 = Ratio(bigramCounts[t2, t3] - 1, bigramHistory[t2] - 1);
            double c1 = Ratio(unigramCounts[t3] - 1, total - 1);
            double max = Math.Max(c1, Math.Max(c2, c3));
            int ties = (c1 == max ? 1 : 0) + (c2 == max ? 1 : 0) + (c3 == max ? 1 : 0);
            if (c1 == max) l1 += f / ties;
            if (c2 == max) l2 += f / ties;
            if (c3 == max) l3 += f / ties;
        }
        double sum = l1 + l2 + l3;
        return sum > 0 ? (l1 / sum, l2 / sum, l3 / sum) : (1.0, 0.0, 0.0);
    }

    /// <summary>f(t1, t2, t3): how often state t3 follows t1 t2 in training (indices 0..S, S the boundary).</summary>
    public double TrigramCount(int t1, int t2, int t3) => trigramCounts.GetValueOrDefault((t1, t2, t3));

    /// <summary>
    /// P(t3 | t1, t2) = λ1 P̂(t3) + λ2 P̂(t3 | t2) + λ3 P̂(t3 | t1, t2); when a history was never seen, its term is
    /// dropped and the other λs are rescaled to sum to one. Indices 0..S, S the boundary. Sums to one over t3.
    /// </summary>
    public double TransitionProbability(int t1, int t2, int t3)
    {
        var (l1, l2, l3) = Lambdas;
        double p = l1 * UnigramCounts[t3] / unigramTotal, weight = l1;
        if (bigramHistory[t2] > 0)
        {
            p += l2 * BigramCounts[t2, t3] / bigramHistory[t2];
            weight += l2;
        }
        if (trigramHistory.TryGetValue((t1, t2), out double history))
        {
            p += l3 * trigramCounts.GetValueOrDefault((t1, t2, t3)) / history;
            weight += l3;
        }
        return p / weight;
    }

    /// <summary>The index of the tag of state <paramref name="state"/> in <see cref="Tags"/>.</summary>
    public int TagOf(int state) => stateTag[state];

    /// <summary>Whether <paramref name="word"/> occurs in the training corpus (exactly as written).</summary>
    public bool IsKnown(string word) => emissionCounts.ContainsKey(word);

    /// <summary>
    /// S × T: <c>[t, k]</c> = log P(word k | state t) for a known word (−∞ for states never seen with it), and
    /// log P(t | ending) − log P(t) for an unknown one (the same up to log P(word), which is common to every state),
    /// −∞ for lexicalised states and for states whose capitalisation differs from the word's.
    /// </summary>
    public Matrix<double> LogEmissions(IReadOnlyList<string> words)
    {
        int n = States.Count;
        var e = Matrix<double>.Build.Dense(n, words.Count, double.NegativeInfinity);
        for (int k = 0; k < words.Count; k++)
        {
            string word = words[k];
            if (emissionCounts.TryGetValue(word, out var seen) || emissionCounts.TryGetValue(word.ToLowerInvariant(), out seen))
            {
                foreach (var (state, count) in seen) e[state, k] = Math.Log(count / UnigramCounts[state]);
                continue;
            }
            var p = UnknownWords.TagProbabilities(word);
            bool capitalised = SplitsCapitalised && word.Any(char.IsUpper);
            for (int state = 0; state < n; state++)
            {
                if (stateIsLexicalised[state] || stateIsCapitalised[state] != capitalised) continue;
                e[state, k] = Math.Log(p[state]) - logStateProbability[state];
            }
        }
        return e;
    }

    /// <summary>
    /// The most probable tags of <paramref name="words"/> by second-order Viterbi over the states
    /// (<see cref="Viterbi.DecodeSecondOrder"/>), and the log-probability of that state path with the end of the
    /// sentence.
    /// </summary>
    public (string[] Tags, double LogProbability) Decode(IReadOnlyList<string> words)
    {
        var (path, logProbability) = Viterbi.DecodeSecondOrder((i, j, l) => Math.Log(TransitionProbability(i, j, l)), LogEmissions(words));
        return (path.Select(s => Tags[stateTag[s]]).ToArray(), logProbability);
    }

    /// <summary>The most probable tags of <paramref name="words"/>, one per word.</summary>
    public string[] Tag(IReadOnlyList<string> words) => Decode(words).Tags;

    static Dictionary<string, int> Index(IReadOnlyList<string> items)
    {
        var index = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++) index[items[i]] = i;
        return index;
    }
}
