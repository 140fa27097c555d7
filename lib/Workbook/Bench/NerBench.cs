using System.Globalization;
using SequenceModels;
using SequenceModels.Text;

namespace Workbook.Bench;

/// <summary>
/// <c>workbook bench W1|W2|W3</c>: the NER tagger workloads of ../shared/bench/README.md, measured on the library's
/// own <see cref="SequenceTagger{T}"/> (the model notebooks and <c>workbook ner train</c> use), float32, with the
/// reference script's model, inputs, masked loss, dense Adam (learning rate 1e-3) and timing protocol.
/// </summary>
internal static class NerBench
{
    /// <summary>One workload: the model's sizes, the batch shape, and whether a training step or inference is timed.</summary>
    public sealed record Workload(string Name, int Vocabulary, int EmbeddingSize, int HiddenSize, bool Bidirectional,
        int BatchSize, int Steps, bool Train)
    {
        /// <summary>Tokens per step, padding included (B·T), as the reference counts them.</summary>
        public int TokensPerStep => BatchSize * Steps;
    }

    /// <summary>The three reference workloads (CONFIGS in torch_ner_bench.py).</summary>
    public static readonly Workload[] Workloads =
    [
        new("W1", 35181, 50, 50, Bidirectional: false, BatchSize: 64, Steps: 32, Train: true),
        new("W2", 35181, 100, 128, Bidirectional: true, BatchSize: 32, Steps: 48, Train: true),
        new("W3", 35181, 100, 128, Bidirectional: true, BatchSize: 256, Steps: 48, Train: false),
    ];

    /// <summary>The reference's 17 output tags (the GMB tag set).</summary>
    public const int TagCount = 17;

    /// <summary>Times one workload and prints <c>W1 tokens/s: N</c> and <c>W1 ms/step: X</c> (and the runs).</summary>
    /// <param name="workload">What to time.</param>
    /// <param name="output">Where the figures go.</param>
    /// <param name="minSeconds">The shortest timed run (the reference's min_time, 2 s).</param>
    public static void Run(Workload workload, TextWriter output, double minSeconds = 2)
    {
        var (step, tagger) = Prepare(workload);
        var result = Timing.Steps(step, minTime: minSeconds, maxTime: Math.Max(10, 5 * minSeconds));
        double seconds = result.MedianSecondsPerStep;
        string runs = string.Join(", ", result.Runs.Select(r => FormattableString.Invariant($"{r.SecondsPerStep * 1e3:F3} ms x{r.Steps}")));
        string what = workload.Train ? "training step" : "inference";
        string direction = workload.Bidirectional ? " bidirectional" : "";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{workload.Name}: {what}, E={workload.EmbeddingSize} H={workload.HiddenSize}{direction}, B={workload.BatchSize} T={workload.Steps}, {tagger.ParameterCount():N0} parameters (runs: {runs})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workload.Name} tokens/s: {workload.TokensPerStep / seconds:F0}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workload.Name} ms/step: {seconds * 1e3:F1}"));
    }

    /// <summary>
    /// The model with seeded weights and the step to time: for training, zero the gradients, forward, masked loss,
    /// backward, Adam; for inference, forward and argmax. The step cycles over 8 prepared batches, as the reference's.
    /// </summary>
    public static (Func<double> Step, SequenceTagger<float> Tagger) Prepare(Workload workload)
    {
        var vocabulary = SyntheticVocabulary(workload.Vocabulary);
        var tagger = new SequenceTagger<float>(vocabulary, TagMap.Gmb,
            new TaggerOptions(workload.EmbeddingSize, workload.HiddenSize, TaggerCell.Lstm, workload.Bidirectional), new Random(0));
        if (tagger.Tags.Count != TagCount) throw new InvalidOperationException($"The GMB tag set has {tagger.Tags.Count} tags, not {TagCount}.");
        var batches = MakeBatches(workload, 8, new Random(1));
        int next = 0;
        if (!workload.Train)
            return (() => tagger.Predict(batches[next++ % batches.Length].Words)[0], tagger);

        var adam = new Adam<float>(1e-3);
        var dropout = new Random(2); // unused: the benchmark model has no dropout
        return (() =>
        {
            var (words, tags) = batches[next++ % batches.Length];
            tagger.ZeroGrad();
            double loss = tagger.TrainStep(words, tags, dropout);
            adam.Step(tagger.Parameters);
            return loss;
        }, tagger);
    }

    /// <summary>
    /// Batches as make_batches builds them: word ids uniform in [1, vocabulary), tags uniform in [0, 17), each
    /// sequence a length uniform in [T/2, T]; positions past the length are padding (word id 0), outside the loss.
    /// </summary>
    public static (TokenBatch Words, TokenBatch Tags)[] MakeBatches(Workload workload, int count, Random rng)
    {
        int m = workload.BatchSize, steps = workload.Steps;
        var batches = new (TokenBatch, TokenBatch)[count];
        for (int n = 0; n < count; n++)
        {
            var lengths = new int[m];
            for (int b = 0; b < m; b++) lengths[b] = rng.Next(steps / 2, steps + 1);
            var words = new int[steps * m];
            var tags = new int[steps * m];
            for (int t = 0; t < steps; t++)
                for (int b = 0; b < m; b++)
                {
                    bool real = t < lengths[b];
                    words[t * m + b] = real ? rng.Next(1, workload.Vocabulary) : Vocabulary.PadId;
                    tags[t * m + b] = real ? rng.Next(0, TagCount) : TagMap.PadId;
                }
            batches[n] = (new TokenBatch(words, steps, m, lengths, Vocabulary.PadId), new TokenBatch(tags, steps, m, lengths, TagMap.PadId));
        }
        return batches;
    }

    /// <summary>A vocabulary of exactly <paramref name="size"/> entries: PAD, UNK and made-up words.</summary>
    public static Vocabulary SyntheticVocabulary(int size)
    {
        var words = Enumerable.Range(0, size - 2).Select(i => "w" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var vocabulary = Vocabulary.Build([words]);
        if (vocabulary.Count != size) throw new InvalidOperationException($"Built a vocabulary of {vocabulary.Count} words, not {size}.");
        return vocabulary;
    }
}
