using SequenceModels;
using SequenceModels.Tests.Text;
using SequenceModels.Text;
using Xunit.Abstractions;

namespace SequenceModels.Tests.Models;

public class SequenceTaggerTests(ITestOutputHelper output)
{
    private static readonly Vocabulary SmallVocabulary = Vocabulary.Build([["the", "cat", "sat", "in", "Paris", "with", "Anna"]]);
    private static readonly TagMap SmallTags = TagMap.FromTags(["O", "B-per", "I-per", "B-geo", "I-geo"]);

    // Ids 2..8 are words; a padded batch of three sentences of lengths 4, 3 and 2.
    private static readonly int[][] Sentences = [[2, 3, 4, 5], [6, 1, 7], [8, 8]];
    private static readonly int[][] Labels = [[0, 1, 2, 3], [4, 3, 0], [1, 2]];

    public static TheoryData<string, TaggerOptions> Shapes => new()
    {
        { "LSTM", new TaggerOptions(EmbeddingSize: 3, HiddenSize: 4) },
        { "BiLSTM", new TaggerOptions(EmbeddingSize: 3, HiddenSize: 3, Bidirectional: true) },
        { "2 stacked BiLSTM layers", new TaggerOptions(EmbeddingSize: 3, HiddenSize: 2, Bidirectional: true, Layers: 2) },
        { "GRU", new TaggerOptions(EmbeddingSize: 3, HiddenSize: 4, Cell: TaggerCell.Gru) },
        { "LSTM with dropout", new TaggerOptions(EmbeddingSize: 3, HiddenSize: 4, Dropout: 0.3) },
    };

    private static SequenceTagger<double> SmallTagger(TaggerOptions options, int seed = 1)
    {
        var tagger = new SequenceTagger<double>(SmallVocabulary, SmallTags, options, new Random(seed));
        // Non-zero biases, so that no gradient is zero by symmetry.
        var rng = new Random(seed + 100);
        foreach (var p in tagger.Parameters.Where(p => p.Value.ColumnCount == 1))
            Init.Normal<double>(p.Value.RowCount, 1, 0.3, rng).CopyTo(p.Value);
        return tagger;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_whole_model_matches_finite_differences(string name, TaggerOptions options)
    {
        var tagger = SmallTagger(options);
        var words = TokenBatch.FromSequences(Sentences);
        var tags = TokenBatch.FromSequences(Labels, TagMap.PadId);
        // With dropout, every forward pass draws the same masks from a fresh generator with the same seed. (The masks
        // decide how small some gradients get; with seed 7 one entry of Wh is 1.4e-7, below what a relative error of
        // 1e-7 can resolve against the loss's rounding, 1e-13 after the fourth-order difference.)
        Random? Masks() => options.Dropout > 0 ? new Random(8) : null;
        var report = GradientCheck.Run(tagger.Parameters, () => tagger.Loss(words, tags, Masks()), tagger.Backward,
            GradientCheck.FourthOrderEpsilon, order: 4);
        output.WriteLine(name + Environment.NewLine + report);
        Assert.True(report.Passed(1e-7), report.ToString());
    }

    [Fact]
    public void Dropout_changes_the_training_pass_only()
    {
        var tagger = SmallTagger(new TaggerOptions(EmbeddingSize: 3, HiddenSize: 4, Dropout: 0.5));
        var words = TokenBatch.FromSequences(Sentences);
        var plain = tagger.Forward(words).Data;
        Assert.Equal(plain, tagger.Forward(words).Data);
        Assert.NotEqual(plain, tagger.Forward(words, new Random(1)).Data);
        Assert.Equal(tagger.Forward(words, new Random(1)).Data, tagger.Forward(words, new Random(1)).Data);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Predictions_do_not_depend_on_padding(string name, TaggerOptions options)
    {
        var tagger = SmallTagger(options);
        int[] sentence = [6, 1, 7];
        var alone = TokenBatch.FromSequences([sentence]);
        // The same sentence second in a batch of three, padded to 7 steps with a real word id (4) as the filler.
        int steps = 7, m = 3;
        int[][] batch = [[2, 3, 4, 5, 2], sentence, [8]];
        var ids = new int[steps * m];
        Array.Fill(ids, 4);
        for (int b = 0; b < m; b++)
            for (int t = 0; t < batch[b].Length; t++) ids[t * m + b] = batch[b][t];
        var padded = new TokenBatch(ids, steps, m, batch.Select(s => s.Length).ToArray(), padId: 4);

        var tagsAlone = tagger.Predict(alone);
        var tagsPadded = tagger.Predict(padded);
        var logAlone = tagger.LogProbabilities(alone).Data;
        var logPadded = tagger.LogProbabilities(padded).Data;
        for (int t = 0; t < sentence.Length; t++)
        {
            Assert.Equal(tagsAlone[t], tagsPadded[t * m + 1]);
            for (int k = 0; k < SmallTags.Count; k++)
                Assert.Equal(logAlone[k, t], logPadded[k, t * m + 1], 1e-12);
        }
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < m; b++)
                if (!padded.IsReal(t, b)) Assert.Equal(TagMap.PadId, tagsPadded[t * m + b]);
        output.WriteLine($"{name}: {string.Join(' ', SmallTags.Decode(tagsAlone))}");
    }

    [Fact]
    public void Log_probabilities_are_normalised_and_predictions_are_their_argmax()
    {
        var tagger = SmallTagger(new TaggerOptions(EmbeddingSize: 3, HiddenSize: 4));
        var words = TokenBatch.FromSequences(Sentences);
        var logProbs = tagger.LogProbabilities(words).Data;
        var predicted = tagger.Predict(words);
        for (int col = 0; col < logProbs.ColumnCount; col++)
        {
            Assert.Equal(1.0, logProbs.Column(col).PointwiseExp().Sum(), 12);
            if (predicted[col] != TagMap.PadId) Assert.Equal(logProbs.Column(col).MaximumIndex(), predicted[col]);
        }
    }

    private static readonly Lazy<(IReadOnlyList<TaggedSentence> Train, IReadOnlyList<TaggedSentence> Dev, IReadOnlyList<TaggedSentence> Test)> Sample =
        new(() =>
        {
            IReadOnlyList<TaggedSentence> Load(string name) =>
                ConllReader.Read(Path.Combine(TextFiles.RepoRoot, "data", "ner", name), TagScheme.Bio, BioTags.Gmb);
            return (Load("train.conll"), Load("dev.conll"), Load("test.conll"));
        });

    [Fact]
    public void Training_on_the_sample_corpus_beats_the_all_o_baseline()
    {
        var (train, dev, test) = Sample.Value;
        var rng = new Random(0);
        var tagger = new SequenceTagger<float>(Vocabulary.Build(train), TagMap.Build(train), TaggerOptions.Lecture, rng);
        var epochs = new List<TaggerEpoch>();
        var history = tagger.Fit(train, TaggerTraining.Lecture with { Epochs = 6, BatchSize = 8 }, rng, dev, epochDone: epochs.Add);
        var result = tagger.Evaluate(test);
        output.WriteLine(string.Join(Environment.NewLine, epochs));
        output.WriteLine(result.ToString());

        Assert.Equal(6, history.EpochLosses.Count);
        Assert.Equal(6, history.Validation.Count);
        Assert.True(history.EpochLosses[^1] < history.EpochLosses[0] / 2, $"losses {string.Join(", ", history.EpochLosses)}");
        Assert.True(result.MaskedAccuracy > result.AllOBaseline + 0.02,
            $"masked accuracy {result.MaskedAccuracy:F4} vs all-O baseline {result.AllOBaseline:F4}");
        Assert.True(result.Entities!.Overall.F1 > 0.2, $"entity F1 {result.Entities.Overall.F1:F4}");
    }

    [Fact]
    public void Training_is_deterministic_with_a_seed()
    {
        var (train, _, _) = Sample.Value;
        var few = train.Take(40).ToArray();
        float[] Run()
        {
            var rng = new Random(3);
            var tagger = new SequenceTagger<float>(Vocabulary.Build(few), TagMap.Build(few),
                new TaggerOptions(EmbeddingSize: 8, HiddenSize: 8, Bidirectional: true, Dropout: 0.5), rng);
            tagger.Fit(few, new TaggerTraining(Epochs: 2, BatchSize: 8, WordDropout: 0.5), rng);
            return tagger.Parameters.SelectMany(p => Tensor.Data(p.Value)).ToArray();
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void A_saved_model_loads_with_the_same_options_vocabulary_tags_and_predictions()
    {
        var (train, _, test) = Sample.Value;
        var rng = new Random(5);
        var options = new TaggerOptions(EmbeddingSize: 6, HiddenSize: 5, Bidirectional: true, Layers: 2, Dropout: 0.25);
        var tagger = new SequenceTagger<float>(Vocabulary.Build(train, minFrequency: 2), TagMap.Build(train), options, rng);
        tagger.Fit(train.Take(50).ToArray(), new TaggerTraining(Epochs: 1, BatchSize: 10), rng);
        string path = Path.Combine(Path.GetTempPath(), $"tagger-{Guid.NewGuid():N}.model");
        try
        {
            tagger.Save(path);
            var loaded = SequenceTagger<float>.Load(path);
            Assert.Equal(options, loaded.Options);
            Assert.Equal(tagger.Vocabulary.Tokens, loaded.Vocabulary.Tokens);
            Assert.Equal(2, loaded.Vocabulary.MinFrequency);
            Assert.Equal(tagger.Tags.Tags, loaded.Tags.Tags);
            var sentences = test.Select(s => s.Tokens).ToArray();
            Assert.Equal(tagger.PredictTags(sentences), loaded.PredictTags(sentences));
            var words = SentenceBatches.Encode(test.Take(20).ToArray(), tagger.Vocabulary, tagger.Tags).Words;
            Assert.Equal(tagger.LogProbabilities(words).Data, loaded.LogProbabilities(words).Data);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Loading_a_file_of_another_model_kind_names_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"other-{Guid.NewGuid():N}.model");
        try
        {
            var dense = new Dense<float>(2, 3, new Random(1));
            ModelFile.Save(path, dense.Parameters, new ModelHeader("Dense"));
            var e = Assert.Throws<ModelFileException>(() => SequenceTagger<float>.Load(path));
            Assert.Equal($"{path}: the file holds a \"Dense\" model, not a \"SequenceTagger\".", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Predicting_on_raw_text_tokenises_marks_unknown_words_and_groups_entities()
    {
        // A tagger that has learned four sentences by heart.
        TaggedSentence S(string text, string tags) => new(text.Split(' '), tags.Split(' '));
        TaggedSentence[] train =
        [
            S("Anna Berg visited Paris on Monday .", "B-per I-per O B-geo O B-tim O"),
            S("Paris welcomed Anna Berg .", "B-geo O B-per I-per O"),
            S("Rain fell on Monday in Oslo .", "O O O B-tim O B-geo O"),
            S("Oslo and Paris are cities .", "B-geo O B-geo O O O"),
        ];
        var rng = new Random(2);
        var tagger = new SequenceTagger<float>(Vocabulary.Build(train), TagMap.Build(train),
            new TaggerOptions(EmbeddingSize: 16, HiddenSize: 16, Bidirectional: true), rng);
        tagger.Fit(train, new TaggerTraining(Epochs: 150, BatchSize: 4, LearningRate: 0.02), rng);

        var tagged = tagger.Predict("Anna Berg visited Paris on Monday.");
        Assert.Equal(["Anna", "Berg", "visited", "Paris", "on", "Monday", "."], tagged.Tokens);
        Assert.Equal(["B-per", "I-per", "O", "B-geo", "O", "B-tim", "O"], tagged.Tags);
        Assert.All(tagged.Unknown, Assert.False);
        Assert.Equal([(new Entity("per", 0, 2), "Anna Berg"), (new Entity("geo", 3, 4), "Paris"), (new Entity("tim", 5, 6), "Monday")],
            tagged.Entities);
        Assert.Equal("Anna/B-per Berg/I-per visited Paris/B-geo on Monday/B-tim ." + Environment.NewLine +
                     "entities: per \"Anna Berg\", geo \"Paris\", tim \"Monday\"", tagged.ToString());

        var unknown = tagger.Predict("Anna Berg visited Lyon.");
        Assert.Equal([false, false, false, true, false], unknown.Unknown);
    }
}
