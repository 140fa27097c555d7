using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Taggers;
using SequenceModels.Text;

namespace SequenceModels.Tests.Taggers;

public class HmmTests
{
    // Tags in ordinal order: DET = 0, NOUN = 1, VERB = 2. Words in ordinal order: bark, barks, cat, dog, dogs, sleeps,
    // the (7), then the word-shape classes. Every word but "the" is seen once, so it also counts under its class:
    // dog, cat, bark → <lower>; barks, sleeps, dogs → <-s>.
    static readonly TaggedSentence[] Corpus =
    [
        new(["the", "dog", "barks"], ["DET", "NOUN", "VERB"]),
        new(["the", "cat", "sleeps"], ["DET", "NOUN", "VERB"]),
        new(["dogs", "bark"], ["NOUN", "VERB"]),
    ];

    static int V => 7 + WordShape.Classes.Count;

    [Fact]
    public void Counts_match_the_corpus()
    {
        var hmm = HiddenMarkovModel.Train(Corpus, alpha: 0.5);

        Assert.Equal(["DET", "NOUN", "VERB"], hmm.Tags);
        Assert.Equal(V, hmm.Vocabulary.Count);
        Assert.Equal([2.0, 1.0, 0.0], hmm.StartCounts.ToArray());
        Assert.Equal(2.0, hmm.TransitionCounts[0, 1]); // DET → NOUN
        Assert.Equal(3.0, hmm.TransitionCounts[1, 2]); // NOUN → VERB
        Assert.Equal(5.0, hmm.TransitionCounts.Enumerate().Sum());
        Assert.Equal(2.0, hmm.EmissionCounts[0, hmm.Column("the")]);
        Assert.Equal(2.0, hmm.EmissionCounts[1, ClassColumn(hmm, "<lower>")]); // dog, cat
        Assert.Equal(1.0, hmm.EmissionCounts[1, ClassColumn(hmm, "<-s>")]);    // dogs
        Assert.Equal(2.0, hmm.EmissionCounts[2, ClassColumn(hmm, "<-s>")]);    // barks, sleeps
        Assert.Equal([2.0, 6.0, 6.0], hmm.EmissionCounts.RowSums().ToArray());
    }

    [Fact]
    public void Smoothed_probabilities_match_hand_calculation()
    {
        var hmm = HiddenMarkovModel.Train(Corpus, alpha: 0.5);

        // π = (2 + 0.5, 1 + 0.5, 0 + 0.5) / (3 sentences + 0.5·3) = (5/9, 1/3, 1/9)
        AssertClose([5.0 / 9, 1.0 / 3, 1.0 / 9], hmm.Pi.ToArray());
        // A[DET] = (0.5, 2.5, 0.5) / (2 + 1.5) = (1/7, 5/7, 1/7); A[NOUN] = (0.5, 0.5, 3.5) / 4.5 = (1/9, 1/9, 7/9);
        // A[VERB] has no counts: (0.5, 0.5, 0.5) / 1.5 = 1/3 each.
        AssertClose([1.0 / 7, 5.0 / 7, 1.0 / 7], hmm.A.Row(0).ToArray());
        AssertClose([1.0 / 9, 1.0 / 9, 7.0 / 9], hmm.A.Row(1).ToArray());
        AssertClose([1.0 / 3, 1.0 / 3, 1.0 / 3], hmm.A.Row(2).ToArray());
        // B[DET, the] = (2 + 0.5) / (2 + 0.5·V), V = 7 words + the classes; B[DET, cat] = 0.5 / (2 + 0.5·V).
        Assert.Equal(2.5 / (2 + 0.5 * V), hmm.B[0, hmm.Column("the")], 14);
        Assert.Equal(0.5 / (2 + 0.5 * V), hmm.B[0, hmm.Column("cat")], 14);
        // B[NOUN, dog] = 1.5 / (6 + 0.5·V); B[VERB, <-s>] = 2.5 / (6 + 0.5·V).
        Assert.Equal(1.5 / (6 + 0.5 * V), hmm.B[1, hmm.Column("dog")], 14);
        Assert.Equal(2.5 / (6 + 0.5 * V), hmm.B[2, ClassColumn(hmm, "<-s>")], 14);
    }

    [Fact]
    public void Rows_of_pi_A_and_B_sum_to_one()
    {
        foreach (double alpha in new[] { 0.0, 0.001, 1.0 })
        {
            var hmm = HiddenMarkovModel.Train(Corpus, alpha);
            Assert.Equal(1.0, hmm.Pi.Sum(), 12);
            foreach (var row in hmm.A.RowSums()) Assert.Equal(1.0, row, 12);
            foreach (var row in hmm.B.RowSums()) Assert.Equal(1.0, row, 12);
        }
    }

    [Fact]
    public void Smoothing_with_zero_alpha_gives_relative_frequencies_and_uniform_empty_rows()
    {
        var counts = Matrix<double>.Build.DenseOfRowArrays([1, 3], [0, 0]);
        var p = HiddenMarkovModel.Smooth(counts, 0);
        AssertClose([0.25, 0.75], p.Row(0).ToArray());
        AssertClose([0.5, 0.5], p.Row(1).ToArray());
        // α = 1: (1 + 1, 3 + 1) / (4 + 2)
        AssertClose([2.0 / 6, 4.0 / 6], HiddenMarkovModel.Smooth(counts, 1).Row(0).ToArray());
    }

    [Fact]
    public void Unknown_words_are_read_by_lowercase_form_or_class()
    {
        var hmm = HiddenMarkovModel.Train(Corpus, alpha: 0.5);

        Assert.False(hmm.IsKnown("runs"));
        Assert.Equal(ClassColumn(hmm, "<-s>"), hmm.Column("runs"));
        Assert.Equal(ClassColumn(hmm, "<lower>"), hmm.Column("fish"));
        Assert.Equal(ClassColumn(hmm, "<capitalised>"), hmm.Column("Rex"));
        Assert.False(hmm.IsKnown("Dog"));
        Assert.Equal(hmm.Column("dog"), hmm.Column("Dog"));
        // An unknown -s word is most likely a verb here: B[VERB, <-s>] = 2.5/(6 + 0.5V) > B[NOUN, <-s>] = 1.5/(6 + 0.5V).
        var e = hmm.LogEmissions(["runs"]);
        Assert.Equal(Math.Log(2.5 / (6 + 0.5 * V)), e[2, 0], 12);
        Assert.Equal(Math.Log(1.5 / (6 + 0.5 * V)), e[1, 0], 12);
    }

    [Fact]
    public void Path_probability_matches_hand_calculation()
    {
        var hmm = HiddenMarkovModel.Train(Corpus, alpha: 0.5);
        // P(DET NOUN VERB, the cat runs) = π(DET)·B(DET, the)·A(DET, NOUN)·B(NOUN, cat)·A(NOUN, VERB)·B(VERB, <-s>)
        double expected = 5.0 / 9 * (2.5 / (2 + 0.5 * V)) * (5.0 / 7) * (1.5 / (6 + 0.5 * V)) * (7.0 / 9) * (2.5 / (6 + 0.5 * V));
        Assert.Equal(Math.Log(expected), hmm.LogProbability(["the", "cat", "runs"], ["DET", "NOUN", "VERB"]), 12);
    }

    [Fact]
    public void Decode_finds_the_most_probable_tag_sequence()
    {
        var hmm = HiddenMarkovModel.Train(Corpus, alpha: 0.5);
        string[] words = ["the", "cat", "runs"];

        var (tags, logP, trellis) = hmm.Decode(words);

        var all = from a in hmm.Tags from b in hmm.Tags from c in hmm.Tags select new[] { a, b, c };
        var best = all.MaxBy(t => hmm.LogProbability(words, t))!;
        Assert.Equal(best, tags);
        Assert.Equal(["DET", "NOUN", "VERB"], tags);
        Assert.Equal(hmm.LogProbability(words, tags), logP, 12);
        Assert.Equal((3, 3), (trellis.TagCount, trellis.Steps));
    }

    [Theory]
    [InlineData("http://example.org/a", "<web>")]
    [InlineData("www.example.org", "<web>")]
    [InlineData("someone@example.org", "<web>")]
    [InlineData("1,250", "<number>")]
    [InlineData("3.5", "<number>")]
    [InlineData("10:30", "<number>")]
    [InlineData("3rd", "<digits>")]
    [InlineData("mp3", "<digits>")]
    [InlineData(",", "<punct>")]
    [InlineData("...", "<punct>")]
    [InlineData(":-)", "<punct>")]
    [InlineData("re-elected", "<hyphen>")]
    [InlineData("ACLU", "<allcaps>")]
    [InlineData("Leipzig", "<capitalised>")]
    [InlineData("I", "<capitalised>")]
    [InlineData("running", "<-ing>")]
    [InlineData("walked", "<-ed>")]
    [InlineData("quickly", "<-ly>")]
    [InlineData("nation", "<-tion>")]
    [InlineData("decision", "<-tion>")]
    [InlineData("kindness", "<-ness>")]
    [InlineData("readable", "<-able>")]
    [InlineData("visible", "<-able>")]
    [InlineData("natural", "<-al>")]
    [InlineData("famous", "<-ous>")]
    [InlineData("optimise", "<-ize>")]
    [InlineData("teacher", "<-er>")]
    [InlineData("dogs", "<-s>")]
    [InlineData("glass", "<lower>")]
    [InlineData("red", "<lower>")]
    [InlineData("sing", "<lower>")]
    [InlineData("tree", "<lower>")]
    public void Word_shape_classes(string word, string expected)
    {
        Assert.Equal(expected, WordShape.Classify(word));
        Assert.Contains(expected, WordShape.Classes);
    }

    [Fact]
    public void Baseline_takes_each_words_most_frequent_tag_and_unknown_words_by_class()
    {
        TaggedSentence[] corpus =
        [
            new(["the", "run", "was", "long"], ["DET", "NOUN", "AUX", "ADJ"]),
            new(["we", "run"], ["PRON", "VERB"]),
            new(["they", "run", "fast"], ["PRON", "VERB", "ADV"]),
            new(["walking", "helps", "dogs", "cats", "birds", "fish"], ["VERB", "VERB", "NOUN", "NOUN", "NOUN", "NOUN"]),
        ];
        var baseline = MostFrequentTagBaseline.Train(corpus);

        Assert.Equal("NOUN", baseline.MostFrequentTag); // NOUN 5, VERB 4, PRON 2, others 1
        // run: VERB twice, NOUN once. Unknown words: jogging is <-ing>, whose only hapax (walking) is a VERB; hats is
        // <-s>, whose hapaxes are helps (VERB) and dogs, cats, birds (NOUN); Paris is <capitalised>, a class without
        // hapaxes, so it gets the most frequent tag overall.
        Assert.Equal(["VERB", "VERB", "NOUN", "NOUN"], baseline.Tag(["run", "jogging", "hats", "Paris"]));
        Assert.Equal(["PRON", "ADV"], baseline.Tag(["we", "fast"]));
    }

    [Fact]
    public void Accuracy_counts_known_and_unknown_words()
    {
        TaggedSentence[] test = [new(["a", "b", "c", "d"], ["X", "Y", "X", "Y"])];
        // The tagger says X everywhere: right on a and c. Known words: a, b.
        var accuracy = TaggingAccuracy.Measure(test, words => words.Select(_ => "X").ToArray(), w => w is "a" or "b");
        Assert.Equal(0.5, accuracy.Accuracy);
        Assert.Equal(0.5, accuracy.KnownAccuracy);
        Assert.Equal(0.5, accuracy.UnknownAccuracy);
        Assert.Equal((2, 2), (accuracy.KnownTotal, accuracy.UnknownTotal));
    }

    static int ClassColumn(HiddenMarkovModel hmm, string wordClass) =>
        hmm.Vocabulary.Count - WordShape.Classes.Count + WordShape.Classes.ToList().IndexOf(wordClass);

    static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);
    }
}
