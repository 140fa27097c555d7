using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Taggers;
using SequenceModels.Text;

namespace SequenceModels.Tests.Taggers;

public class TrigramHmmTests
{
    // Plain TnT (no refined states): tags X = 0, Y = 1, boundary = 2.
    // Padded state sequences: <s> <s> X Y </s> and <s> <s> X </s>. Trigrams (t1, t2 → t3):
    //   (2,2→0) ×2, (2,0→1), (0,1→2), (2,0→2); bigrams (t2 → t3): (2→0) ×2, (0→1), (1→2), (0→2);
    //   unigrams: X 2, Y 1, end 2 (total 5).
    static readonly TaggedSentence[] Corpus = [new(["a", "b"], ["X", "Y"]), new(["a"], ["X"])];

    static TrigramHiddenMarkovModel Plain() => TrigramHiddenMarkovModel.Train(Corpus, lexicalisedWords: 0, splitCapitalised: false);

    [Fact]
    public void Counts_match_the_corpus()
    {
        var hmm = Plain();
        Assert.Equal(["X", "Y"], hmm.States);
        Assert.Equal(2, hmm.Boundary);
        Assert.Equal([2.0, 1.0, 2.0], hmm.UnigramCounts.ToArray());
        Assert.Equal(2.0, hmm.BigramCounts[2, 0]);
        Assert.Equal(1.0, hmm.BigramCounts[0, 1]);
        Assert.Equal(1.0, hmm.BigramCounts[1, 2]);
        Assert.Equal(1.0, hmm.BigramCounts[0, 2]);
        Assert.Equal(5.0, hmm.BigramCounts.Enumerate().Sum());
        Assert.Equal(2.0, hmm.TrigramCount(2, 2, 0));
        Assert.Equal(1.0, hmm.TrigramCount(2, 0, 1));
        Assert.Equal(1.0, hmm.TrigramCount(0, 1, 2));
        Assert.Equal(1.0, hmm.TrigramCount(2, 0, 2));
        Assert.Equal(0.0, hmm.TrigramCount(0, 0, 0));
    }

    [Fact]
    public void Deleted_interpolation_matches_hand_calculation_on_the_corpus()
    {
        // (2,2→0), f = 2: trigram (2−1)/(2−1) = 1, bigram (2−1)/(2−1) = 1, unigram (2−1)/(5−1) = 1/4 → λ3, λ2 share 2.
        // (2,0→1), f = 1: trigram 0/(2−1) = 0, bigram 0/(2−1) = 0, unigram 0/4 = 0 → three-way tie, 1/3 each.
        // (0,1→2), f = 1: trigram 0/0 → 0, bigram 0/0 → 0, unigram (2−1)/4 = 1/4 → λ1 gets 1.
        // (2,0→2), f = 1: trigram 0/1 = 0, bigram 0/1 = 0, unigram 1/4 → λ1 gets 1.
        // λ1 = 2 + 1/3, λ2 = 1 + 1/3, λ3 = 1 + 1/3, sum 5: λ = (7/15, 4/15, 4/15).
        var (l1, l2, l3) = Plain().Lambdas;
        Assert.Equal(7.0 / 15, l1, 14);
        Assert.Equal(4.0 / 15, l2, 14);
        Assert.Equal(4.0 / 15, l3, 14);
    }

    [Fact]
    public void Deleted_interpolation_matches_hand_calculation_on_counts()
    {
        // Two states, counts given directly. Unigrams (2, 5), total 7; bigrams f(0→1) = 5, f(1→0) = 1.
        var unigram = Vector<double>.Build.Dense([2.0, 5.0]);
        var bigram = Matrix<double>.Build.DenseOfRowArrays([0, 5], [1, 0]);
        var trigram = new Dictionary<(int, int, int), double> { [(0, 0, 1)] = 3, [(0, 1, 0)] = 1, [(1, 0, 1)] = 2 };
        // (0,0→1), f = 3: trigram (3−1)/(3−1) = 1, bigram (5−1)/(5−1) = 1, unigram (5−1)/(7−1) = 2/3 → λ2, λ3 get 1.5 each.
        // (0,1→0), f = 1: trigram 0/0 → 0, bigram 0/0 → 0, unigram (2−1)/6 = 1/6 → λ1 gets 1.
        // (1,0→1), f = 2: trigram (2−1)/(2−1) = 1, bigram 1, unigram 2/3 → λ2, λ3 get 1 each.
        // λ = (1, 2.5, 2.5) / 6.
        var (l1, l2, l3) = TrigramHiddenMarkovModel.DeletedInterpolation(unigram, bigram, trigram);
        Assert.Equal(1.0 / 6, l1, 14);
        Assert.Equal(2.5 / 6, l2, 14);
        Assert.Equal(2.5 / 6, l3, 14);
    }

    [Fact]
    public void Interpolated_transitions_match_hand_calculation()
    {
        var hmm = Plain();
        // P(Y | <s>, X) = 7/15 · 1/5 + 4/15 · f(X→Y)/f(X) + 4/15 · f(<s>,X→Y)/f(<s>,X) = 7/75 + 4/15·1/2 + 4/15·1/2 = 27/75
        Assert.Equal(27.0 / 75, hmm.TransitionProbability(2, 0, 1), 14);
        // P(end | X, Y) = 7/15 · 2/5 + 4/15 · 1 + 4/15 · 1 = 54/75
        Assert.Equal(54.0 / 75, hmm.TransitionProbability(0, 1, 2), 14);
        // History (Y, Y) never seen: the trigram term is dropped, (λ1 · 2/5 + λ2 · 1) / (λ1 + λ2) = (34/75) / (11/15) = 34/55
        Assert.Equal(34.0 / 55, hmm.TransitionProbability(1, 1, 2), 14);
    }

    [Fact]
    public void Transition_rows_sum_to_one()
    {
        foreach (var hmm in new[] { Plain(), TrigramHiddenMarkovModel.Train(SampleCorpus(), lexicalisedWords: 3) })
        {
            int s = hmm.Boundary + 1;
            for (int t1 = 0; t1 < s; t1++)
                for (int t2 = 0; t2 < s; t2++)
                    Assert.Equal(1.0, Enumerable.Range(0, s).Sum(t3 => hmm.TransitionProbability(t1, t2, t3)), 12);
            var (l1, l2, l3) = hmm.Lambdas;
            Assert.Equal(1.0, l1 + l2 + l3, 14);
        }
    }

    [Fact]
    public void Known_words_emit_only_from_states_seen_with_them()
    {
        var hmm = Plain();
        // P(a | X) = C(X, a) / C(X) = 2/2; P(b | Y) = 1/1; a never appeared as Y.
        var e = hmm.LogEmissions(["a", "b"]);
        Assert.Equal(0.0, e[0, 0], 14);
        Assert.Equal(double.NegativeInfinity, e[1, 0]);
        Assert.Equal(0.0, e[1, 1], 14);
        Assert.Equal(double.NegativeInfinity, e[0, 1]);
    }

    [Fact]
    public void Refined_states_split_by_capitalisation_and_lexicalised_words()
    {
        var hmm = TrigramHiddenMarkovModel.Train(SampleCorpus(), lexicalisedWords: 1, splitCapitalised: true);
        // "the" is the most frequent word, so it gets its own states; "The" starts sentences.
        Assert.Equal(["the"], hmm.LexicalisedWords);
        Assert.Contains("DET|the", hmm.States);
        Assert.Contains("DET|the|Cap", hmm.States);
        Assert.Contains("PROPN|Cap", hmm.States);
        Assert.DoesNotContain("DET", hmm.States);
        Assert.Equal("DET", hmm.Tags[hmm.TagOf(hmm.States.ToList().IndexOf("DET|the|Cap"))]);
        // An unknown capitalised word may only take capitalised, non-lexicalised states.
        var e = hmm.LogEmissions(["Zorblat"]);
        for (int s = 0; s < hmm.States.Count; s++)
        {
            bool allowed = hmm.States[s].EndsWith("|Cap") && !hmm.States[s].Contains("|the");
            if (!allowed) Assert.Equal(double.NegativeInfinity, e[s, 0]);
        }
        Assert.Contains(Enumerable.Range(0, hmm.States.Count), s => e[s, 0] > double.NegativeInfinity);
    }

    [Fact]
    public void Decode_returns_tags_and_the_best_state_path()
    {
        var hmm = TrigramHiddenMarkovModel.Train(SampleCorpus(), lexicalisedWords: 2);
        string[] words = ["The", "dog", "sees", "Anna"];
        var (tags, logP) = hmm.Decode(words);

        Assert.Equal(["DET", "NOUN", "VERB", "PROPN"], tags);
        // The best score over every state sequence, by enumeration.
        var e = hmm.LogEmissions(words);
        int n = hmm.States.Count, boundary = hmm.Boundary;
        var candidates = Enumerable.Range(0, words.Length)
            .Select(k => Enumerable.Range(0, n).Where(s => e[s, k] > double.NegativeInfinity).ToArray()).ToArray();
        double best = double.NegativeInfinity;
        void Search(int k, int t1, int t2, double score)
        {
            if (k == words.Length)
            {
                best = Math.Max(best, score + Math.Log(hmm.TransitionProbability(t1, t2, boundary)));
                return;
            }
            foreach (int s in candidates[k]) Search(k + 1, t2, s, score + Math.Log(hmm.TransitionProbability(t1, t2, s)) + e[s, k]);
        }
        Search(0, boundary, boundary, 0.0);
        Assert.Equal(best, logP, 10);
    }

    [Fact]
    public void Successive_abstraction_matches_hand_calculation()
    {
        // Tags ADV = 0, NOUN = 1, VERB = 2; all four words are <lower>.
        (string, int)[] tokens = [("walking", 2), ("talking", 2), ("ceiling", 1), ("quickly", 0)];
        var model = SuffixTagModel.Train(tokens, tagCount: 3, maxSuffixLength: 2);
        // P̂(t) = (1/4, 1/4, 1/2); θ = sqrt(((1/4 − 1/3)² + (1/4 − 1/3)² + (1/2 − 1/3)²) / 2) = sqrt(1/48).
        double theta = Math.Sqrt(1.0 / 48);
        Assert.Equal(theta, model.Theta, 14);
        // "singing": the shape <lower> has the same counts as the prior, q = (1/4, 1/4, 1/2); the endings "g" and "ng"
        // were seen on walking, talking, ceiling: r = (0, 1/3, 2/3). p1 = (r + θq)/(1 + θ), p2 = (r + θ·p1)/(1 + θ).
        double[] q = [0.25, 0.25, 0.5], r = [0, 1.0 / 3, 2.0 / 3];
        var p = model.TagProbabilities("singing");
        for (int t = 0; t < 3; t++)
        {
            double p1 = (r[t] + theta * q[t]) / (1 + theta);
            Assert.Equal((r[t] + theta * p1) / (1 + theta), p[t], 14);
        }
        Assert.Equal(1.0, p.Sum(), 14);
        // "xyz": the ending "z" was never seen, so the chain stops at the shape: q.
        var stopped = model.TagProbabilities("xyz");
        for (int t = 0; t < 3; t++) Assert.Equal(q[t], stopped[t], 14);
    }

    static TaggedSentence[] SampleCorpus() =>
    [
        new(["The", "dog", "sees", "the", "cat", "."], ["DET", "NOUN", "VERB", "DET", "NOUN", "PUNCT"]),
        new(["Anna", "sees", "the", "dog", "."], ["PROPN", "VERB", "DET", "NOUN", "PUNCT"]),
        new(["The", "cat", "sleeps", "."], ["DET", "NOUN", "VERB", "PUNCT"]),
        new(["Tom", "feeds", "the", "cat", "."], ["PROPN", "VERB", "DET", "NOUN", "PUNCT"]),
    ];
}
