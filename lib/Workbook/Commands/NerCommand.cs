using System.CommandLine;
using System.Diagnostics;
using SequenceModels;
using SequenceModels.Text;
using Spectre.Console;

namespace Workbook.Commands;

/// <summary>
/// <c>workbook ner train</c> trains a named-entity tagger (the lecture's Embedding → LSTM or BiLSTM → Dense →
/// log-softmax, or the BiLSTM-CRF with character and casing features, <c>--model bilstm-crf</c>) and reports masked
/// accuracy, the all-O baseline and entity F1 on the test set; <c>workbook ner predict</c> tags text with a saved model
/// of either kind. Bad input (a missing file, malformed data, a bad model file) is one line naming the file
/// (and line) on stderr, and exit code 2.
/// </summary>
internal static class NerCommand
{
    public static Command Create()
    {
        var command = new Command("ner", "Named entity recognition: train a tagger on a corpus, or tag text with a saved one.");
        command.Subcommands.Add(CreateTrain());
        command.Subcommands.Add(CreatePredict());
        command.Subcommands.Add(CreateEvaluate());
        return command;
    }

    private static Command CreateTrain()
    {
        var gmb = new Option<string?>("--gmb") { Description = "The GMB ner_dataset.csv, split the course's way (file order, 70/15/15, cut-off last sentence dropped)." };
        var train = new Option<string?>("--train") { Description = "Training sentences (with --dev and --test)." };
        var dev = new Option<string?>("--dev") { Description = "Validation sentences, scored after each epoch." };
        var test = new Option<string?>("--test") { Description = "Test sentences, scored at the end." };
        var format = new Option<string>("--format") { Description = "Format of --train/--dev/--test.", DefaultValueFactory = _ => "conll" };
        format.AcceptOnlyFromAmong("conll", "conllu", "gmb");
        var model = new Option<string>("--model") { Description = "lstm: the lecture's model (embedding 50, LSTM 50, Adam 0.01, batch 64, 2 epochs, word dropout 0.5); bilstm: a bidirectional LSTM (embedding 100, 2 × 100 units, dropout 0.5, Adam 3e-3, batch 32, 5 epochs, word dropout 0.5); bilstm-crf: lowercased words 100 + character CNN 50 + casing 8 → BiLSTM 2 × 200 → CRF (BIOES inside, constrained Viterbi), dropout 0.5, epochs, batch and patience from the corpus size, the epoch with the best validation entity F1 kept.", DefaultValueFactory = _ => "lstm" };
        model.AcceptOnlyFromAmong("lstm", "bilstm", "bilstm-crf");
        var scheme = new Option<string>("--scheme") { Description = "Tag scheme of CoNLL files: auto (detected from the training file), bio, iob1 or bioes. Results are scored and written in it.", DefaultValueFactory = _ => "auto" };
        scheme.AcceptOnlyFromAmong("auto", "bio", "iob1", "bioes");
        var embeddings = new Option<string?>("--embeddings") { Description = "bilstm-crf: pretrained word vectors (GloVe or word2vec text format) to start the word embeddings from." };
        var patience = new Option<int?>("--patience") { Description = "bilstm-crf: stop after this many epochs without a better validation entity F1 (default: from the corpus size)." };
        var predictions = new Option<string?>("--predictions") { Description = "Write the test predictions to this file: token, gold tag, predicted tag per line, in the data's scheme (conlleval's input)." };
        var encoding = EncodingOption();
        var embedding = new Option<int?>("--embedding") { Description = "Word vector size (default: the model's)." };
        var hidden = new Option<int?>("--hidden") { Description = "Recurrent units per direction (default: the model's)." };
        var layers = new Option<int?>("--layers") { Description = "Stacked recurrent layers (default 1)." };
        var dropout = new Option<double?>("--dropout") { Description = "Dropout on word vectors and recurrent outputs (default: the model's)." };
        var wordDropout = new Option<double?>("--word-dropout") { Description = "Probability of reading a word seen once in training as UNK (default: the model's)." };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the training set (default: the model's; for bilstm-crf the most epochs, from the corpus size)." };
        var batch = new Option<int?>("--batch") { Description = "Sentences per batch (default: the model's)." };
        var lr = new Option<double?>("--lr") { Description = "Adam's learning rate (default: the model's)." };
        var seed = new Option<int>("--seed") { Description = "Seed of every random choice (weights, batches, dropout).", DefaultValueFactory = _ => 0 };
        var save = new Option<string?>("--save") { Description = "Write the trained model (weights, vocabulary, tags) to this file." };
        var command = new Command("train", "Train a named-entity tagger and report test masked accuracy, the all-O baseline and entity F1.")
        {
            gmb, train, dev, test, format, scheme, encoding, model, embedding, hidden, layers, dropout, wordDropout, epochs, batch, lr, patience,
            embeddings, seed, save, predictions,
        };
        command.SetAction(parse => Train(new NerTrainRequest(parse.GetValue(gmb), parse.GetValue(train), parse.GetValue(dev),
            parse.GetValue(test), parse.GetValue(format)!, parse.GetValue(model)!, parse.GetValue(embedding), parse.GetValue(hidden),
            parse.GetValue(layers), parse.GetValue(dropout), parse.GetValue(wordDropout), parse.GetValue(epochs), parse.GetValue(batch),
            parse.GetValue(lr), parse.GetValue(seed), parse.GetValue(save), parse.GetValue(scheme)!, parse.GetValue(patience),
            parse.GetValue(embeddings), parse.GetValue(predictions), parse.GetValue(encoding)!), Console.Out, Console.Error));
        return command;
    }

    private static Option<string> EncodingOption()
    {
        var encoding = new Option<string>("--encoding")
        {
            Description = "Character encoding of CoNLL files: utf-8, latin-1 (the CoNLL-2002 files, CoNLL-2003's German ones) or windows-1252; decoded strictly.",
            DefaultValueFactory = _ => "utf-8",
        };
        encoding.AcceptOnlyFromAmong([.. DataEncodings.Names]);
        return encoding;
    }

    private static Command CreatePredict()
    {
        var model = new Option<string>("--model") { Description = "A model file written by 'workbook ner train --save'.", Required = true };
        var texts = new Argument<string[]>("text") { Description = "Sentences to tag (one argument each).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("predict", "Tag sentences with a saved model: prints each token's tag and the entities.") { model, texts };
        command.SetAction(parse => Predict(parse.GetValue(model)!, parse.GetValue(texts) ?? [], Console.Out, Console.Error));
        return command;
    }

    private static Command CreateEvaluate()
    {
        var model = new Option<string>("--model") { Description = "A model file written by 'workbook ner train --save'.", Required = true };
        var test = new Option<string>("--test") { Description = "Gold-tagged sentences to score the model on.", Required = true };
        var format = new Option<string>("--format") { Description = "Format of --test.", DefaultValueFactory = _ => "conll" };
        format.AcceptOnlyFromAmong("conll", "conllu", "gmb");
        var scheme = new Option<string>("--scheme") { Description = "Tag scheme of a CoNLL file: auto, bio, iob1 or bioes; scored in it.", DefaultValueFactory = _ => "auto" };
        scheme.AcceptOnlyFromAmong("auto", "bio", "iob1", "bioes");
        var predictions = new Option<string?>("--predictions") { Description = "Write token, gold tag, predicted tag per line to this file." };
        var encoding = EncodingOption();
        var command = new Command("evaluate", "Score a saved model on a gold-tagged file (for example text of another genre).") { model, test, format, scheme, encoding, predictions };
        command.SetAction(parse => Evaluate(parse.GetValue(model)!, parse.GetValue(test)!, parse.GetValue(format)!, parse.GetValue(scheme)!,
            parse.GetValue(predictions), Console.Out, Console.Error, parse.GetValue(encoding)!));
        return command;
    }

    /// <summary>Scores a saved model on a file; 0 on success, 2 for a missing or invalid model or data file.</summary>
    public static int Evaluate(string modelPath, string testPath, string format, string scheme, string? predictions, TextWriter stdout, TextWriter stderr,
        string encoding = "utf-8")
    {
        var tagger = LoadTagger(modelPath, stderr);
        if (tagger is null) return 2;
        var corpus = LoadCorpus(new NerTrainRequest(null, testPath, testPath, testPath, format, Scheme: scheme, Encoding: encoding), stderr);
        if (corpus is null) return 2;
        var (sentences, _, _, dataScheme) = corpus.Value;
        var (_, predictTags, labels) = tagger.Value;
        var predicted = predictTags(sentences.Select(s => s.Tokens).ToArray());
        var result = TaggerEvaluation.Compute(sentences.Select(s => s.Tags).ToArray(), predicted, labels, dataScheme);
        stdout.WriteLine($"data: {Describe(sentences)}; tags {dataScheme.ToString().ToUpperInvariant()}");
        Report(result, stdout, dataScheme);
        return predictions is null || WritePredictions(predictions, sentences, result, stdout, stderr) ? 0 : 2;
    }

    /// <summary>Loads a tagger of either kind: how it tags text, how it tags tokenised sentences (BIO), and its BIO labels.</summary>
    private static (Func<string, TaggedText> Tag, Func<IReadOnlyList<IReadOnlyList<string>>, string[][]> TagSentences, IReadOnlyList<string> Labels)? LoadTagger(
        string modelPath, TextWriter stderr)
    {
        if (!File.Exists(modelPath))
        {
            stderr.WriteLine($"error: {modelPath}: no such file");
            return null;
        }
        try
        {
            if (ModelFile.ReadHeader(modelPath).Header.Kind == CrfTagger<float>.ModelKind)
            {
                var crf = CrfTagger<float>.Load(modelPath);
                return (crf.Predict, s => crf.PredictTags(s), crf.EntityTags ? TagSchemes.TagsFor(crf.Types(), TagScheme.Bio) : crf.Tags.Tags);
            }
            var tagger = SequenceTagger<float>.Load(modelPath);
            return (tagger.Predict, s => tagger.PredictTags(s), tagger.Tags.Tags);
        }
        catch (Exception e) when (e is ModelFileException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {(e is ModelFileException ? e.Message : $"{modelPath}: {e.Message}")}");
            return null;
        }
    }

    /// <summary>Trains and evaluates; 0 on success, 2 for bad input (the problem was printed to stderr).</summary>
    public static int Train(NerTrainRequest request, TextWriter stdout, TextWriter stderr)
    {
        if (Check(request) is { } usage)
        {
            stderr.WriteLine($"error: {usage}");
            return 2;
        }
        if (request.Model == "bilstm-crf") return TrainCrf(request, stdout, stderr);
        var modelOptions = request.Model == "bilstm" ? TaggerOptions.BiLstm : TaggerOptions.Lecture;
        var trainingOptions = request.Model == "bilstm" ? TaggerTraining.BiLstm : TaggerTraining.Lecture;
        TaggerOptions options;
        TaggerTraining settings;
        try
        {
            options = (modelOptions with
            {
                EmbeddingSize = request.Embedding ?? modelOptions.EmbeddingSize,
                HiddenSize = request.Hidden ?? modelOptions.HiddenSize,
                Layers = request.Layers ?? modelOptions.Layers,
                Dropout = request.Dropout ?? modelOptions.Dropout,
            }).Validate();
            settings = (trainingOptions with
            {
                Epochs = request.Epochs ?? trainingOptions.Epochs,
                BatchSize = request.Batch ?? trainingOptions.BatchSize,
                LearningRate = request.LearningRate ?? trainingOptions.LearningRate,
                WordDropout = request.WordDropout ?? trainingOptions.WordDropout,
            }).Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            stderr.WriteLine($"error: --{OptionName(e.ParamName)} {e.ActualValue}: {FirstLine(e.Message)}");
            return 2;
        }

        var corpus = LoadCorpus(request, stderr);
        if (corpus is null) return 2;
        var (trainSet, devSet, testSet, _) = corpus.Value;

        var vocabulary = Vocabulary.Build(trainSet);
        var tags = TagMap.Build(trainSet);
        var rng = new Random(request.Seed);
        var tagger = new SequenceTagger<float>(vocabulary, tags, options, rng);
        stdout.WriteLine($"data: train {Describe(trainSet)}, dev {Describe(devSet)}, test {Describe(testSet)}");
        stdout.WriteLine($"vocabulary: {vocabulary.Count:N0} ids (with <PAD> and <UNK>), {tags.Count} tags");
        stdout.WriteLine($"model: {tagger}");
        stdout.WriteLine($"training: {settings.Epochs} epochs, batch {settings.BatchSize}, Adam {settings.LearningRate}" +
                         (settings.WordDropout > 0 ? $", word dropout {settings.WordDropout}" : "") +
                         (settings.ClipNorm is double c ? $", clipping at norm {c}" : "") + $", seed {request.Seed}" +
                         (LoadAverage() is { } load ? $"; {Environment.ProcessorCount} cores, load average {load}" : ""));

        var clock = Stopwatch.StartNew();
        if (IsTerminal(stdout)) FitWithProgressBars(tagger, trainSet, devSet, settings, rng);
        else tagger.Fit(trainSet, settings, rng, devSet, new ProgressLines(stdout).Report, e => stdout.WriteLine(e.ToString()));
        var trainingTime = clock.Elapsed;
        long tokens = trainSet.Sum(s => (long)s.Length) * settings.Epochs;
        stdout.WriteLine($"trained in {trainingTime.TotalSeconds:F1} s ({tokens / trainingTime.TotalSeconds:N0} tokens/s over {settings.Epochs} epochs, validation included)");

        var result = tagger.Evaluate(testSet);
        Report(result, stdout, TagScheme.Bio, (trainSet, testSet));
        if (request.Predictions is { } file && !WritePredictions(file, testSet, result, stdout, stderr)) return 2;

        if (request.Save is { } path)
        {
            try
            {
                tagger.Save(path, new System.Text.Json.Nodes.JsonObject
                {
                    ["command"] = "workbook ner train " + (request.Gmb is not null ? "--gmb" : "--train/--dev/--test") + $" --model {request.Model}",
                    ["epochs"] = settings.Epochs, ["batch"] = settings.BatchSize, ["learningRate"] = settings.LearningRate,
                    ["wordDropout"] = settings.WordDropout, ["seed"] = request.Seed,
                    ["testMaskedAccuracy"] = Math.Round(result.MaskedAccuracy, 4),
                });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"error: {path}: cannot write the model ({e.Message})");
                return 2;
            }
            stdout.WriteLine($"saved: {path}");
        }
        return 0;
    }

    /// <summary>Trains and evaluates the BiLSTM-CRF (<see cref="CrfTagger{T}"/>): 0 on success, 2 for bad input.</summary>
    private static int TrainCrf(NerTrainRequest request, TextWriter stdout, TextWriter stderr)
    {
        if (request.Layers is not null)
        {
            stderr.WriteLine("error: --layers is not an option of --model bilstm-crf (it has one BiLSTM layer)");
            return 2;
        }
        var corpus = LoadCorpus(request, stderr);
        if (corpus is null) return 2;
        var (trainSet, devSet, testSet, dataScheme) = corpus.Value;

        WordVectors? vectors = null;
        if (request.Embeddings is { } vectorFile)
        {
            if (!File.Exists(vectorFile))
            {
                stderr.WriteLine($"error: {vectorFile}: no such file");
                return 2;
            }
            var wanted = trainSet.Concat(devSet).Concat(testSet).SelectMany(s => s.Tokens).Select(WordCasing.Key).ToHashSet(StringComparer.Ordinal);
            try
            {
                vectors = WordVectors.Read(vectorFile, wanted.Contains);
            }
            catch (DataFormatException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                return 2;
            }
            if (request.Embedding is int size && size != vectors.Dimension)
            {
                stderr.WriteLine($"error: --embedding {size}: the vectors of {vectorFile} have {vectors.Dimension} dimensions");
                return 2;
            }
        }

        long trainTokens = trainSet.Sum(s => (long)s.Length);
        var defaults = CrfTraining.For(trainSet.Count, trainTokens);
        CrfTaggerOptions options;
        CrfTraining settings;
        try
        {
            options = (CrfTaggerOptions.BiLstmCrf with
            {
                WordEmbeddingSize = vectors?.Dimension ?? request.Embedding ?? CrfTaggerOptions.BiLstmCrf.WordEmbeddingSize,
                HiddenSize = request.Hidden ?? CrfTaggerOptions.BiLstmCrf.HiddenSize,
                Dropout = request.Dropout ?? CrfTaggerOptions.BiLstmCrf.Dropout,
            }).Validate();
            settings = (defaults with
            {
                MaxEpochs = request.Epochs ?? defaults.MaxEpochs,
                BatchSize = request.Batch ?? defaults.BatchSize,
                LearningRate = request.LearningRate ?? defaults.LearningRate,
                WordDropout = request.WordDropout ?? defaults.WordDropout,
                Patience = request.Patience ?? defaults.Patience,
            }).Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            stderr.WriteLine($"error: --{OptionName(e.ParamName)} {e.ActualValue}: {FirstLine(e.Message)}");
            return 2;
        }

        var rng = new Random(request.Seed);
        var tagger = CrfTagger<float>.Create(trainSet, options, rng, dataScheme, vectors, devSet.Concat(testSet).SelectMany(s => s.Tokens));
        stdout.WriteLine($"data: train {Describe(trainSet)}, dev {Describe(devSet)}, test {Describe(testSet)}; tags {dataScheme.ToString().ToUpperInvariant()}");
        stdout.WriteLine($"vocabulary: {tagger.Vocabulary.Count:N0} word keys (lowercased, digits as 0; with <PAD> and <UNK>), " +
                         $"{tagger.Characters?.Count ?? 0} characters, {tagger.Tags.Count} tags" +
                         (vectors is null ? "" : $"; {vectors.Count:N0} of them from {request.Embeddings} ({vectors.WordsInFile:N0} words, {vectors.Dimension} dimensions)"));
        stdout.WriteLine($"model: {tagger}");
        stdout.WriteLine($"training: at most {settings.MaxEpochs} epochs, patience {settings.Patience}, batch {settings.BatchSize}, " +
                         $"Adam {settings.LearningRate} (warm-up, cosine decay), word dropout {settings.WordDropout}" +
                         (settings.ClipNorm is double c ? $", clipping at norm {c}" : "") + $", seed {request.Seed}" +
                         (LoadAverage() is { } load ? $"; {Environment.ProcessorCount} cores, load average {load}" : ""));

        var clock = Stopwatch.StartNew();
        var fit = tagger.Fit(trainSet, settings, rng, devSet, new ProgressLines(stdout).Report, e => stdout.WriteLine(e.ToString()));
        var trainingTime = clock.Elapsed;
        stdout.WriteLine($"trained in {trainingTime.TotalSeconds:F1} s (validation included); {fit}");
        if (fit.Collapsed)
            stdout.WriteLine("warning: the kept model tags every validation token O although the validation set has entities: it collapsed to the all-O solution, and the scores below mean nothing");

        var result = tagger.Evaluate(testSet);
        Report(result, stdout, dataScheme, (trainSet, testSet));
        if (request.Predictions is { } file && !WritePredictions(file, testSet, result, stdout, stderr)) return 2;
        if (request.Save is { } path)
        {
            try
            {
                tagger.Save(path, new System.Text.Json.Nodes.JsonObject
                {
                    ["command"] = "workbook ner train " + (request.Gmb is not null ? "--gmb" : "--train/--dev/--test") + " --model bilstm-crf",
                    ["maxEpochs"] = settings.MaxEpochs, ["bestEpoch"] = fit.BestEpoch, ["batch"] = settings.BatchSize,
                    ["learningRate"] = settings.LearningRate, ["wordDropout"] = settings.WordDropout, ["seed"] = request.Seed,
                    ["testMaskedAccuracy"] = Math.Round(result.MaskedAccuracy, 4),
                    ["testEntityF1"] = result.Entities is { } e ? Math.Round(e.Overall.F1, 4) : null,
                });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"error: {path}: cannot write the model ({e.Message})");
                return 2;
            }
            stdout.WriteLine($"saved: {path}");
        }
        return 0;
    }

    /// <summary>
    /// The test lines: accuracy, the all-O baseline, entity F1 and the table by type, and a warning when no entity was
    /// found; after training (<paramref name="corpus"/> given), recall on the test entities seen in training and on the others.
    /// </summary>
    private static void Report(TaggerEvaluation result, TextWriter stdout, TagScheme scheme = TagScheme.Bio,
        (IReadOnlyList<TaggedSentence> Train, IReadOnlyList<TaggedSentence> Test)? corpus = null)
    {
        stdout.WriteLine($"test masked accuracy: {result.MaskedAccuracy:F4}");
        stdout.WriteLine($"test all-O baseline: {result.AllOBaseline:F4}");
        if (result.Entities is { } entities)
        {
            stdout.WriteLine($"test entity F1: {entities.Overall.F1:F4}");
            stdout.WriteLine("test entities by type (an entity counts only when its type and both boundaries match" +
                             (scheme == TagScheme.Bio ? "" : $"; tags written in {scheme.ToString().ToUpperInvariant()}, as in the data") + "):");
            Consoles.For(stdout).Write(EntityTable(entities));
            if (corpus is var (train, test) && entities.Overall.Gold > 0)
                stdout.WriteLine($"test entities seen in training: {EntityNovelty.Compute(train, test, result.Predicted, result.Scheme)}");
            if (entities.Overall.Gold > 0 && entities.Overall.Predicted == 0)
                stdout.WriteLine("warning: the model tags every test token O (the all-O solution): it found none of the entities");
        }
        else stdout.WriteLine("test entity F1: n/a (the tags are not BIO entity tags)");
    }

    /// <summary>Writes "token gold predicted" lines, a blank line after each sentence (conlleval's input), to a temporary file renamed into place.</summary>
    private static bool WritePredictions(string path, IReadOnlyList<TaggedSentence> sentences, TaggerEvaluation result, TextWriter stdout, TextWriter stderr)
    {
        string temporary = path + ".tmp";
        try
        {
            using (var writer = new StreamWriter(temporary, append: false, new System.Text.UTF8Encoding(false)))
            {
                for (int i = 0; i < sentences.Count; i++)
                {
                    var gold = GoldInScheme(sentences[i], result);
                    for (int t = 0; t < sentences[i].Length; t++)
                        writer.Write($"{sentences[i].Tokens[t]} {gold[t]} {result.Predicted[i][t]}\n");
                    writer.Write('\n');
                }
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temporary); } catch (IOException) { }
            stderr.WriteLine($"error: {path}: cannot write the predictions ({e.Message})");
            return false;
        }
        stdout.WriteLine($"predictions: {path}");
        return true;
    }

    /// <summary>The gold tags of a sentence in the scheme the evaluation scored in.</summary>
    private static IReadOnlyList<string> GoldInScheme(TaggedSentence sentence, TaggerEvaluation result) =>
        result.Scheme == TagScheme.Bio ? sentence.Tags : TagSchemes.FromBio(sentence.Tags, result.Scheme);

    /// <summary>Tags each text with a saved model; 0 on success, 2 for a missing or invalid model file.</summary>
    public static int Predict(string modelPath, IReadOnlyList<string> texts, TextWriter stdout, TextWriter stderr)
    {
        if (LoadTagger(modelPath, stderr) is not var (tag, _, _)) return 2;
        foreach (var text in texts) stdout.WriteLine(tag(text).ToString());
        return 0;
    }

    private static string? Check(NerTrainRequest r)
    {
        bool split = r.Train is not null || r.Dev is not null || r.Test is not null;
        if (r.Gmb is not null && split) return "give either --gmb FILE or --train, --dev and --test, not both";
        if (r.Gmb is null && !split) return "give --gmb FILE, or --train, --dev and --test";
        if (split && (r.Train is null || r.Dev is null || r.Test is null))
            return $"--train, --dev and --test go together; missing {string.Join(", ", new[] { ("--train", r.Train), ("--dev", r.Dev), ("--test", r.Test) }.Where(x => x.Item2 is null).Select(x => x.Item1))}";
        return null;
    }

    private static (IReadOnlyList<TaggedSentence> Train, IReadOnlyList<TaggedSentence> Dev, IReadOnlyList<TaggedSentence> Test, TagScheme Scheme)? LoadCorpus(
        NerTrainRequest r, TextWriter stderr)
    {
        var files = r.Gmb is not null ? [r.Gmb] : new[] { r.Train!, r.Dev!, r.Test! };
        foreach (var file in files)
            if (!File.Exists(file))
            {
                stderr.WriteLine($"error: {file}: no such file");
                return null;
            }
        DataEncoding encoding;
        try
        {
            encoding = DataEncodings.Parse(r.Encoding);
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"error: --encoding: {e.Message}");
            return null;
        }
        if (encoding != DataEncoding.Utf8 && (r.Gmb is not null || r.Format != "conll"))
        {
            stderr.WriteLine($"error: --encoding {r.Encoding} is for CoNLL files (--format conll): CoNLL-U files are UTF-8 by definition, and the GMB CSV is read as Windows-1252");
            return null;
        }
        try
        {
            if (r.Gmb is not null)
            {
                var (train, dev, test) = GmbCsvReader.ReadCourseSplit(r.Gmb);
                return (train, dev, test, TagScheme.Bio);
            }
            var scheme = r.Scheme switch { "bio" => TagScheme.Bio, "iob1" => TagScheme.Iob1, "bioes" => TagScheme.Bioes, _ => TagScheme.Auto };
            var sets = files.Select(f => Read(f, r.Format, scheme, encoding)).ToArray();
            foreach (var ((set, _), file) in sets.Zip(files))
                if (set.Count == 0)
                {
                    stderr.WriteLine($"error: {file}: no sentences");
                    return null;
                }
            return (sets[0].Sentences, sets[1].Sentences, sets[2].Sentences, sets[0].Scheme);
        }
        catch (DataFormatException e)
        {
            bool notUtf8 = r.Gmb is null && r.Format == "conll" && encoding == DataEncoding.Utf8 && e.InnerException is System.Text.DecoderFallbackException;
            stderr.WriteLine($"error: {e.Message}" + (notUtf8
                ? " (if the file is Latin-1, as the CoNLL-2002 files and CoNLL-2003's German ones are, add --encoding latin-1; for Windows-1252, --encoding windows-1252)"
                : ""));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return null;
        }
    }

    private static (IReadOnlyList<TaggedSentence> Sentences, TagScheme Scheme) Read(string path, string format, TagScheme scheme, DataEncoding encoding) => format switch
    {
        "gmb" => (GmbCsvReader.Read(path, dropLastSentence: false).Select(s => s.Entities).ToArray(), TagScheme.Bio),
        "conllu" => (ConlluReader.Read(path), TagScheme.Bio), // universal part-of-speech tags: the same tagger, no entity scores
        _ => ConllReader.ReadCorpus(path, scheme, encoding: encoding) is var corpus ? (corpus.Sentences, corpus.Scheme) : default,
    };

    private static void FitWithProgressBars(SequenceTagger<float> tagger, IReadOnlyList<TaggedSentence> train,
        IReadOnlyList<TaggedSentence> dev, TaggerTraining settings, Random rng)
    {
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask? task = null;
                double lossSum = 0;
                tagger.Fit(train, settings, rng, dev,
                    p =>
                    {
                        if (p.Batch == 1)
                        {
                            task = context.AddTask($"epoch {p.Epoch}/{settings.Epochs}", maxValue: p.Batches);
                            lossSum = 0;
                        }
                        lossSum += p.Loss;
                        task!.Value = p.Batch;
                        task.Description = $"epoch {p.Epoch}/{settings.Epochs}  loss {lossSum / p.Batch:F4}  {p.TokensPerSecond ?? 0:N0} tokens/s";
                    },
                    e => task!.Description = Markup.Escape(e.ToString()));
            });
    }

    private static Table EntityTable(EntityScores scores)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("type");
        foreach (var column in new[] { "precision", "recall", "F1", "support" }) table.AddColumn(new TableColumn(column).RightAligned());
        void Row(string name, EntityCounts c) =>
            table.AddRow(Markup.Escape(name), $"{c.Precision:F4}", $"{c.Recall:F4}", $"{c.F1:F4}", $"{c.Gold:N0}");
        foreach (var (type, counts) in scores.PerType) Row(type, counts);
        Row("overall", scores.Overall);
        return table;
    }

    /// <summary>Plain progress lines for logs: every tenth of an epoch (none for epochs of fewer than 10 batches).</summary>
    private sealed class ProgressLines(TextWriter writer)
    {
        private double _lossSum;

        public void Report(TrainingProgress p)
        {
            if (p.Batch == 1) _lossSum = 0;
            _lossSum += p.Loss;
            int step = p.Batches / 10;
            if (step == 0 || p.Batch % step != 0 || p.Batch == p.Batches) return;
            writer.WriteLine($"epoch {p.Epoch}: {100.0 * p.Batch / p.Batches,3:F0}% ({p.Batch}/{p.Batches} batches), loss {_lossSum / p.Batch:F4}, {p.TokensPerSecond ?? 0:N0} tokens/s");
        }
    }

    private static bool IsTerminal(TextWriter writer) => ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;

    private static string Describe(IReadOnlyList<TaggedSentence> set) => $"{set.Count:N0} sentences ({set.Sum(s => s.Length):N0} tokens)";

    private static string? LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string OptionName(string? parameter) => parameter switch
    {
        "EmbeddingSize" => "embedding",
        "HiddenSize" => "hidden",
        "Layers" => "layers",
        "Dropout" => "dropout",
        "WordDropout" => "word-dropout",
        "Epochs" => "epochs",
        "BatchSize" => "batch",
        "LearningRate" => "lr",
        "MaxEpochs" => "epochs",
        "Patience" => "patience",
        _ => parameter ?? "?",
    };

    private static string FirstLine(string message) => message.Split('\n')[0].Split(" (Parameter")[0].Trim();
}

/// <summary>What <c>workbook ner train</c> was asked to do; null sizes and settings take the model's defaults.</summary>
internal sealed record NerTrainRequest(string? Gmb, string? Train, string? Dev, string? Test, string Format = "conll",
    string Model = "lstm", int? Embedding = null, int? Hidden = null, int? Layers = null, double? Dropout = null,
    double? WordDropout = null, int? Epochs = null, int? Batch = null, double? LearningRate = null, int Seed = 0, string? Save = null,
    string Scheme = "auto", int? Patience = null, string? Embeddings = null, string? Predictions = null, string Encoding = "utf-8");
