using SequenceModels;
using SequenceModels.Tests.Text;
using SequenceModels.Text;
using Xunit.Abstractions;

namespace SequenceModels.Tests.Models;

public class CrfTaggerTests(ITestOutputHelper output)
{
    private static readonly string[] First = ["Anna", "Boris", "Chen", "Dana", "Emil", "Fatima", "Goran", "Hana", "Ivo", "Jana", "Karl", "Lena"];
    private static readonly string[] Last = ["Berg", "Novak", "Li", "Okafor", "Sato", "Haddad", "Kovac", "Moreau"];
    private static readonly string[] Cities = ["Oslo", "Lima", "Kyiv", "Accra", "Quito", "Hanoi", "Perth", "Riga", "New York", "Buenos Aires"];
    private static readonly string[] Verbs = ["met", "called", "thanked", "visited"];

    /// <summary>A toy corpus: "Anna Berg met Boris in Oslo ." with per and geo entities, BIO.</summary>
    private static List<TaggedSentence> Toy(int count, int seed)
    {
        var rng = new Random(seed);
        var sentences = new List<TaggedSentence>();
        for (int n = 0; n < count; n++)
        {
            var tokens = new List<string>();
            var tags = new List<string>();
            void Add(string words, string type)
            {
                var parts = words.Split(' ');
                for (int i = 0; i < parts.Length; i++)
                {
                    tokens.Add(parts[i]);
                    tags.Add(type == "O" ? "O" : (i == 0 ? "B-" : "I-") + type);
                }
            }
            Add(First[rng.Next(First.Length)] + (rng.Next(2) == 0 ? " " + Last[rng.Next(Last.Length)] : ""), "per");
            Add(Verbs[rng.Next(Verbs.Length)], "O");
            Add(First[rng.Next(First.Length)], "per");
            Add("in", "O");
            Add(Cities[rng.Next(Cities.Length)], "geo");
            Add(".", "O");
            sentences.Add(new TaggedSentence(tokens, tags));
        }
        return sentences;
    }

    private static readonly CrfTaggerOptions Small = new(WordEmbeddingSize: 4, CharEmbeddingSize: 3, CharFilters: 3, CharWindow: 3, CasingSize: 2,
        HiddenSize: 3, Dropout: 0);

    public static TheoryData<string, CrfTaggerOptions> Shapes => new()
    {
        { "BiLSTM-CRF with characters and casing, BIOES", Small },
        { "the same with dropout", Small with { Dropout = 0.3 } },
        { "BIO tags", Small with { Scheme = TagScheme.Bio } },
        { "softmax instead of the CRF", Small with { Crf = false } },
        { "the lecture's LSTM with a CRF", CrfTaggerOptions.LectureCrf with { WordEmbeddingSize = 4, HiddenSize = 3 } },
    };

    private static CrfTagger<double> SmallTagger(CrfTaggerOptions options, IReadOnlyList<TaggedSentence> train, int seed = 1)
    {
        var tagger = CrfTagger<double>.Create(train, options, new Random(seed));
        var rng = new Random(seed + 100); // non-zero biases and CRF scores, so that no gradient is zero by symmetry
        foreach (var p in tagger.Parameters.Where(p => p.Value.ColumnCount == 1 || p.Name.StartsWith("crf.")))
            Init.Normal<double>(p.Value.RowCount, p.Value.ColumnCount, 0.3, rng).CopyTo(p.Value);
        return tagger;
    }

    [Theory]
    [InlineData(14_073, 203_832, 32, 15, 5)]   // CoNLL-2003 English: large batches, 15 epochs, the minimum patience
    [InlineData(3_394, 62_730, 8, 48, 16)]     // WNUT-17: small batches, many epochs, a third of them as patience
    [InlineData(33_570, 734_364, 32, 8, 5)]    // GMB course split: the fewest epochs
    [InlineData(150, 3_000, 8, 50, 16)]        // a sample: the most epochs
    public void Training_settings_follow_the_corpus_size(int sentences, long tokens, int batch, int epochs, int patience)
    {
        var settings = CrfTraining.For(sentences, tokens);
        Assert.Equal((batch, epochs, patience), (settings.BatchSize, settings.MaxEpochs, settings.Patience));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_whole_model_matches_finite_differences(string name, CrfTaggerOptions options)
    {
        var train = Toy(6, 1);
        var tagger = SmallTagger(options, train);
        var batch = tagger.Encode(train.Take(3).Select(s => s.Tokens).ToArray(), train.Take(3).Select(s => s.Tags).ToArray());
        Random? Masks() => options.Dropout > 0 ? new Random(7) : null;
        var report = GradientCheck.Run(tagger.Parameters, () => tagger.Loss(batch, Masks()), tagger.Backward,
            GradientCheck.FourthOrderEpsilon, maxEntries: 60, order: 4);
        output.WriteLine(name + Environment.NewLine + report);
        // 1e-6: the smallest gradients (1e-7 deep in the LSTM) meet the stencil's rounding error, 1e-16·L/ε ≈ 1e-13.
        Assert.True(report.Passed(1e-6), report.ToString());
    }

    [Fact]
    public void Training_learns_the_toy_language_and_keeps_the_best_epoch()
    {
        var train = Toy(200, 2);
        var dev = Toy(40, 3);
        var tagger = CrfTagger<float>.Create(train, CrfTaggerOptions.BiLstmCrf with { WordEmbeddingSize = 20, HiddenSize = 16, CharFilters = 16 }, new Random(4));
        var result = tagger.Fit(train, new CrfTraining(MaxEpochs: 8, Patience: 3, BatchSize: 8, LearningRate: 1e-2), new Random(5), dev,
            epochDone: e => output.WriteLine(e.ToString()));
        output.WriteLine(result.ToString());
        var best = result.Epochs[result.BestEpoch - 1];
        Assert.True(best.Best);
        Assert.Equal(result.Epochs.Max(e => e.ValidationF1), best.ValidationF1);
        var now = tagger.Evaluate(dev);
        Assert.Equal(best.ValidationF1, now.Entities!.Overall.F1); // the kept weights are the best epoch's
        Assert.True(now.Entities.Overall.F1 > 0.95, now.ToString());
        Assert.False(result.Collapsed);
        // An unseen name in a seen context, and an unseen city: read through the characters and casing.
        var tagged = tagger.Predict("Zora Quist met Anna in Oslo .");
        output.WriteLine(tagged.ToString());
        Assert.Equal(["B-per", "I-per", "O", "B-per", "O", "B-geo", "O"], tagged.Tags);
        Assert.True(tagged.Unknown[0] && tagged.Unknown[1]);
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed()
    {
        var train = Toy(30, 6);
        float[] Run()
        {
            var tagger = CrfTagger<float>.Create(train, Small with { Dropout = 0.5 }, new Random(7));
            tagger.Fit(train, new CrfTraining(MaxEpochs: 2, BatchSize: 8), new Random(8), train);
            return tagger.Parameters.SelectMany(p => Tensor.Data(p.Value)).ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void A_model_that_finds_no_entity_is_reported_as_collapsed()
    {
        var train = Toy(20, 9).Select(s => s with { Tags = s.Tags.Select(_ => "O").ToArray() }).ToList();
        var tagger = CrfTagger<float>.Create(train, Small, new Random(10));
        var result = tagger.Fit(train, new CrfTraining(MaxEpochs: 3, Patience: 1, BatchSize: 8, LearningRate: 1e-2), new Random(11), Toy(10, 12));
        Assert.True(result.Collapsed);
        Assert.Contains("collapsed to all-O", result.ToString());
        Assert.Equal(1, result.BestEpoch);
        Assert.True(result.StoppedEarly); // F1 stays 0: patience 1 stops after epoch 2
        Assert.Equal(2, result.Epochs.Count);
    }

    [Fact]
    public void Predictions_are_well_formed_and_scored_in_the_data_scheme()
    {
        var train = Toy(20, 13);
        var tagger = CrfTagger<double>.Create(train, Small, new Random(14), TagScheme.Iob1);
        var evaluation = tagger.Evaluate(train);
        foreach (var tags in evaluation.Predicted)
            for (int i = 0; i <= tags.Count; i++)
                Assert.True(TagSchemes.Allows(i > 0 ? tags[i - 1] : null, i < tags.Count ? tags[i] : null, TagScheme.Iob1), string.Join(' ', tags));
        Assert.Contains(train.SelectMany(s => TagSchemes.FromBio(s.Tags, TagScheme.Iob1)), t => t == "I-per"); // the gold was scored as IOB1 too
        Assert.Contains("I-per", evaluation.Confusion.Labels);
    }

    [Fact]
    public void An_unknown_word_is_still_read_through_its_characters_and_casing()
    {
        var tagger = SmallTagger(Small, Toy(10, 15));
        var batch = tagger.Encode([["Zork"], ["zork"], ["Qwyx"]]);
        Assert.All(batch.Words.Ids, id => Assert.Equal(Vocabulary.UnkId, id));
        var z = tagger.Forward(batch).Data;
        Assert.NotEqual(z.Column(0), z.Column(1)); // same word key, other casing
        Assert.NotEqual(z.Column(0), z.Column(2)); // same casing, other characters
    }

    [Fact]
    public void Pretrained_vectors_start_the_words_they_know_and_bring_new_ones()
    {
        var train = Toy(10, 16);
        var vectors = WordVectors.Read(new StringReader("oslo 1 2 3 4\nzanzibar 5 6 7 8\nnowhere 0 0 0 1\n"), "v.txt");
        var tagger = CrfTagger<double>.Create(train, Small, new Random(17), vectors: vectors, vectorWords: ["Zanzibar", "unseen"]);
        Assert.True(tagger.Vocabulary.Contains("zanzibar"));
        Assert.False(tagger.Vocabulary.Contains("unseen"));   // not in the vectors
        Assert.False(tagger.Vocabulary.Contains("nowhere"));  // in the vectors but not asked for
        Assert.Equal([5.0, 6, 7, 8], tagger.WordEmbedding.W.Value.Column(tagger.Vocabulary.IdOf("zanzibar")).ToArray());
        Assert.Equal([1.0, 2, 3, 4], tagger.WordEmbedding.W.Value.Column(tagger.Vocabulary.IdOf("oslo")).ToArray());
        Assert.Throws<ArgumentException>(() => CrfTagger<double>.Create(train, Small with { WordEmbeddingSize = 5 }, new Random(1), vectors: vectors));
    }

    [Fact]
    public void A_saved_tagger_loads_with_the_same_weights_and_predictions()
    {
        var train = Toy(20, 18);
        var tagger = SmallTagger(Small, train);
        string path = Path.Combine(Path.GetTempPath(), $"crf-{Guid.NewGuid():N}.model");
        try
        {
            tagger.Save(path);
            var loaded = CrfTagger<double>.Load(path);
            Assert.Equal(tagger.ToString(), loaded.ToString());
            Assert.Equal(tagger.Parameters.Select(p => p.Value), loaded.Parameters.Select(p => p.Value));
            var sentences = train.Select(s => s.Tokens).ToArray();
            Assert.Equal(tagger.PredictTags(sentences), loaded.PredictTags(sentences));
            Assert.Throws<ModelFileException>(() => SequenceTagger<double>.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void On_the_sample_corpus_it_finds_more_entities_than_the_lecture_model()
    {
        static IReadOnlyList<TaggedSentence> Read(string name) =>
            ConllReader.Read(Path.Combine(TextFiles.RepoRoot, "data", "ner", name), TagScheme.Bio, BioTags.Gmb);
        var (train, dev) = (Read("train.conll"), Read("dev.conll"));
        var lecture = new SequenceTagger<float>(Vocabulary.Build(train), TagMap.Build(train), TaggerOptions.Lecture, new Random(1));
        lecture.Fit(train, TaggerTraining.Lecture with { BatchSize = 8, Epochs = 8 }, new Random(2));
        var tagger = CrfTagger<float>.Create(train, CrfTaggerOptions.BiLstmCrf, new Random(1));
        var result = tagger.Fit(train, CrfTraining.For(train.Count, train.Sum(s => s.Length)) with { MaxEpochs = 8 }, new Random(2), dev,
            epochDone: e => output.WriteLine(e.ToString()));
        double lectureF1 = lecture.Evaluate(dev).Entities!.Overall.F1;
        output.WriteLine($"{result}; the lecture model: {lectureF1:F4}");
        Assert.False(result.Collapsed);
        Assert.True(result.Validation!.Entities!.Overall.F1 > lectureF1 + 0.05, $"{result}; the lecture model: {lectureF1:F4}");
    }
}
