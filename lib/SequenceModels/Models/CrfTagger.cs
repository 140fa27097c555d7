using System.Diagnostics;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Text;

namespace SequenceModels;

/// <summary>
/// A named-entity tagger for text it was not tuned for: the BiLSTM-CRF of Lample et al. (2016) with the character
/// CNN of Ma and Hovy (2016). For every word w⟨t⟩ of a sentence:
/// <code>
/// x⟨t⟩ = [E_w[:, key(w⟨t⟩)]; CNN(chars of w⟨t⟩); E_k[:, casing(w⟨t⟩)]]   word, characters, casing      n_w + F + n_k
/// a⟨t⟩ = [→LSTM(x)⟨t⟩; ←LSTM(x)⟨t⟩]                                      a BiLSTM                      2n_h
/// E[:, t] = W_y·a⟨t⟩ + b_y                                                emission scores               K
/// p(y | x) = exp s(y) / Z                                                 a CRF over whole sequences (<see cref="Crf{T}"/>)
/// </code>
/// The vocabulary is lowercased (<see cref="WordCasing.Key"/>), so a word's vector is shared by "Paris" and "paris",
/// and what case it had is the casing feature's business; a word the vocabulary does not know is read as UNK, but
/// its characters and casing are still seen, and word dropout trains UNK on the words seen once. Dropout acts on the
/// LSTM's input and output. Tags are converted to BIOES inside the model (<see cref="CrfTaggerOptions.Scheme"/>),
/// decoding allows only sequences the scheme allows, and every result is given back in BIO; evaluation scores in the
/// data's own scheme (<see cref="DataScheme"/>). <see cref="Fit"/> selects the epoch by validation entity F1.
/// <para>
/// Every part can be switched off (<see cref="CrfTaggerOptions.LectureCrf"/> is the lecture's LSTM with only a CRF
/// added), so the notebook can measure what each brings.
/// </para>
/// </summary>
public sealed class CrfTagger<T> : IHasParameters<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The kind written in model files.</summary>
    public const string ModelKind = "CrfTagger";

    // What the last forward pass keeps for Backward.
    private CrfBatch? _batch;
    private T[]? _inputMask, _outputMask;
    private SequenceBatch<T>? _dLogits; // the softmax variant's loss gradient

    /// <summary>A new tagger with random weights.</summary>
    /// <param name="vocabulary">Word keys ↔ ids (PAD = 0 gets a zero vector; UNK = 1 stands for unknown words).</param>
    /// <param name="characters">Character ↔ id for the character CNN; null when the options have no characters.</param>
    /// <param name="tags">Tag ids, in the options' scheme (BIO or BIOES) for entity tags.</param>
    /// <param name="dataScheme">The scheme of the data (BIO, IOB1 or BIOES): evaluation scores in it.</param>
    /// <param name="options">Sizes, features and output layer.</param>
    /// <param name="rng">The seeded generator of the initial weights.</param>
    public CrfTagger(Vocabulary vocabulary, CharVocabulary? characters, TagMap tags, TagScheme dataScheme, CrfTaggerOptions options, Random rng)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        Options = options.Validate();
        if (options.UsesCharacters && characters is null)
            throw new ArgumentNullException(nameof(characters), "The options ask for character features: give a character vocabulary.");
        if (dataScheme is not (TagScheme.Bio or TagScheme.Iob1 or TagScheme.Bioes))
            throw new ArgumentOutOfRangeException(nameof(dataScheme), dataScheme, "The data's scheme must be Bio, Iob1 or Bioes.");
        Vocabulary = vocabulary;
        Characters = options.UsesCharacters ? characters : null;
        Tags = tags;
        DataScheme = dataScheme;
        EntityTags = tags.Tags.All(t => TagSchemes.IsValid(t, options.Scheme));
        Constraints = options.Crf && EntityTags ? CrfConstraints.For(tags, options.Scheme) : null;

        WordEmbedding = new Embedding<T>(vocabulary.Count, options.WordEmbeddingSize, rng, paddingIndex: Vocabulary.PadId);
        Init.Uniform<T>(options.WordEmbeddingSize, vocabulary.Count, Math.Sqrt(3.0 / options.WordEmbeddingSize), rng).CopyTo(WordEmbedding.W.Value);
        Tensor.Columns(WordEmbedding.W.Value, Vocabulary.PadId, 1).Clear();
        var parts = new List<(string, IHasParameters<T>)> { ("words", WordEmbedding) };
        if (Characters is not null)
        {
            CharCnn = new CharCnn<T>(Characters.Count, options.CharEmbeddingSize, options.CharFilters, options.CharWindow, rng);
            parts.Add(("chars", CharCnn));
        }
        if (options.CasingSize > 0)
        {
            Casing = new Embedding<T>(WordCasing.Classes.Count, options.CasingSize, rng, paddingIndex: WordCasing.PadId);
            Init.Uniform<T>(options.CasingSize, WordCasing.Classes.Count, Math.Sqrt(3.0 / options.CasingSize), rng).CopyTo(Casing.W.Value);
            Tensor.Columns(Casing.W.Value, WordCasing.PadId, 1).Clear();
            parts.Add(("casing", Casing));
        }
        InputSize = options.WordEmbeddingSize + (CharCnn?.Filters ?? 0) + options.CasingSize;
        Recurrent = options.Bidirectional
            ? new Bidirectional<T>(new Lstm<T>(InputSize, options.HiddenSize, rng), new Lstm<T>(InputSize, options.HiddenSize, rng, reverse: true))
            : new Lstm<T>(InputSize, options.HiddenSize, rng);
        Output = new Dense<T>(Recurrent.OutputSize, tags.Count, rng);
        parts.Add(("recurrent", Recurrent));
        parts.Add(("output", Output));
        if (options.Crf)
        {
            Crf = new Crf<T>(tags.Count);
            parts.Add(("crf", Crf));
        }
        Parameters = ParameterExtensions.Prefixed([.. parts]);
    }

    /// <summary>
    /// A tagger for <paramref name="train"/>: the vocabulary of its word keys, the characters seen at least twice
    /// (rarer ones train the UNK character), and the tags of its entity types in the options' scheme.
    /// With <paramref name="vectors"/>, words of <paramref name="vectorWords"/> (for example the validation and test
    /// sentences) that training never saw but the vectors know join the vocabulary, and every word the vectors know
    /// starts from its pretrained vector.
    /// </summary>
    /// <param name="train">The training sentences, BIO (or any tags that are not entity tags, such as parts of speech).</param>
    /// <param name="options">Sizes, features and output layer.</param>
    /// <param name="rng">The seeded generator of the initial weights.</param>
    /// <param name="dataScheme">The scheme the data was written in (evaluation scores in it).</param>
    /// <param name="vectors">Pretrained word vectors; their dimension must be the options' word embedding size.</param>
    /// <param name="vectorWords">More words to take into the vocabulary when the vectors know them.</param>
    public static CrfTagger<T> Create(IReadOnlyList<TaggedSentence> train, CrfTaggerOptions options, Random rng,
        TagScheme dataScheme = TagScheme.Bio, WordVectors? vectors = null, IEnumerable<string>? vectorWords = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (vectors is not null && vectors.Dimension != options.WordEmbeddingSize)
            throw new ArgumentException($"The word vectors have {vectors.Dimension} dimensions, the options {options.WordEmbeddingSize}.", nameof(vectors));
        Func<string, string> key = options.Lowercase ? WordCasing.Key : w => w;
        var keys = train.Select(s => s.Tokens.Select(key).ToArray()).ToList();
        if (vectors is not null && vectorWords is not null)
        {
            var known = keys.SelectMany(k => k).ToHashSet(StringComparer.Ordinal);
            var extra = vectorWords.Select(key).Distinct(StringComparer.Ordinal).Where(w => !known.Contains(w) && vectors.TryGet(w, out _)).Order(StringComparer.Ordinal).ToArray();
            if (extra.Length > 0) keys.Add(extra);
        }
        var vocabulary = Vocabulary.Build(keys);
        var characters = options.UsesCharacters ? CharVocabulary.Build(string.Concat(train.SelectMany(s => s.Tokens)), minCount: 2) : null;
        var tags = BuildTags(train, options.Scheme);
        var tagger = new CrfTagger<T>(vocabulary, characters, tags, dataScheme, options, rng);
        if (vectors is not null) tagger.LoadVectors(vectors);
        return tagger;
    }

    /// <summary>The model's sizes and settings.</summary>
    public CrfTaggerOptions Options { get; }

    /// <summary>Word key ↔ id (keys are <see cref="WordCasing.Key"/> of the words when the options lowercase).</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>Character ↔ id, or null without character features.</summary>
    public CharVocabulary? Characters { get; }

    /// <summary>Tag ↔ id, in the model's scheme (BIOES by default).</summary>
    public TagMap Tags { get; }

    /// <summary>The scheme of the data the model was trained on: evaluation writes tags in it before scoring.</summary>
    public TagScheme DataScheme { get; }

    /// <summary>True when the tags are entity tags (converted between schemes and constrained at decoding).</summary>
    public bool EntityTags { get; }

    /// <summary>The tag sequences decoding allows (null: all, for the softmax variant and for tags that are not entity tags).</summary>
    public CrfConstraints? Constraints { get; }

    /// <summary>The word vectors E_w, n_w × vocabulary.</summary>
    public Embedding<T> WordEmbedding { get; }

    /// <summary>The character CNN, or null.</summary>
    public CharCnn<T>? CharCnn { get; }

    /// <summary>The casing-class vectors E_k, n_k × classes, or null.</summary>
    public Embedding<T>? Casing { get; }

    /// <summary>n_x = n_w + F + n_k, the LSTM's input size.</summary>
    public int InputSize { get; }

    /// <summary>The LSTM, bidirectional or not.</summary>
    public IRecurrentLayer<T> Recurrent { get; }

    /// <summary>W_y (K × 2n_h or K × n_h) and b_y: the emission scores.</summary>
    public Dense<T> Output { get; }

    /// <summary>The CRF output layer, or null for the softmax variant.</summary>
    public Crf<T>? Crf { get; }

    /// <inheritdoc />
    /// <remarks>Named <c>words.W</c>, <c>chars.E</c>, <c>chars.W</c>, <c>chars.b</c>, <c>casing.W</c>, <c>recurrent.fwd.Wx</c>, …,
    /// <c>output.W</c>, <c>output.b</c>, <c>crf.A</c>, <c>crf.start</c>, <c>crf.end</c>.</remarks>
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>The key a word is looked up under.</summary>
    public string KeyOf(string word) => Options.Lowercase ? WordCasing.Key(word) : word;

    /// <summary>
    /// The model's inputs for tokenised sentences: word ids, casing ids, the characters of each distinct word, and,
    /// when <paramref name="bioTags"/> are given, the tag ids in the model's scheme.
    /// </summary>
    /// <exception cref="KeyNotFoundException">A tag's type is not one the model knows.</exception>
    public CrfBatch Encode(IReadOnlyList<IReadOnlyList<string>> sentences, IReadOnlyList<IReadOnlyList<string>>? bioTags = null)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        if (bioTags is not null && bioTags.Count != sentences.Count)
            throw new ArgumentException($"{sentences.Count} sentences but {bioTags.Count} tag sequences.", nameof(bioTags));
        var words = TokenBatch.FromSequences(sentences.Select(s => (IReadOnlyList<int>)s.Select(w => Vocabulary.IdOf(KeyOf(w))).ToArray()).ToArray(), Vocabulary.PadId);
        var casing = TokenBatch.FromSequences(sentences.Select(s => (IReadOnlyList<int>)s.Select(WordCasing.Of).ToArray()).ToArray(), WordCasing.PadId);
        int m = sentences.Count;
        var index = new int[words.Steps * m];
        Array.Fill(index, -1);
        var distinct = new Dictionary<string, int>(StringComparer.Ordinal);
        var charWords = new List<int[]>();
        if (Characters is not null)
            for (int b = 0; b < m; b++)
                for (int t = 0; t < sentences[b].Count; t++)
                {
                    string w = sentences[b][t];
                    if (!distinct.TryGetValue(w, out int u))
                    {
                        distinct[w] = u = charWords.Count;
                        charWords.Add(Characters.Encode(w));
                    }
                    index[t * m + b] = u;
                }
        TokenBatch? tags = null;
        if (bioTags is not null)
            tags = TokenBatch.FromSequences(bioTags.Select(g => (IReadOnlyList<int>)Tags.Encode(EntityTags ? TagSchemes.FromBio(g, Options.Scheme) : g)).ToArray(), TagMap.PadId);
        return new CrfBatch(words, casing, charWords, index, tags);
    }

    /// <summary>
    /// The emission scores E (logits), K × (Steps·BatchSize). Without <paramref name="dropout"/> this is the model used
    /// for prediction; with it, the training pass, whose dropout masks are drawn from that generator.
    /// </summary>
    public SequenceBatch<T> Forward(CrfBatch batch, Random? dropout = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        bool drop = dropout is not null && Options.Dropout > 0;
        _batch = batch;
        var words = batch.Words;
        int m = words.BatchSize, columns = words.Steps * m, nw = Options.WordEmbeddingSize, f = CharCnn?.Filters ?? 0, nk = Options.CasingSize;
        var e = Tensor.Data(WordEmbedding.Forward(words).Data);
        var x = Matrix<T>.Build.Dense(InputSize, columns);
        var xs = Tensor.Data(x);
        for (int col = 0; col < columns; col++) e.AsSpan(col * nw, nw).CopyTo(xs.AsSpan(col * InputSize, nw));
        if (CharCnn is not null && batch.CharWords.Count > 0)
        {
            var c = Tensor.Data(CharCnn.Forward(batch.CharWords));
            for (int col = 0; col < columns; col++)
                if (batch.CharIndex[col] >= 0) c.AsSpan(batch.CharIndex[col] * f, f).CopyTo(xs.AsSpan(col * InputSize + nw, f));
        }
        if (Casing is not null)
        {
            var k = Tensor.Data(Casing.Forward(batch.Casing).Data);
            for (int col = 0; col < columns; col++) k.AsSpan(col * nk, nk).CopyTo(xs.AsSpan(col * InputSize + nw + f, nk));
        }
        _inputMask = drop ? Dropout.Apply(x, Options.Dropout, dropout!) : null;
        var (a, _) = Recurrent.Forward(new SequenceBatch<T>(x, words.Steps, m, words.Lengths));
        _outputMask = drop ? Dropout.Apply(a.Data, Options.Dropout, dropout!) : null;
        _dLogits = null;
        return Output.Forward(a);
    }

    /// <summary>
    /// The training loss of a batch with gold tags: the CRF's mean negative log-likelihood per real word, or for the
    /// softmax variant the masked cross-entropy; keeps what <see cref="Backward"/> needs.
    /// </summary>
    /// <param name="batch">Inputs and tags (<see cref="Encode"/> with tags).</param>
    /// <param name="dropout">For a training pass: the generator of the dropout masks; null for none.</param>
    public double Loss(CrfBatch batch, Random? dropout = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var tags = batch.Tags ?? throw new ArgumentException("The batch has no tags: encode it with its tags.", nameof(batch));
        var z = Forward(batch, dropout);
        if (Crf is not null) return Crf.Loss(z, tags);
        (double loss, _dLogits) = Losses.LogSoftmaxNll(z, tags);
        return loss;
    }

    /// <summary>Backpropagates the last <see cref="Loss"/>, adding into every parameter's Grad.</summary>
    public void Backward()
    {
        var batch = _batch ?? throw new InvalidOperationException("Backward needs a Loss first.");
        var dz = Crf is not null ? Crf.Backward() : _dLogits ?? throw new InvalidOperationException("Backward needs a Loss first.");
        var da = Output.Backward(dz);
        if (_outputMask is not null) Dropout.Backward(da.Data, _outputMask);
        var (dx, _) = Recurrent.Backward(da);
        if (_inputMask is not null) Dropout.Backward(dx.Data, _inputMask);
        int columns = dx.Steps * dx.BatchSize, nw = Options.WordEmbeddingSize, f = CharCnn?.Filters ?? 0, nk = Options.CasingSize;
        var d = Tensor.Data(dx.Data);
        var dWords = Matrix<T>.Build.Dense(nw, columns);
        var dw = Tensor.Data(dWords);
        for (int col = 0; col < columns; col++) d.AsSpan(col * InputSize, nw).CopyTo(dw.AsSpan(col * nw, nw));
        WordEmbedding.Backward(dx.With(dWords));
        if (CharCnn is not null && batch.CharWords.Count > 0)
        {
            var dChars = Matrix<T>.Build.Dense(f, batch.CharWords.Count);
            var dc = Tensor.Data(dChars);
            for (int col = 0; col < columns; col++)
                if (batch.CharIndex[col] is int u and >= 0)
                {
                    var target = dc.AsSpan(u * f, f);
                    System.Numerics.Tensors.TensorPrimitives.Add(target, d.AsSpan(col * InputSize + nw, f), target);
                }
            CharCnn.Backward(dChars);
        }
        if (Casing is not null)
        {
            var dCasing = Matrix<T>.Build.Dense(nk, columns);
            var dk = Tensor.Data(dCasing);
            for (int col = 0; col < columns; col++) d.AsSpan(col * InputSize + nw + f, nk).CopyTo(dk.AsSpan(col * nk, nk));
            Casing.Backward(dx.With(dCasing));
        }
    }

    /// <summary>
    /// One training step's gradient: word dropout (when <paramref name="wordDropout"/> &gt; 0), forward with dropout,
    /// loss, backward. Returns the loss; the caller zeroes the gradients before and updates the weights after.
    /// </summary>
    public double TrainStep(CrfBatch batch, Random rng, double wordDropout = 0)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(rng);
        double loss = Loss(wordDropout > 0 ? batch with { Words = DropRareWords(batch.Words, wordDropout, rng) } : batch, rng);
        Backward();
        return loss;
    }

    /// <summary>
    /// The predicted tag id at every position, in the model's scheme: Viterbi over the CRF's scores within the
    /// scheme's constraints (or the argmax at each word for the softmax variant). Steps·BatchSize ids in the batch's
    /// layout, <see cref="TagMap.PadId"/> at padded positions.
    /// </summary>
    /// <param name="batch">The inputs (<see cref="Encode"/>).</param>
    /// <param name="constrained">False to let Viterbi choose among every sequence, even those the scheme forbids.</param>
    public int[] Predict(CrfBatch batch, bool constrained = true)
    {
        var z = Forward(batch);
        if (Crf is not null) return Crf.Decode(z, constrained ? Constraints : null);
        int k = Tags.Count, m = z.BatchSize;
        var scores = Tensor.Data(z.Data);
        var predicted = new int[z.Steps * m];
        for (int t = 0; t < z.Steps; t++)
            for (int b = 0; b < m; b++)
            {
                int col = t * m + b;
                if (!z.IsReal(t, b)) { predicted[col] = TagMap.PadId; continue; }
                int best = 0;
                for (int j = 1; j < k; j++)
                    if (scores[col * k + j] > scores[col * k + best]) best = j;
                predicted[col] = best;
            }
        return predicted;
    }

    /// <summary>
    /// The predicted BIO tags of tokenised sentences, in order (batched by length for speed). With
    /// <paramref name="constrained"/> false, decoding may choose sequences the scheme forbids (read conlleval-style).
    /// </summary>
    public string[][] PredictTags(IReadOnlyList<IReadOnlyList<string>> sentences, int batchSize = 128, bool constrained = true)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var result = new string[sentences.Count][];
        foreach (var group in SentenceBatches.Plan(sentences.Select(s => s.Count).ToArray(), batchSize, bucketByLength: true))
        {
            var nonEmpty = group.Where(i => sentences[i].Count > 0).ToArray();
            foreach (var i in group.Except(nonEmpty)) result[i] = [];
            if (nonEmpty.Length == 0) continue;
            var batch = Encode(nonEmpty.Select(i => sentences[i]).ToArray());
            var ids = Predict(batch, constrained);
            for (int b = 0; b < nonEmpty.Length; b++)
            {
                var tags = Enumerable.Range(0, batch.Words.Lengths[b]).Select(t => Tags.TagOf(ids[t * nonEmpty.Length + b])).ToArray();
                result[nonEmpty[b]] = EntityTags ? TagSchemes.ToBio(tags, Options.Scheme) : tags;
            }
        }
        return result;
    }

    /// <summary>Tags one tokenised sentence (BIO) and groups its entities.</summary>
    public TaggedText Predict(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var tags = PredictTags([tokens])[0];
        return new TaggedText(tokens.ToArray(), tags, tokens.Select(w => !Vocabulary.Contains(KeyOf(w))).ToArray());
    }

    /// <summary>Tags raw text, split into tokens by <see cref="WordTokenizer"/>, and groups its entities.</summary>
    public TaggedText Predict(string text) => Predict(WordTokenizer.Tokenize(text));

    /// <summary>
    /// Masked accuracy, the all-O baseline, entity precision/recall/F1 and the confusion matrix on gold-tagged (BIO)
    /// sentences, computed on the tags written in <see cref="DataScheme"/>, as conlleval scores the original files.
    /// </summary>
    public TaggerEvaluation Evaluate(IReadOnlyList<TaggedSentence> sentences, int batchSize = 128)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var predicted = PredictTags(sentences.Select(s => s.Tokens).ToArray(), batchSize);
        var labels = EntityTags ? TagSchemes.TagsFor(Types(), TagScheme.Bio) : Tags.Tags;
        return TaggerEvaluation.Compute(sentences.Select(s => s.Tags).ToArray(), predicted, labels, EntityTags ? DataScheme : TagScheme.Bio);
    }

    /// <summary>
    /// Trains with Adam on the loss, the learning rate warming up and then decaying along a cosine over
    /// <see cref="CrfTraining.MaxEpochs"/>; after every epoch scores <paramref name="validation"/> (entity F1, then
    /// masked accuracy to break ties; masked accuracy alone for tags that are not entity tags), keeps the weights of
    /// the best epoch, and stops when <see cref="CrfTraining.Patience"/> epochs in a row did not beat it. At the end
    /// the best weights are put back. Without validation sentences, every epoch runs and the last one is kept.
    /// Every random choice comes from <paramref name="rng"/>.
    /// </summary>
    /// <param name="train">The training sentences (BIO).</param>
    /// <param name="settings">Epochs, patience, batch size, learning rate, word dropout, clipping.</param>
    /// <param name="rng">The seeded generator for batches, order and dropout.</param>
    /// <param name="validation">The sentences that choose the epoch.</param>
    /// <param name="progress">Called after every batch (epoch, batch, loss, tokens per second).</param>
    /// <param name="epochDone">Called after every epoch, validation included.</param>
    public CrfFitResult Fit(IReadOnlyList<TaggedSentence> train, CrfTraining settings, Random rng,
        IReadOnlyList<TaggedSentence>? validation = null, Action<TrainingProgress>? progress = null, Action<CrfEpoch>? epochDone = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(rng);
        settings.Validate();
        var plan = SentenceBatches.Plan(train.Select(s => s.Length).ToArray(), settings.BatchSize, new Random(rng.Next()), bucketByLength: true);
        var batches = plan.Select(g => Encode(g.Select(i => train[i].Validate().Tokens).ToArray(), g.Select(i => train[i].Tags).ToArray())).ToArray();
        var dropout = new Random(rng.Next());
        var adam = new Adam<T>(settings.LearningRate);
        var trainer = new Trainer<T>(Parameters, adam, new TrainerOptions(1, ClipNorm: settings.ClipNorm), new Random(rng.Next()));
        double steps = (double)batches.Length * settings.MaxEpochs;
        long step = 0;
        double Step(CrfBatch batch)
        {
            adam.LearningRate = LearningRateSchedule.WarmupCosine(step++ / steps, settings.LearningRate, settings.Warmup, settings.FinalLearningRate);
            return TrainStep(batch, dropout, settings.WordDropout);
        }

        var epochs = new List<CrfEpoch>();
        var batchLosses = new List<double>();
        Matrix<T>[]? best = null;
        TaggerEvaluation? bestValidation = null;
        (double F1, double Accuracy) bestScore = (double.NegativeInfinity, double.NegativeInfinity);
        int bestEpoch = 0, sinceBest = 0;
        bool stoppedEarly = false;
        for (int epoch = 1; epoch <= settings.MaxEpochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var history = trainer.Fit(batches, Step, countTokens: b => b.Words.RealCount,
                progress: progress is null ? null : p => progress(p with { Epoch = epoch }));
            var duration = clock.Elapsed;
            batchLosses.AddRange(history.BatchLosses);
            long tokens = batches.Sum(b => (long)b.Words.RealCount);
            var evaluation = validation is null ? null : Evaluate(validation);
            (double F1, double Accuracy) score = evaluation is null ? (epoch, 0)
                : (evaluation.Entities?.Overall.F1 ?? evaluation.MaskedAccuracy, evaluation.MaskedAccuracy);
            bool improved = score.F1 > bestScore.F1 || (score.F1 == bestScore.F1 && score.Accuracy > bestScore.Accuracy);
            if (improved)
            {
                (bestScore, bestEpoch, bestValidation, sinceBest) = (score, epoch, evaluation, 0);
                if (validation is not null) best = Parameters.Select(p => p.Value.Clone()).ToArray();
            }
            else sinceBest++;
            var record = new CrfEpoch(epoch, settings.MaxEpochs, history.EpochLosses[0], tokens / duration.TotalSeconds, duration,
                adam.LearningRate, evaluation?.MaskedAccuracy, evaluation?.Entities?.Overall.F1, improved);
            epochs.Add(record);
            epochDone?.Invoke(record);
            if (sinceBest >= settings.Patience && epoch < settings.MaxEpochs)
            {
                stoppedEarly = true;
                break;
            }
        }
        if (best is not null)
            for (int i = 0; i < best.Length; i++) best[i].CopyTo(Parameters[i].Value);
        bool collapsed = bestValidation?.Entities is { } entities && entities.Overall.Gold > 0 && entities.Overall.Predicted == 0;
        return new CrfFitResult(epochs, batchLosses, bestEpoch, stoppedEarly, collapsed, bestValidation);
    }

    /// <summary>
    /// Saves weights, options, vocabularies, tag map and data scheme in one model file (<see cref="ModelFile"/>), kind
    /// <see cref="ModelKind"/>. <paramref name="notes"/> (for example how it was trained) go into the metadata.
    /// </summary>
    public void Save(string path, JsonObject? notes = null)
    {
        var metadata = new JsonObject
        {
            ["vocabulary"] = Vocabulary.ToJsonNode(),
            ["tags"] = Tags.ToJsonNode(),
            ["dataScheme"] = DataScheme.ToString().ToLowerInvariant(),
        };
        if (Characters is not null) metadata["characters"] = Characters.ToJson();
        if (notes is not null) metadata["notes"] = notes.DeepClone();
        ModelFile.Save(path, Parameters, new ModelHeader(ModelKind, Options.ToJsonNode(), metadata));
    }

    /// <summary>Rebuilds a tagger saved by <see cref="Save"/>.</summary>
    /// <exception cref="ModelFileException">The file is not a valid CRF tagger file (the message names it).</exception>
    public static CrfTagger<T> Load(string path)
    {
        var header = ModelFile.ReadHeader(path).Header;
        if (header.Kind != ModelKind)
            throw new ModelFileException(path, $"the file holds a \"{header.Kind}\" model, not a \"{ModelKind}\".");
        CrfTagger<T> tagger;
        try
        {
            var options = CrfTaggerOptions.FromJsonNode(header.Hyperparameters ?? new JsonObject());
            var metadata = header.Metadata ?? new JsonObject();
            var vocabulary = Vocabulary.FromJsonNode(metadata["vocabulary"] ?? throw new FormatException("the metadata has no vocabulary."));
            var tags = TagMap.FromJsonNode(metadata["tags"] ?? throw new FormatException("the metadata has no tag map."));
            var characters = metadata["characters"] is { } c ? CharVocabulary.FromJson(c) : null;
            string scheme = JsonFields.Value<string>(metadata, "dataScheme", "CRF tagger metadata");
            if (!Enum.TryParse<TagScheme>(scheme, ignoreCase: true, out var dataScheme) || dataScheme == TagScheme.Auto || !Enum.IsDefined(dataScheme))
                throw new FormatException($"unknown data scheme \"{scheme}\".");
            tagger = new CrfTagger<T>(vocabulary, characters, tags, dataScheme, options, new Random(0)); // the weights are replaced below
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new ModelFileException(path, e.Message, e);
        }
        ModelFile.Load(path, tagger.Parameters, ModelKind);
        return tagger;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        string input = $"Embedding({Vocabulary.Count} words, {Options.WordEmbeddingSize})" +
                       (CharCnn is null ? "" : $" + CharCNN({CharCnn.AlphabetSize} characters, {CharCnn.EmbeddingSize} → {CharCnn.Filters} filters of {CharCnn.Width})") +
                       (Casing is null ? "" : $" + casing({Options.CasingSize})");
        string recurrent = (Options.Bidirectional ? "BiLSTM" : "LSTM") + $"({Options.HiddenSize})";
        string output = Crf is null ? "log-softmax" : $"CRF ({Options.Scheme.ToString().ToUpperInvariant()} tags{(Constraints is null ? "" : ", constrained Viterbi")})";
        return $"{input} → {recurrent} → Dense({Tags.Count} tags) → {output}" +
               (Options.Dropout > 0 ? $", dropout {Options.Dropout}" : "") + $"; {this.ParameterCount():N0} parameters";
    }

    /// <summary>The entity types of the tag map, in its order.</summary>
    public IReadOnlyList<string> Types() =>
        Tags.Tags.Where(t => t != BioTags.Outside && TagSchemes.TryParse(t, out _, out _)).Select(t => t[2..]).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The tag map of training sentences: their entity types in <paramref name="scheme"/> (ordinal order), or
    /// their tags as they are when they are not entity tags.</summary>
    private static TagMap BuildTags(IReadOnlyList<TaggedSentence> train, TagScheme scheme)
    {
        var all = train.SelectMany(s => s.Tags).Distinct(StringComparer.Ordinal).ToArray();
        if (!all.All(BioTags.IsValid)) return TagMap.Build(train);
        var types = all.Where(t => t != BioTags.Outside).Select(BioTags.TypeOf).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return TagMap.FromTags(TagSchemes.TagsFor(types, scheme));
    }

    /// <summary>Copies the pretrained vector of every word the vectors know into E_w.</summary>
    private void LoadVectors(WordVectors vectors)
    {
        var w = Tensor.Data(WordEmbedding.W.Value);
        int n = Options.WordEmbeddingSize;
        for (int id = Vocabulary.UnkId + 1; id < Vocabulary.Count; id++)
            if (vectors.TryGet(Vocabulary.TokenOf(id), out var vector))
                for (int i = 0; i < n; i++) w[id * n + i] = T.CreateChecked(vector[i]);
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
}

/// <summary>
/// The inputs of a <see cref="CrfTagger{T}"/> for a batch of sentences (position (t, b) at t·BatchSize + b).
/// </summary>
/// <param name="Words">Word ids (of the words' keys), Steps × BatchSize.</param>
/// <param name="Casing">Casing-class ids (<see cref="WordCasing"/>), Steps × BatchSize.</param>
/// <param name="CharWords">The character ids of each distinct word of the batch (empty without character features).</param>
/// <param name="CharIndex">For each position, its word's index in <paramref name="CharWords"/>; −1 at padding.</param>
/// <param name="Tags">The gold tag ids in the model's scheme, for training; null for prediction.</param>
public sealed record CrfBatch(TokenBatch Words, TokenBatch Casing, IReadOnlyList<int[]> CharWords, int[] CharIndex, TokenBatch? Tags);

/// <summary>What <see cref="CrfTagger{T}.Fit"/> reports after each epoch.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="MaxEpochs">The most epochs planned.</param>
/// <param name="Loss">The mean training loss of the epoch's batches, weighted by their real words.</param>
/// <param name="TokensPerSecond">Training throughput (validation excluded).</param>
/// <param name="Duration">Training time of the epoch (validation excluded).</param>
/// <param name="LearningRate">The learning rate at the end of the epoch.</param>
/// <param name="ValidationAccuracy">Masked accuracy on the validation sentences, when there are any.</param>
/// <param name="ValidationF1">Entity F1 on them, for entity tags.</param>
/// <param name="Best">True when this epoch is the best so far (its weights are kept).</param>
public sealed record CrfEpoch(int Epoch, int MaxEpochs, double Loss, double TokensPerSecond, TimeSpan Duration, double LearningRate,
    double? ValidationAccuracy, double? ValidationF1, bool Best)
{
    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"epoch {Epoch}/{MaxEpochs}: loss {Loss:F4}, {TokensPerSecond:N0} tokens/s, {Duration.TotalSeconds:F1} s, lr {LearningRate:G3}") +
        (ValidationAccuracy is double a ? FormattableString.Invariant($", validation accuracy {a:F4}") : "") +
        (ValidationF1 is double f ? FormattableString.Invariant($", F1 {f:F4}") : "") + (Best ? " (best so far)" : "");
}

/// <summary>The record of a <see cref="CrfTagger{T}.Fit"/> run.</summary>
/// <param name="Epochs">Every epoch trained, in order.</param>
/// <param name="BatchLosses">Every batch's loss, in the order trained.</param>
/// <param name="BestEpoch">The epoch whose weights the model now has.</param>
/// <param name="StoppedEarly">True when training stopped before the last planned epoch (patience ran out).</param>
/// <param name="Collapsed">True when the kept model predicts no entity at all on the validation sentences although they
/// have some: it learned the all-O solution, and its results mean nothing.</param>
/// <param name="Validation">The kept model's scores on the validation sentences (null without them).</param>
public sealed record CrfFitResult(IReadOnlyList<CrfEpoch> Epochs, IReadOnlyList<double> BatchLosses, int BestEpoch, bool StoppedEarly,
    bool Collapsed, TaggerEvaluation? Validation)
{
    /// <summary>One line: which epoch was kept and why training stopped.</summary>
    public override string ToString() =>
        $"kept epoch {BestEpoch} of {Epochs.Count}" + (StoppedEarly ? $" (stopped: no better validation score for {Epochs.Count - BestEpoch} epochs)" : "") +
        (Validation?.Entities is { } e ? FormattableString.Invariant($", validation entity F1 {e.Overall.F1:F4}") : "") +
        (Collapsed ? "; warning: it predicts no entity on the validation sentences (collapsed to all-O)" : "");
}
