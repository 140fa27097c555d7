using SequenceModels;
using SequenceModels.Text;
using Workbook.Bench;
using Workbook.Commands;

namespace Workbook.Tests.Commands;

// What the benchmark measures must be the reference's workload; how fast it runs is printed, never asserted.
public class BenchCommandTests
{
    static NerBench.Workload W(string name) => NerBench.Workloads.Single(w => w.Name == name);

    [Theory]
    [InlineData("W1", 50, 50, false, 64, 32)]
    [InlineData("W2", 100, 128, true, 32, 48)]
    [InlineData("W3", 100, 128, true, 256, 48)]
    public void Workloads_have_the_reference_sizes(string name, int e, int h, bool bi, int b, int t)
    {
        var w = W(name);
        Assert.Equal((35181, e, h, bi, b, t, name != "W3"), (w.Vocabulary, w.EmbeddingSize, w.HiddenSize, w.Bidirectional, w.BatchSize, w.Steps, w.Train));
    }

    [Fact]
    public void Batches_follow_the_reference_inputs()
    {
        var w = W("W2");
        var batches = NerBench.MakeBatches(w, 8, new Random(1));

        Assert.Equal(8, batches.Length);
        foreach (var (words, tags) in batches)
        {
            Assert.Equal((w.Steps, w.BatchSize), (words.Steps, words.BatchSize));
            Assert.Equal(words.Lengths, tags.Lengths);
            for (int b = 0; b < w.BatchSize; b++)
            {
                Assert.InRange(words.Lengths[b], w.Steps / 2, w.Steps);
                for (int t = 0; t < w.Steps; t++)
                {
                    if (words.IsReal(t, b))
                    {
                        Assert.InRange(words[t, b], 1, w.Vocabulary - 1);
                        Assert.InRange(tags[t, b], 0, NerBench.TagCount - 1);
                    }
                    else
                    {
                        Assert.Equal(Vocabulary.PadId, words[t, b]);
                        Assert.Equal(TagMap.PadId, tags[t, b]);
                    }
                }
            }
        }
        // Lengths really vary over the whole range, as torch.randint(T // 2, T + 1) does.
        var lengths = batches.SelectMany(x => x.Words.Lengths).ToArray();
        Assert.Equal(w.Steps / 2, lengths.Min());
        Assert.Equal(w.Steps, lengths.Max());
    }

    [Fact]
    public void Synthetic_vocabulary_has_exactly_the_reference_size()
    {
        Assert.Equal(35181, NerBench.SyntheticVocabulary(35181).Count);
    }

    [Fact]
    public void Training_step_starts_near_uniform_loss_and_learns_the_repeated_batches()
    {
        var (step, tagger) = NerBench.Prepare(W("W1"));
        Assert.Equal(35181 * 50 + 4 * 50 * (50 + 50 + 1) + 17 * (50 + 1), tagger.ParameterCount());

        // Small initial weights give nearly uniform tag probabilities: the loss of random tags is about ln 17.
        double first = step();
        Assert.InRange(first, Math.Log(17) - 0.1, Math.Log(17) + 0.1);

        // The step cycles over 8 fixed batches; Adam (1e-3) memorises them, so the loss falls below ln 17.
        double last = 0;
        for (int i = 0; i < 8 * 25; i++) last = step();
        Assert.True(last < first - 0.2, $"the loss went from {first:F4} to {last:F4}");
    }

    [Fact]
    public void Inference_step_predicts_tags_without_changing_the_weights()
    {
        var (step, tagger) = NerBench.Prepare(W("W1") with { Train = false });
        var before = tagger.Parameters.Select(p => p.Value.Clone()).ToArray();

        double tag = step();

        Assert.InRange(tag, 0, NerBench.TagCount - 1);
        Assert.All(tagger.Parameters.Zip(before), pair => Assert.Equal(pair.Second, pair.First.Value));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Bad_seconds_is_a_usage_error(double seconds)
    {
        var (output, error) = (new StringWriter(), new StringWriter());

        Assert.Equal(2, BenchCommand.Run("W1", output, error, seconds));
        Assert.Contains("--seconds", error.ToString());
        Assert.Equal("", output.ToString());
    }
}
