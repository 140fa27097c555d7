using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Text;

namespace SequenceModels;

/// <summary>
/// A many-to-many tagger (T_x = T_y), the lecture's named-entity recognizer: one tag for every word.
/// <code>
/// e⟨t⟩ = E[:, word⟨t⟩]                      Embedding: the word's vector         n_e × m
/// a⟨t⟩ = LSTM(e⟨t⟩, a⟨t−1⟩)                   or a BiLSTM, [→a⟨t⟩; ←a⟨t⟩]            n_h × m
/// z⟨t⟩ = W_y·a⟨t⟩ + b_y                       Dense: one score per tag              K × m
/// log ŷ⟨t⟩ = log-softmax(z⟨t⟩)                 log-probabilities of the K tags
/// L = −(1/N) Σ_real log ŷ⟨t⟩[tag⟨t⟩]           masked: padded positions count for nothing
/// </code>
/// Training fuses the last two lines (<see cref="Losses.LogSoftmaxNll{T}(SequenceBatch{T}, TokenBatch)"/>), whose
/// gradient is simply (ŷ − onehot)/N. The tagger owns its <see cref="Vocabulary"/> and <see cref="TagMap"/>, so it
/// can tag raw text and be saved and loaded as one file.
/// <para>
/// Batches are <see cref="TokenBatch"/>es (step t of sentence b at t·m + b). Padding changes nothing: the
/// embedding gives zeros there, the recurrent layers carry their state through it, the loss ignores it and
/// <see cref="Predict(TokenBatch)"/> reports <see cref="TagMap.PadId"/> there.
/// </para>
/// </summary>
public sealed class SequenceTagger<T> : IHasParameters<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The kind written in model files.</summary>
    public const string ModelKind = "SequenceTagger";

    // What the last forward pass keeps for Backward.
    private T[]? _embeddingMask, _outputMask; // dropout masks, reused from batch to batch
    private bool _dropped;                     // whether the last pass applied them
    private SequenceBatch<T>? _dLogits;

    /// <summary>A new tagger with random weights.</summary>
    /// <param name="vocabulary">Word ids (PAD = 0 gets a zero vector; UNK = 1 stands for unknown words).</param>
    /// <param name="tags">Tag ids: the output layer has one row per tag.</param>
    /// <param name="options">Sizes, cell, direction, layers and dropout.</param>
    /// <param name="rng">The seeded generator for the initial weights.</param>
    public SequenceTagger(Vocabulary vocabulary, TagMap tags, TaggerOptions options, Random rng)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        Options = options.Validate();
        Vocabulary = vocabulary;
        Tags = tags;
        Embedding = new Embedding<T>(vocabulary.Count, options.EmbeddingSize, rng, paddingIndex: Vocabulary.PadId);
        Recurrent = options.Layers == 1
            ? Layer(options.EmbeddingSize, options, rng)
            : StackedRecurrent<T>.Of(options.Layers, options.EmbeddingSize, n => Layer(n, options, rng));
        Output = new Dense<T>(Recurrent.OutputSize, tags.Count, rng);
        Parameters = ParameterExtensions.Prefixed<T>(("embedding", Embedding), ("recurrent", Recurrent), ("output", Output));
    }

    /// <summary>The model's sizes and settings.</summary>
    public TaggerOptions Options { get; }

    /// <summary>Word ↔ id.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>Tag ↔ id.</summary>
    public TagMap Tags { get; }

    /// <summary>The word vectors E, n_e × vocabulary.</summary>
    public Embedding<T> Embedding { get; }

    /// <summary>The recurrent part: an LSTM (or GRU, RNN), bidirectional or not, possibly stacked.</summary>
    public IRecurrentLayer<T> Recurrent { get; }

    /// <summary>W_y (K × n_h, or K × 2n_h when bidirectional) and b_y.</summary>
    public Dense<T> Output { get; }

    /// <inheritdoc />
    /// <remarks>Named <c>embedding.W</c>, <c>recurrent.Wx</c> (or <c>recurrent.fwd.Wx</c>, <c>recurrent.layer0.Wx</c>, …),
    /// <c>output.W</c>, <c>output.b</c>.</remarks>
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>
    /// The scores z (logits) of every tag at every position: K × (Steps·BatchSize) for a batch of word ids,
    /// Steps × BatchSize. Without <paramref name="dropout"/> this is the model used for prediction; with it, the
    /// training pass, whose dropout masks are drawn from that generator.
    /// </summary>
    public SequenceBatch<T> Forward(TokenBatch words, Random? dropout = null)
    {
        ArgumentNullException.ThrowIfNull(words);
        bool drop = dropout is not null && Options.Dropout > 0;
        var e = Embedding.Forward(words);                                   // n_e × (T·m)
        if (drop) Dropout.Apply(e.Data, Options.Dropout, dropout!, ref _embeddingMask);
        var (a, _) = Recurrent.Forward(e);                                  // n_h × (T·m)
        if (drop) Dropout.Apply(a.Data, Options.Dropout, dropout!, ref _outputMask);
        _dropped = drop;
        _dLogits = null;
        return Output.Forward(a);                                           // K × (T·m)
    }

    /// <summary>log ŷ = log-softmax(z): the log-probability of every tag at every position, K × (Steps·BatchSize).</summary>
    public SequenceBatch<T> LogProbabilities(TokenBatch words)
    {
        var z = Forward(words);
        return z.With(LogSoftmax.Forward(z.Data));
    }

    /// <summary>
    /// The masked loss of a batch, L = −(1/N) Σ_real log ŷ⟨t⟩[tag⟨t⟩], keeping its gradient for <see cref="Backward"/>.
    /// <paramref name="words"/> and <paramref name="tags"/> are Steps × BatchSize with the same lengths.
    /// </summary>
    /// <param name="words">Word ids.</param>
    /// <param name="tags">Tag ids (their padded positions are ignored).</param>
    /// <param name="dropout">For a training pass: the generator of the dropout masks; null for none.</param>
    public double Loss(TokenBatch words, TokenBatch tags, Random? dropout = null)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var z = Forward(words, dropout);
        (double loss, _dLogits) = Losses.LogSoftmaxNll(z, tags);
        return loss;
    }

    /// <summary>Backpropagates the last <see cref="Loss"/>, adding into every parameter's Grad.</summary>
    public void Backward()
    {
        var dz = _dLogits ?? throw new InvalidOperationException("Backward needs a Loss first.");
        var da = Output.Backward(dz);
        if (_dropped) Dropout.Backward(da.Data, _outputMask!);
        var (de, _) = Recurrent.Backward(da);
        if (_dropped) Dropout.Backward(de.Data, _embeddingMask!);
        Embedding.Backward(de);
    }

    /// <summary>
    /// One training step's gradient: word dropout (when <paramref name="wordDropout"/> &gt; 0), forward with dropout,
    /// loss, backward. Returns the loss; the caller zeroes the gradients before and updates the weights after.
    /// </summary>
    public double TrainStep(TokenBatch words, TokenBatch tags, Random rng, double wordDropout = 0)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double loss = Loss(wordDropout > 0 ? DropRareWords(words, wordDropout, rng) : words, tags, rng);
        Backward();
        return loss;
    }

    /// <summary>
    /// The most likely tag id at every position, Steps·BatchSize ids in the batch's layout (position (t, b) at
    /// t·BatchSize + b), <see cref="TagMap.PadId"/> at padded positions.
    /// </summary>
    public int[] Predict(TokenBatch words)
    {
        ArgumentNullException.ThrowIfNull(words);
        // The prediction pass keeps nothing for a backward pass (and a Backward after it needs a new Loss).
        _dLogits = null;
        var z = Output.Forward(Recurrent.Infer(Embedding.Forward(words)).Output);
        int k = Tags.Count, m = words.BatchSize;
        var scores = Tensor.Data(z.Data);
        var predicted = new int[words.Steps * m];
        for (int t = 0; t < words.Steps; t++)
            for (int b = 0; b < m; b++)
            {
                int col = t * m + b;
                // argmax z = argmax log-softmax(z): the normalisation does not change the order.
                predicted[col] = words.IsReal(t, b) ? ArgMax(scores.AsSpan(col * k, k)) : TagMap.PadId;
            }
        return predicted;
    }

    /// <summary>The predicted tags of tokenised sentences, in order (batched by length for speed).</summary>
    public string[][] PredictTags(IReadOnlyList<IReadOnlyList<string>> sentences, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var result = new string[sentences.Count][];
        foreach (var group in SentenceBatches.Plan(sentences.Select(s => s.Count).ToArray(), batchSize, bucketByLength: true))
        {
            var nonEmpty = group.Where(i => sentences[i].Count > 0).ToArray();
            foreach (var i in group.Except(nonEmpty)) result[i] = [];
            if (nonEmpty.Length == 0) continue;
            var words = TokenBatch.FromSequences(nonEmpty.Select(i => (IReadOnlyList<int>)Vocabulary.Encode(sentences[i])).ToArray(), Vocabulary.PadId);
            var ids = Predict(words);
            for (int b = 0; b < nonEmpty.Length; b++)
                result[nonEmpty[b]] = Enumerable.Range(0, words.Lengths[b]).Select(t => Tags.TagOf(ids[t * nonEmpty.Length + b])).ToArray();
        }
        return result;
    }

    /// <summary>Tags one tokenised sentence and groups its entities.</summary>
    public TaggedText Predict(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var tags = PredictTags([tokens])[0];
        return new TaggedText(tokens.ToArray(), tags, tokens.Select(w => !Vocabulary.Contains(w)).ToArray());
    }

    /// <summary>
    /// Tags raw text: splits it into tokens as the GMB corpus is tokenised (<see cref="WordTokenizer"/>), maps words
    /// the vocabulary does not know to UNK, predicts a tag for each token and groups the entities.
    /// </summary>
    public TaggedText Predict(string text) => Predict(WordTokenizer.Tokenize(text));

    /// <summary>
    /// Masked accuracy, the all-O baseline, entity-level precision/recall/F1 and the confusion matrix of this tagger
    /// on gold-tagged sentences.
    /// </summary>
    public TaggerEvaluation Evaluate(IReadOnlyList<TaggedSentence> sentences, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var predicted = PredictTags(sentences.Select(s => s.Tokens).ToArray(), batchSize);
        return TaggerEvaluation.Compute(sentences.Select(s => s.Tags).ToArray(), predicted, Tags.Tags);
    }

    /// <summary>
    /// Trains with Adam on the masked loss: batches of <see cref="TaggerTraining.BatchSize"/> sentences (grouped by
    /// length when <see cref="TaggerTraining.BucketByLength"/>), visited in a new random order each epoch, with the
    /// model's dropout and the settings' word dropout and clipping. Every random choice comes from <paramref name="rng"/>.
    /// </summary>
    /// <param name="train">The training sentences (their tags must be in <see cref="Tags"/>).</param>
    /// <param name="settings">Epochs, batch size, learning rate, word dropout, clipping.</param>
    /// <param name="rng">The seeded generator for batches, order and dropout.</param>
    /// <param name="validation">When given, the masked accuracy on these sentences is measured after each epoch.</param>
    /// <param name="progress">Called after every batch (epoch, batch, loss, tokens per second).</param>
    /// <param name="epochDone">Called after every epoch, validation included.</param>
    /// <returns>The batch and epoch losses and the validation accuracy after each epoch.</returns>
    public TrainingHistory Fit(IReadOnlyList<TaggedSentence> train, TaggerTraining settings, Random rng,
        IReadOnlyList<TaggedSentence>? validation = null, Action<TrainingProgress>? progress = null, Action<TaggerEpoch>? epochDone = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(rng);
        settings.Validate();
        var batches = SentenceBatches.Make(train, Vocabulary, Tags, settings.BatchSize, new Random(rng.Next()), settings.BucketByLength);
        var dropout = new Random(rng.Next());
        var trainer = new Trainer<T>(Parameters, new Adam<T>(settings.LearningRate),
            new TrainerOptions(settings.Epochs, ClipNorm: settings.ClipNorm), new Random(rng.Next()));

        int epoch = 0;
        double lossSum = 0;
        long tokens = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double Step((TokenBatch Words, TokenBatch Tags) batch)
        {
            double loss = TrainStep(batch.Words, batch.Tags, dropout, settings.WordDropout);
            lossSum += loss * batch.Words.RealCount;
            tokens += batch.Words.RealCount;
            return loss;
        }
        double EndEpoch()
        {
            var trainingTime = clock.Elapsed;
            double accuracy = validation is null ? double.NaN : Evaluate(validation).MaskedAccuracy;
            epochDone?.Invoke(new TaggerEpoch(++epoch, settings.Epochs, lossSum / tokens, tokens / trainingTime.TotalSeconds,
                trainingTime, validation is null ? null : accuracy));
            (lossSum, tokens) = (0, 0);
            clock.Restart();
            return accuracy;
        }
        var history = trainer.Fit(batches, Step, EndEpoch, b => b.Words.RealCount, progress);
        return validation is null ? history with { Validation = [] } : history;
    }

    /// <summary>
    /// Saves the weights, options, vocabulary and tag map in one model file (<see cref="ModelFile"/>), kind
    /// <see cref="ModelKind"/>. <paramref name="notes"/> (for example how it was trained) go into the metadata.
    /// </summary>
    public void Save(string path, JsonObject? notes = null)
    {
        var metadata = new JsonObject
        {
            ["vocabulary"] = Vocabulary.ToJsonNode(),
            ["tags"] = Tags.ToJsonNode(),
        };
        if (notes is not null) metadata["notes"] = notes.DeepClone();
        ModelFile.Save(path, Parameters, new ModelHeader(ModelKind, Options.ToJsonNode(), metadata));
    }

    /// <summary>Rebuilds a tagger saved by <see cref="Save"/>: its options, vocabulary, tag map and weights.</summary>
    /// <exception cref="ModelFileException">The file is not a valid tagger file (the message names it).</exception>
    public static SequenceTagger<T> Load(string path)
    {
        var header = ModelFile.ReadHeader(path).Header;
        if (header.Kind != ModelKind)
            throw new ModelFileException(path, $"the file holds a \"{header.Kind}\" model, not a \"{ModelKind}\".");
        SequenceTagger<T> tagger;
        try
        {
            var options = TaggerOptions.FromJsonNode(header.Hyperparameters ?? new JsonObject());
            var metadata = header.Metadata ?? new JsonObject();
            var vocabulary = Vocabulary.FromJsonNode(metadata["vocabulary"] ?? throw new FormatException("the metadata has no vocabulary."));
            var tags = TagMap.FromJsonNode(metadata["tags"] ?? throw new FormatException("the metadata has no tag map."));
            tagger = new SequenceTagger<T>(vocabulary, tags, options, new Random(0)); // the weights are replaced below
        }
        catch (FormatException e)
        {
            throw new ModelFileException(path, e.Message, e);
        }
        ModelFile.Load(path, tagger.Parameters, ModelKind);
        return tagger;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        string cell = Options.Cell.ToString().ToUpperInvariant();
        string recurrent = (Options.Bidirectional ? "Bi" + cell : cell) + $"({Options.HiddenSize})" +
                           (Options.Layers > 1 ? $" × {Options.Layers} layers" : "");
        return $"Embedding({Vocabulary.Count} words, {Options.EmbeddingSize}) → {recurrent} → Dense({Tags.Count} tags) → log-softmax" +
               (Options.Dropout > 0 ? $", dropout {Options.Dropout}" : "") + $"; {this.ParameterCount():N0} parameters";
    }

    private static IRecurrentLayer<T> Layer(int inputSize, TaggerOptions options, Random rng)
    {
        IRecurrentLayer<T> Make(bool reverse) => options.Cell switch
        {
            TaggerCell.Gru => new Gru<T>(inputSize, options.HiddenSize, rng, reverse),
            TaggerCell.Rnn => new Rnn<T>(inputSize, options.HiddenSize, rng, reverse: reverse),
            _ => new Lstm<T>(inputSize, options.HiddenSize, rng, reverse),
        };
        return options.Bidirectional ? new Bidirectional<T>(Make(false), Make(true)) : Make(false);
    }

    /// <summary>Word dropout: each real word seen only once in training becomes UNK with probability p.</summary>
    private TokenBatch DropRareWords(TokenBatch words, double p, Random rng)
    {
        var ids = (int[])words.Ids.Clone();
        for (int t = 0; t < words.Steps; t++)
            for (int b = 0; b < words.BatchSize; b++)
            {
                int i = t * words.BatchSize + b;
                if (words.IsReal(t, b) && ids[i] > Vocabulary.UnkId && Vocabulary.Frequency(ids[i]) == 1 && rng.NextDouble() < p)
                    ids[i] = Vocabulary.UnkId;
            }
        return new TokenBatch(ids, words.Steps, words.BatchSize, words.Lengths, words.PadId);
    }

    private static int ArgMax(ReadOnlySpan<T> scores)
    {
        int best = 0;
        for (int i = 1; i < scores.Length; i++)
            if (scores[i] > scores[best]) best = i;
        return best;
    }
}

/// <summary>What <see cref="SequenceTagger{T}.Fit"/> reports after each epoch.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Epochs">Epochs in all.</param>
/// <param name="Loss">The mean training loss over the epoch's real tokens.</param>
/// <param name="TokensPerSecond">Training throughput (validation excluded).</param>
/// <param name="Duration">Training time of the epoch (validation excluded).</param>
/// <param name="ValidationAccuracy">Masked accuracy on the validation sentences, when there are any.</param>
public sealed record TaggerEpoch(int Epoch, int Epochs, double Loss, double TokensPerSecond, TimeSpan Duration, double? ValidationAccuracy)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"epoch {Epoch}/{Epochs}: loss {Loss:F4}, {TokensPerSecond:N0} tokens/s, {Duration.TotalSeconds:F1} s" +
        (ValidationAccuracy is double a ? $", validation accuracy {a:F4}" : "");
}
