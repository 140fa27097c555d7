using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Text;

namespace SequenceModels;

/// <summary>The recurrent cell of a model: the vanilla RNN (tanh), the GRU or the LSTM.</summary>
public enum RecurrentCell
{
    /// <summary><see cref="Rnn{T}"/> with tanh.</summary>
    Rnn,
    /// <summary><see cref="Gru{T}"/>, the lecture's GRU.</summary>
    Gru,
    /// <summary><see cref="Lstm{T}"/>.</summary>
    Lstm,
}

/// <summary>The sizes of a <see cref="CharLanguageModel{T}"/>.</summary>
/// <param name="Cell">The recurrent cell.</param>
/// <param name="Layers">L, the number of stacked recurrent layers.</param>
/// <param name="HiddenSize">n_h of every recurrent layer.</param>
/// <param name="EmbeddingSize">n_e, the length of each character's vector.</param>
/// <param name="Dropout">p in [0, 1): during training, each number of the recurrent stack's input (the character
/// vectors) and output is set to zero with probability p and the rest scaled by 1/(1 − p) (inverted dropout on the
/// non-recurrent connections, Zaremba, Sutskever and Vinyals 2014). It fights overfitting of a small corpus;
/// evaluation and sampling use every unit.</param>
public sealed record CharLanguageModelOptions(RecurrentCell Cell = RecurrentCell.Lstm, int Layers = 1, int HiddenSize = 512,
    int EmbeddingSize = 64, double Dropout = 0)
{
    /// <summary>Throws unless every size is positive and the dropout in [0, 1).</summary>
    public CharLanguageModelOptions Validate()
    {
        if (!Enum.IsDefined(Cell)) throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "Unknown cell.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HiddenSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EmbeddingSize);
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Must be in [0, 1).");
        return this;
    }
}

/// <summary>
/// A character-level language model: it reads a text one character at a time and gives, at every step, a
/// distribution over the next character,
/// <code>
/// e⟨t⟩ = E[:, x⟨t⟩]                              (Embedding: n_e × m per step)
/// a⟨t⟩ = cell(e⟨t⟩, a⟨t−1⟩)                        (L stacked RNN, GRU or LSTM layers: n_h × m)
/// z⟨t⟩ = W_ya·a⟨t⟩ + b_y,  ŷ⟨t⟩ = softmax(z⟨t⟩)     (Dense: V × m)
/// L    = −(1/N) Σ_t log ŷ⟨t⟩[x⟨t+1⟩]               (fused log-softmax + NLL: the target is the next character)
/// </code>
/// trained on contiguous chunks of a corpus with truncated BPTT (<see cref="TextStreams"/>,
/// <see cref="CharLanguageModelTraining"/>), scored by perplexity (<see cref="Evaluate"/>) and used to generate text
/// one character at a time (<see cref="Sample"/>). Parameters are named <c>embedding.W</c>, <c>rnn.layer0.Wx</c>, …,
/// <c>output.W</c>, <c>output.b</c>.
/// </summary>
public sealed class CharLanguageModel<T> : IHasParameters<T> where T : struct, IFloatingPointIeee754<T>
{
    // What Loss keeps for Backward: the loss gradient and the dropout masks (when the pass dropped).
    private SequenceBatch<T>? _dLogits;
    private T[]? _inputMask, _outputMask; // reused from batch to batch
    private bool _dropped;

    /// <summary>A freshly initialised model over <paramref name="vocabulary"/>.</summary>
    /// <param name="vocabulary">The characters; V = vocabulary.Count is the size of the softmax.</param>
    /// <param name="options">Cell, layers and sizes.</param>
    /// <param name="rng">The seeded generator for every initial weight.</param>
    public CharLanguageModel(CharVocabulary vocabulary, CharLanguageModelOptions options, Random rng)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        options.Validate();
        Vocabulary = vocabulary;
        Options = options;
        // No padding id: id 0 is EOS, a real token with a vector of its own.
        Embedding = new Embedding<T>(vocabulary.Count, options.EmbeddingSize, rng, paddingIndex: null);
        Recurrent = StackedRecurrent<T>.Of(options.Layers, options.EmbeddingSize, n => options.Cell switch
        {
            RecurrentCell.Rnn => new Rnn<T>(n, options.HiddenSize, rng),
            RecurrentCell.Gru => new Gru<T>(n, options.HiddenSize, rng),
            _ => new Lstm<T>(n, options.HiddenSize, rng),
        });
        Output = new Dense<T>(options.HiddenSize, vocabulary.Count, rng);
        Parameters = ParameterExtensions.Prefixed<T>(("embedding", Embedding), ("rnn", Recurrent), ("output", Output));
    }

    /// <summary>The characters the model reads and writes.</summary>
    public CharVocabulary Vocabulary { get; }

    /// <summary>Cell, layers and sizes.</summary>
    public CharLanguageModelOptions Options { get; }

    /// <summary>The character vectors, n_e × V.</summary>
    public Embedding<T> Embedding { get; }

    /// <summary>The L recurrent layers (a stack, also when L = 1).</summary>
    public StackedRecurrent<T> Recurrent { get; }

    /// <summary>The output layer W_ya, b_y: V × n_h and V × 1.</summary>
    public Dense<T> Output { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>
    /// The scores of the next character at every position: <paramref name="inputs"/> is Steps × m ids, the logits
    /// are V × (Steps·m) (column t·m + b scores the character after (t, b)), and the final state is StateSize × m
    /// (the layers' states stacked, H and for an LSTM C). <paramref name="initial"/> null starts from zeros.
    /// </summary>
    public (SequenceBatch<T> Logits, RecurrentState<T> Final) Forward(TokenBatch inputs, RecurrentState<T>? initial = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var e = Embedding.Forward(inputs);
        var (a, final) = Recurrent.Forward(e, initial);
        return (Output.Forward(a), final);
    }

    /// <summary>
    /// Forward and the mean negative log-likelihood of <paramref name="targets"/> (the next characters; same steps
    /// and batch size as <paramref name="inputs"/>), through the fused log-softmax + NLL. Keeps the loss gradient for
    /// <see cref="Backward"/>. Returns the loss (nats per character) and the final state, which is the initial
    /// state of the batch that continues these streams.
    /// </summary>
    /// <param name="inputs">Steps × m ids.</param>
    /// <param name="targets">Steps × m ids, the character after each input.</param>
    /// <param name="initial">The state to start from (StateSize × m), or null for zeros.</param>
    /// <param name="dropout">The generator of the dropout masks while training (when
    /// <see cref="CharLanguageModelOptions.Dropout"/> &gt; 0); null applies no dropout.</param>
    public (double Loss, RecurrentState<T> Final) Loss(TokenBatch inputs, TokenBatch targets, RecurrentState<T>? initial = null,
        Random? dropout = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        double p = dropout is null ? 0 : Options.Dropout;
        var e = Embedding.Forward(inputs);
        if (p > 0) Dropout.Apply(e.Data, p, dropout!, ref _inputMask);
        var (a, final) = Recurrent.Forward(e, initial);
        if (p > 0) Dropout.Apply(a.Data, p, dropout!, ref _outputMask);
        _dropped = p > 0;
        (double loss, _dLogits) = Losses.LogSoftmaxNll(Output.Forward(a), targets);
        return (loss, final);
    }

    /// <summary>
    /// Backpropagation through the last <see cref="Loss"/>, adding into every parameter's Grad (call
    /// <see cref="ParameterExtensions.ZeroGrad{T}"/> first). The initial state is treated as a constant: in truncated
    /// BPTT no gradient flows back into the previous batch.
    /// </summary>
    public void Backward()
    {
        var dLogits = _dLogits ?? throw new InvalidOperationException("Backward needs a Loss first.");
        var da = Output.Backward(dLogits);
        if (_dropped) Dropout.Backward(da.Data, _outputMask!);
        var (de, _) = Recurrent.Backward(da);
        if (_dropped) Dropout.Backward(de.Data, _inputMask!);
        Embedding.Backward(de);
    }

    /// <summary>
    /// Perplexity on held-out text: the text is read as <paramref name="streams"/> parallel streams (see
    /// <see cref="TextStreams"/>), <paramref name="steps"/> characters at a time, carrying the state from batch to
    /// batch, and every character but the first of each stream is predicted once. Returns the mean negative
    /// log-likelihood per character (nats), the perplexity exp(mean) and the number of characters scored.
    /// </summary>
    /// <param name="ids">The held-out text's ids (<see cref="CharVocabulary.Encode"/>).</param>
    /// <param name="streams">Parallel streams (any number up to ids.Length / 2: more is faster, fewer scores a
    /// few more characters with a long history).</param>
    /// <param name="steps">Characters per batch.</param>
    public CharEvaluation Evaluate(int[] ids, int streams = 16, int steps = 128)
    {
        var layout = new TextStreams(ids, streams, steps);
        RecurrentState<T>? state = null;
        double sum = 0;
        for (int k = 0; k < layout.BatchCount; k++)
        {
            var (inputs, targets) = layout.Batch(k);
            var (logits, final) = Forward(inputs, state);
            var (loss, _) = Losses.LogSoftmaxNll(logits, targets);
            sum += loss * targets.RealCount;
            state = final;
        }
        double mean = sum / layout.TargetCount;
        return new CharEvaluation(mean, Perplexity.FromMeanLoss(mean), layout.TargetCount);
    }

    /// <summary>
    /// Generates text one character at a time: the model reads <paramref name="prime"/> (or EOS, the start of an
    /// item, when it is empty), then repeatedly samples the next character from softmax(z / τ)
    /// (<see cref="Sampling.SampleWithTemperature"/>) and reads it back in. Stops after <paramref name="length"/>
    /// characters, or at EOS when <paramref name="stopAtEos"/>. Returns the generated characters (without the prime).
    /// </summary>
    /// <param name="prime">The text to continue; unknown characters read as UNK.</param>
    /// <param name="length">The most characters to generate.</param>
    /// <param name="temperature">τ ≥ 0: 1 samples the model's distribution, below 1 is more conservative, 0 is greedy.</param>
    /// <param name="rng">The seeded generator: the same seed gives the same text.</param>
    /// <param name="stopAtEos">Stop when EOS is drawn (an item ended); otherwise EOS is written as a line break.</param>
    public string Sample(string prime, int length, double temperature, Random rng, bool stopAtEos = true)
    {
        ArgumentNullException.ThrowIfNull(prime);
        return Vocabulary.Decode(SampleIds(prime.Length == 0 ? [CharVocabulary.EosId] : Vocabulary.Encode(prime), length,
            temperature, rng, stopAtEos));
    }

    /// <summary>
    /// <see cref="Sample"/> on ids: reads <paramref name="prime"/> (at least one id) and returns up to
    /// <paramref name="length"/> sampled ids (EOS is not included when it stops the sample).
    /// </summary>
    public int[] SampleIds(IReadOnlyList<int> prime, int length, double temperature, Random rng, bool stopAtEos = true)
    {
        ArgumentNullException.ThrowIfNull(prime);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (prime.Count == 0) throw new ArgumentException("The prime needs at least one id.", nameof(prime));
        if (!(temperature >= 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be finite and ≥ 0.");
        var generated = new List<int>();
        if (length == 0) return [];
        var (logits, state) = Forward(new TokenBatch(prime.ToArray(), prime.Count, 1, [prime.Count]));
        var z = new double[Vocabulary.Count];
        int last = prime.Count - 1;
        while (true)
        {
            var column = Tensor.Columns(logits.Data, last, 1);
            for (int k = 0; k < z.Length; k++) z[k] = double.CreateChecked(column[k]);
            int next = Sampling.SampleWithTemperature(z, temperature, rng);
            if (next == CharVocabulary.EosId && stopAtEos) break;
            generated.Add(next);
            if (generated.Count == length) break;
            (logits, state) = Forward(new TokenBatch([next], 1, 1, [1]), state);
            last = 0;
        }
        return generated.ToArray();
    }

    /// <summary>
    /// Saves the model (<see cref="ModelFile"/>): kind <see cref="CharLanguageModel.Kind"/>, the sizes as
    /// hyperparameters, the vocabulary (and any <paramref name="notes"/>, such as training settings) as metadata.
    /// </summary>
    public void Save(string path, JsonObject? notes = null)
    {
        var hyperparameters = new JsonObject
        {
            ["cell"] = Options.Cell.ToString().ToLowerInvariant(),
            ["layers"] = Options.Layers,
            ["hidden"] = Options.HiddenSize,
            ["embedding"] = Options.EmbeddingSize,
            ["dropout"] = Options.Dropout,
        };
        var metadata = new JsonObject { ["vocabulary"] = Vocabulary.ToJson() };
        if (notes is not null) metadata["notes"] = notes.DeepClone();
        ModelFile.Save(path, Parameters, new ModelHeader(CharLanguageModel.Kind, hyperparameters, metadata));
    }
}

/// <summary>Loading a <see cref="CharLanguageModel{T}"/> saved by <see cref="CharLanguageModel{T}.Save"/>.</summary>
public static class CharLanguageModel
{
    /// <summary>The model kind in the files of character language models.</summary>
    public const string Kind = "CharLanguageModel";

    /// <summary>
    /// Rebuilds a model from its file: sizes and vocabulary from the header, then every weight (a float file loads
    /// into a double model exactly).
    /// </summary>
    /// <exception cref="ModelFileException">The file is missing pieces, corrupt, or not a character language model;
    /// the message names the file.</exception>
    public static CharLanguageModel<T> Load<T>(string path) where T : struct, IFloatingPointIeee754<T>
    {
        var header = ModelFile.ReadHeader(path).Header;
        if (header.Kind != Kind)
            throw new ModelFileException(path, $"the file holds a \"{header.Kind}\" model, not \"{Kind}\".");
        CharLanguageModelOptions options;
        CharVocabulary vocabulary;
        try
        {
            var h = header.Hyperparameters ?? new JsonObject();
            string cell = Required(h, "cell").GetValue<string>();
            options = new CharLanguageModelOptions(
                Enum.TryParse<RecurrentCell>(cell, ignoreCase: true, out var c) ? c : throw new FormatException($"unknown cell \"{cell}\""),
                Required(h, "layers").GetValue<int>(), Required(h, "hidden").GetValue<int>(),
                Required(h, "embedding").GetValue<int>(), h["dropout"]?.GetValue<double>() ?? 0).Validate();
            vocabulary = CharVocabulary.FromJson(header.Metadata?["vocabulary"]);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
        {
            throw new ModelFileException(path, $"the header does not describe a character language model ({e.Message}).", e);
        }
        // The initial weights are overwritten by the file's.
        var model = new CharLanguageModel<T>(vocabulary, options, new Random(0));
        ModelFile.Load(path, model.Parameters, Kind);
        return model;
    }

    private static JsonNode Required(JsonObject o, string key) =>
        o[key] ?? throw new FormatException($"no hyperparameter \"{key}\"");
}

/// <summary>A language model's score on a text.</summary>
/// <param name="MeanLoss">The mean negative log-likelihood per character, in nats.</param>
/// <param name="Perplexity">exp(MeanLoss).</param>
/// <param name="Characters">How many characters were predicted.</param>
public readonly record struct CharEvaluation(double MeanLoss, double Perplexity, long Characters)
{
    /// <summary>The mean loss in bits per character (log₂ instead of ln).</summary>
    public double BitsPerCharacter => MeanLoss / Math.Log(2);

    /// <inheritdoc />
    public override string ToString() => $"perplexity {Perplexity:F4} ({MeanLoss:F4} nats, {BitsPerCharacter:F3} bits per character, {Characters} characters)";
}
