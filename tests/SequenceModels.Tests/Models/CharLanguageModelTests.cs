using System.Text.Json.Nodes;
using SequenceModels;
using SequenceModels.Text;
using Xunit.Abstractions;

namespace SequenceModels.Tests.Models;

public class CharLanguageModelTests(ITestOutputHelper output)
{
    private static readonly CharVocabulary Hello = CharVocabulary.Build("hello world");

    public static IEnumerable<object[]> Cells => Enum.GetValues<RecurrentCell>().Select(c => new object[] { c });

    public static IEnumerable<object[]> CellsAndDropout =>
        Enum.GetValues<RecurrentCell>().SelectMany(c => new[] { new object[] { c, 0.0 }, [c, 0.25] });

    [Theory]
    [MemberData(nameof(CellsAndDropout))]
    public void The_whole_model_matches_finite_differences_with_a_carried_state(RecurrentCell cell, double dropout)
    {
        var rng = new Random(3);
        var model = new CharLanguageModel<double>(Hello, new CharLanguageModelOptions(cell, Layers: 2, HiddenSize: 4, EmbeddingSize: 3, dropout), rng);
        foreach (var p in model.Parameters.Where(p => p.Value.ColumnCount == 1)) Init.Normal<double>(p.Value.RowCount, 1, 0.3, rng).CopyTo(p.Value);
        var streams = new TextStreams(Hello.Encode("hello world, hello low old herd"), streams: 2, steps: 4);
        // The state carried in from the previous batch is a constant of this batch's loss (truncated BPTT).
        var (x0, y0) = streams.Batch(0);
        var (_, carried) = model.Loss(x0, y0);
        var (x1, y1) = streams.Batch(1);
        // With dropout, every evaluation of the loss draws the same masks from a generator with the same seed.
        var report = GradientCheck.Run(model.Parameters, () => model.Loss(x1, y1, carried, dropout > 0 ? new Random(4) : null).Loss,
            model.Backward, GradientCheck.FourthOrderEpsilon, order: 4);
        output.WriteLine(report.ToString());
        Assert.True(report.Passed(1e-7), report.ToString());
        Assert.Equal(model.ParameterCount(), report.Parameters.Sum(p => p.Checked));
    }

    [Fact]
    public void Dropout_acts_only_when_given_a_generator_and_repeats_with_its_seed()
    {
        var model = new CharLanguageModel<double>(Hello, new CharLanguageModelOptions(RecurrentCell.Lstm, 1, 20, 5, Dropout: 0.5),
            new Random(16));
        var (x, y) = new TextStreams(Hello.Encode("hello world, hello low old herd"), streams: 3, steps: 8).Batch(0);
        // Without a generator (evaluation) there is no dropout: Loss equals the loss of Forward's logits.
        var (logits, _) = model.Forward(x);
        Assert.Equal(Losses.LogSoftmaxNll(logits, y).Loss, model.Loss(x, y).Loss, 14);
        // With one, the loss changes from draw to draw, and the same seed repeats it.
        double a = model.Loss(x, y, dropout: new Random(1)).Loss, b = model.Loss(x, y, dropout: new Random(1)).Loss;
        Assert.Equal(a, b);
        Assert.NotEqual(a, model.Loss(x, y, dropout: new Random(2)).Loss);
    }

    [Fact]
    public void Parameters_are_named_by_part()
    {
        var model = new CharLanguageModel<double>(Hello, new CharLanguageModelOptions(RecurrentCell.Gru, 2, 5, 3), new Random(1));
        Assert.Equal(["embedding.W", "rnn.layer0.Wx", "rnn.layer0.Whru", "rnn.layer0.Whc", "rnn.layer0.b", "rnn.layer1.Wx",
            "rnn.layer1.Whru", "rnn.layer1.Whc", "rnn.layer1.b", "output.W", "output.b"], model.Parameters.Select(p => p.Name));
        Assert.Equal(3, model.Embedding.EmbeddingSize);
        Assert.Equal(Hello.Count, model.Output.OutputSize);
    }

    [Fact]
    public void A_uniform_model_has_perplexity_equal_to_the_vocabulary_size()
    {
        string text = "hello world, hello low old herd; hold the door";
        var model = new CharLanguageModel<double>(Hello, new CharLanguageModelOptions(RecurrentCell.Lstm, 1, 6, 4), new Random(2));
        // W_ya = 0 and b_y = 0: every logit is 0 whatever the state, so ŷ = 1/V everywhere.
        model.Output.W.Value.Clear();
        model.Output.B.Value.Clear();
        var score = model.Evaluate(Hello.Encode(text), streams: 3, steps: 5);
        Assert.Equal(Hello.Count, score.Perplexity, 1e-12);
        Assert.Equal(Math.Log(Hello.Count), score.MeanLoss, 1e-14);
        Assert.Equal((text.Length / 3 - 1) * 3, score.Characters);

        var single = new CharLanguageModel<float>(Hello, new CharLanguageModelOptions(RecurrentCell.Gru, 1, 6, 4), new Random(2));
        single.Output.W.Value.Clear();
        single.Output.B.Value.Clear();
        Assert.Equal(Hello.Count, single.Evaluate(Hello.Encode(text), streams: 2, steps: 7).Perplexity, 1e-5);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Carrying_the_state_across_batches_equals_reading_the_stream_at_once(RecurrentCell cell)
    {
        var model = new CharLanguageModel<double>(Hello, new CharLanguageModelOptions(cell, 2, 5, 3), new Random(4));
        int[] ids = Hello.Encode("hello world, hello");
        int m = 2, steps = 8;
        var whole = new TextStreams(ids, m, steps);
        var halves = new TextStreams(ids, m, steps / 2);
        var (all, _) = model.Forward(whole.Batch(0).Inputs);
        var (first, state) = model.Forward(halves.Batch(0).Inputs);
        var (second, _) = model.Forward(halves.Batch(1).Inputs, state);
        int half = steps / 2 * m; // columns of one half
        Assert.True(Tensor.MaxAbsDifference(all.Data.SubMatrix(0, Hello.Count, 0, half), first.Data) < 1e-13);
        Assert.True(Tensor.MaxAbsDifference(all.Data.SubMatrix(0, Hello.Count, half, half), second.Data) < 1e-13);
    }

    [Fact]
    public void A_tiny_corpus_of_repeated_words_is_learned_to_low_perplexity()
    {
        // cat, dog, cow, hen in a fixed cycle, each followed by EOS: after a few characters of context every next
        // character is determined, so a model that learned the corpus has perplexity close to 1.
        string[] words = ["cat", "dog", "cow", "hen"];
        var lines = Enumerable.Range(0, 200).Select(i => words[i % words.Length]).ToArray();
        var vocabulary = CharVocabulary.Build(string.Concat(words));
        int[] ids = vocabulary.EncodeLines(lines);
        var model = new CharLanguageModel<float>(vocabulary, new CharLanguageModelOptions(RecurrentCell.Gru, 1, 32, 8), new Random(5));
        double before = model.Evaluate(ids, streams: 4, steps: 20).Perplexity;

        var result = CharLanguageModelTraining.Train(model, ids, new CharTrainingOptions(BatchSize: 8, SequenceLength: 16,
            LearningRate: 2e-2, MaxSteps: 60), new Random(6));

        double after = model.Evaluate(ids, streams: 4, steps: 20).Perplexity;
        output.WriteLine($"perplexity {before:F3} → {after:F4} after {result.Steps} steps ({result.Elapsed.TotalSeconds:F2} s)");
        Assert.True(before > 8, $"an untrained model should be near uniform over {vocabulary.Count} ids, got {before}");
        Assert.True(after < 1.1, $"perplexity after training: {after}");
        // Greedy sampling after "hen" EOS continues the cycle (EOS decodes as a line break).
        int[] sample = model.SampleIds(vocabulary.EncodeLines(["hen"]), 19, temperature: 0, new Random(1), stopAtEos: false);
        Assert.Equal("cat\ndog\ncow\nhen\ncat", vocabulary.Decode(sample));
    }

    [Fact]
    public void An_example_is_read_from_eos_and_predicts_itself_then_eos()
    {
        var (inputs, targets) = CharLanguageModelTraining.ExampleBatches(Hello, "held");
        int[] h = Hello.Encode("held");
        Assert.Equal([CharVocabulary.EosId, .. h], inputs.Ids);
        Assert.Equal([.. h, CharVocabulary.EosId], targets.Ids);
        Assert.Equal((5, 1), (inputs.Steps, inputs.BatchSize));
    }

    [Fact]
    public void Training_on_examples_learns_a_few_names_and_samples_on_schedule()
    {
        string[] names = ["cat", "dog", "cow", "hen"];
        var vocabulary = CharVocabulary.Build(string.Concat(names));
        var model = new CharLanguageModel<double>(vocabulary, new CharLanguageModelOptions(RecurrentCell.Gru, 1, 16, 8), new Random(9));
        var result = CharLanguageModelTraining.TrainOnExamples(model, names, new Adam<double>(0.02), iterations: 400, clipNorm: 1.0,
            sampleEvery: 100, namesPerSample: 5, new Random(10));
        Assert.Equal(400, result.Losses.Count);
        Assert.Equal([100, 200, 300, 400], result.Samples.Select(s => s.Iteration));
        Assert.All(result.Samples, s => Assert.Equal(5, s.Names.Length));
        // The best possible model: the first letter is c, d or h (1/2, 1/4, 1/4), after c comes a or o (1/2 each), the
        // rest is determined; a name costs 1.5 ln 2 + 0.5 ln 2 = 2 ln 2 nats over its 4 steps, a mean of 0.35. Untrained
        // it is near ln V = ln 12 ≈ 2.48.
        double first = result.Losses[0], last = result.Losses.TakeLast(20).Average();
        output.WriteLine($"loss of the first iteration {first:F3}, mean of the last 20 {last:F3}; last samples: {string.Join(", ", result.Samples[^1].Names)}");
        Assert.True(first > 2.2, $"first loss {first}");
        Assert.True(last < 0.6, $"last losses {last}");
        Assert.All(result.Samples[^1].Names, n => Assert.Contains(n, names));
    }

    [Fact]
    public void Training_on_examples_refuses_an_empty_example() =>
        Assert.Throws<ArgumentException>(() => CharLanguageModelTraining.TrainOnExamples(
            new CharLanguageModel<double>(Hello, new CharLanguageModelOptions(RecurrentCell.Rnn, 1, 4, 2), new Random(1)),
            ["he", ""], new Sgd<double>(0.1), 3, 1.0, 10, 1, new Random(2)));

    [Fact]
    public void Training_runs_the_requested_steps_over_full_batches()
    {
        var model = new CharLanguageModel<float>(Hello, new CharLanguageModelOptions(RecurrentCell.Rnn, 1, 8, 4), new Random(7));
        int[] ids = Hello.Encode(string.Concat(Enumerable.Repeat("hello world ", 10))); // 120 ids: 2 full batches a pass
        var reports = new List<CharTrainingProgress>();
        var result = CharLanguageModelTraining.Train(model, ids, new CharTrainingOptions(BatchSize: 4, SequenceLength: 12,
            MaxSteps: 5, Warmup: 0), new Random(8), reports.Add);
        Assert.Equal(5, result.Steps);
        Assert.Equal(5 * 4 * 12, result.Characters);
        Assert.Equal([1, 2, 3, 4, 5], reports.Select(r => r.Step));
        Assert.Equal([1, 1, 2, 2, 3], reports.Select(r => r.Epoch));
        Assert.Equal(5, result.Losses.Count);
        Assert.All(reports, r => Assert.True(r.GradientNorm > 0));
        Assert.Throws<ArgumentException>(() => CharLanguageModelTraining.Train(model, ids[..40],
            new CharTrainingOptions(BatchSize: 4, SequenceLength: 12, MaxSteps: 1), new Random(8)));
    }

    [Fact]
    public void The_same_seed_gives_the_same_sample()
    {
        var model = new CharLanguageModel<float>(Hello, new CharLanguageModelOptions(RecurrentCell.Lstm, 1, 8, 4), new Random(9));
        string a = model.Sample("he", 40, 1.0, new Random(10), stopAtEos: false);
        string b = model.Sample("he", 40, 1.0, new Random(10), stopAtEos: false);
        string c = model.Sample("he", 40, 1.0, new Random(11), stopAtEos: false);
        Assert.Equal(40, a.Length);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // Greedy sampling draws nothing from the generator.
        Assert.Equal(model.Sample("he", 20, 0, new Random(1)), model.Sample("he", 20, 0, new Random(2)));
    }

    [Fact]
    public void Sampling_stops_at_eos_unless_told_otherwise()
    {
        var model = new CharLanguageModel<double>(Hello, new CharLanguageModelOptions(RecurrentCell.Gru, 1, 4, 3), new Random(12));
        model.Output.B.Value[CharVocabulary.EosId, 0] = 100; // EOS is all but certain
        Assert.Equal("", model.Sample("hello", 10, 1.0, new Random(1)));
        Assert.Equal("\n\n\n", model.Sample("hello", 3, 1.0, new Random(1), stopAtEos: false));
        Assert.Equal("", model.Sample("", 0, 1.0, new Random(1)));
    }

    [Fact]
    public void Save_and_load_give_the_same_weights_vocabulary_and_samples()
    {
        var model = new CharLanguageModel<float>(Hello, new CharLanguageModelOptions(RecurrentCell.Lstm, 2, 6, 5, Dropout: 0.1), new Random(13));
        CharLanguageModelTraining.Train(model, Hello.Encode(string.Concat(Enumerable.Repeat("hello world ", 20))),
            new CharTrainingOptions(BatchSize: 4, SequenceLength: 10, LearningRate: 1e-2, MaxSteps: 10), new Random(14));
        string path = Path.Combine(Path.GetTempPath(), $"charlm-{Guid.NewGuid():N}.seqmodel");
        try
        {
            model.Save(path, new JsonObject { ["note"] = "test" });
            var loaded = CharLanguageModel.Load<float>(path);
            Assert.Equal(model.Options, loaded.Options);
            Assert.Equal(model.Vocabulary.Tokens, loaded.Vocabulary.Tokens);
            for (int i = 0; i < model.Parameters.Count; i++)
            {
                Assert.Equal(model.Parameters[i].Name, loaded.Parameters[i].Name);
                Assert.Equal(model.Parameters[i].Value, loaded.Parameters[i].Value);
            }
            Assert.Equal(model.Sample("wor", 60, 0.9, new Random(15), stopAtEos: false),
                loaded.Sample("wor", 60, 0.9, new Random(15), stopAtEos: false));
            Assert.Equal("test", (string?)ModelFile.ReadHeader(path).Header.Metadata!["notes"]!["note"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Loading_another_kind_of_model_names_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"charlm-{Guid.NewGuid():N}.seqmodel");
        try
        {
            var dense = new Dense<float>(2, 3, new Random(1));
            ModelFile.Save(path, dense.Parameters, new ModelHeader("NerTagger"));
            var e = Assert.Throws<ModelFileException>(() => CharLanguageModel.Load<float>(path));
            Assert.Equal($"{path}: the file holds a \"NerTagger\" model, not \"CharLanguageModel\".", e.Message);

            ModelFile.Save(path, dense.Parameters, new ModelHeader(CharLanguageModel.Kind,
                new JsonObject { ["cell"] = "lstm", ["layers"] = 1, ["hidden"] = 4, ["embedding"] = 2 }));
            e = Assert.Throws<ModelFileException>(() => CharLanguageModel.Load<float>(path));
            Assert.StartsWith($"{path}: the header does not describe a character language model (Not a character vocabulary", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
