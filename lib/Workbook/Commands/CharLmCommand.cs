using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SequenceModels;
using SequenceModels.Text;

namespace Workbook.Commands;

/// <summary>
/// <c>workbook charlm train</c> and <c>workbook charlm sample</c>: a character-level language model on a text file
/// (the last 10% held out for validation), and text generated from a saved model.
/// </summary>
internal static class CharLmCommand
{
    /// <summary>
    /// The defaults, the best measured on tinyshakespeare within 15 minutes on 2 cores: an LSTM of 512 units with
    /// dropout 0.2 and batches of 16 streams reached validation perplexity 4.23 (1.441 nats per character; 8,937 steps
    /// at 17.0k characters/s in 14 minutes, a 2-core Zen 3 with the AVX2 kernel). On the same machine, batches of 32
    /// reached 4.27 (4,086 steps) and of 64 4.39 (2,090 steps). With batches of 64 on a faster machine (AVX-512): 4.32
    /// (1.463 nats per character; 2,854 steps in 14 minutes on a quiet machine).
    /// Without dropout it overfits: 4.54 (train loss 1.29, validation 1.51).
    /// A GRU of 512 units, 1,600 steps: 4.36; two LSTM layers of 256: 4.79.
    /// </summary>
    public static readonly CharLmTrainRequest Defaults = new("", RecurrentCell.Lstm, Layers: 1, Hidden: 512, Embedding: 64,
        Dropout: 0.2, Steps: null, Minutes: 14, Sequence: 100, Batch: 16, LearningRate: 2e-3, Seed: 42, SavePath: null, SampleLength: 300,
        Temperature: 0.8);

    public static Command Create()
    {
        var command = new Command("charlm", "Character-level language model: train on a text file (last 10% held out), or sample from a saved model.")
        {
            CreateTrain(), CreateSample(),
        };
        return command;
    }

    private static Command CreateTrain()
    {
        var d = Defaults;
        var text = new Option<string>("--text") { Description = "The training text (UTF-8); its last 10% is the validation text.", Required = true };
        var cell = new Option<string>("--cell") { Description = "Recurrent cell: rnn, gru or lstm.", DefaultValueFactory = _ => Name(d.Cell) };
        cell.AcceptOnlyFromAmong("rnn", "gru", "lstm");
        var layers = new Option<int>("--layers") { Description = "Stacked recurrent layers.", DefaultValueFactory = _ => d.Layers };
        var hidden = new Option<int>("--hidden") { Description = "Hidden size n_h of each layer.", DefaultValueFactory = _ => d.Hidden };
        var embedding = new Option<int>("--embedding") { Description = "Character vector size n_e.", DefaultValueFactory = _ => d.Embedding };
        var dropout = new Option<double>("--dropout") { Description = "Dropout on the recurrent layers' input and output while training (0 for none).", DefaultValueFactory = _ => d.Dropout };
        var steps = new Option<int?>("--steps") { Description = "Train for this many updates (instead of --minutes)." };
        var minutes = new Option<double?>("--minutes") { Description = $"Train for this many minutes (default {d.Minutes} when --steps is not given)." };
        var seq = new Option<int>("--seq") { Description = "Characters per stream per batch (the BPTT truncation length).", DefaultValueFactory = _ => d.Sequence };
        var batch = new Option<int>("--batch") { Description = "Parallel streams per batch.", DefaultValueFactory = _ => d.Batch };
        var lr = new Option<double>("--lr") { Description = "Adam's peak learning rate (warm-up, then cosine decay).", DefaultValueFactory = _ => d.LearningRate };
        var seed = new Option<int>("--seed") { Description = "Seed of the initial weights, the text offsets and the sample.", DefaultValueFactory = _ => d.Seed };
        var save = new Option<string?>("--save") { Description = "Save the trained model to this file." };
        var sample = new Option<int>("--sample") { Description = "Characters to sample after training (0 for none).", DefaultValueFactory = _ => d.SampleLength };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature.", DefaultValueFactory = _ => d.Temperature };
        var command = new Command("train", "Train on a text file and print the validation perplexity and a sample.")
        {
            text, cell, layers, hidden, embedding, dropout, steps, minutes, seq, batch, lr, seed, save, sample, temperature,
        };
        command.SetAction((parse, cancel) => Task.FromResult(Train(new CharLmTrainRequest(parse.GetValue(text)!,
            Enum.Parse<RecurrentCell>(parse.GetValue(cell)!, ignoreCase: true), parse.GetValue(layers), parse.GetValue(hidden),
            parse.GetValue(embedding), parse.GetValue(dropout), parse.GetValue(steps), parse.GetValue(minutes) ?? (parse.GetValue(steps) is null ? d.Minutes : null),
            parse.GetValue(seq), parse.GetValue(batch), parse.GetValue(lr), parse.GetValue(seed), parse.GetValue(save),
            parse.GetValue(sample), parse.GetValue(temperature)), Console.Out, Console.Error, cancel)));
        return command;
    }

    private static Command CreateSample()
    {
        var model = new Option<string>("--model") { Description = "A model saved by charlm train --save.", Required = true };
        var prime = new Option<string?>("--prime") { Description = "Text to continue (default: start after a line break, or at EOS when the model has no line breaks)." };
        var length = new Option<int>("--length") { Description = "Characters to generate.", DefaultValueFactory = _ => 500 };
        var temperature = new Option<double>("--temperature") { Description = "τ: 1 samples the model's distribution, lower is more conservative, 0 is greedy.", DefaultValueFactory = _ => 0.8 };
        var seed = new Option<int>("--seed") { Description = "Seed of the sample.", DefaultValueFactory = _ => 42 };
        var command = new Command("sample", "Generate text from a saved character-level model.") { model, prime, length, temperature, seed };
        command.SetAction(parse => Sample(new CharLmSampleRequest(parse.GetValue(model)!, parse.GetValue(prime),
            parse.GetValue(length), parse.GetValue(temperature), parse.GetValue(seed)), Console.Out, Console.Error));
        return command;
    }

    /// <summary>Trains, reports and samples; 0 on success, 2 for bad input (one line on stderr).</summary>
    public static int Train(CharLmTrainRequest r, TextWriter stdout, TextWriter stderr, CancellationToken cancel = default)
    {
        if (Check(r) is { } problem) return Fail(stderr, problem);
        if (ReadText(r.TextPath, out string? problem2) is not { } text) return Fail(stderr, problem2!);
        int split = (int)(text.Length * 0.9);
        string train = text[..split], validation = text[split..];
        var vocabulary = CharVocabulary.Build(train);
        int[] trainIds = vocabulary.Encode(train), validationIds = vocabulary.Encode(validation);
        if (trainIds.Length < r.Batch * (r.Sequence + 1))
            return Fail(stderr, $"{r.TextPath}: the training part has {trainIds.Length} characters, too few for one batch of " +
                                $"{r.Batch} streams × {r.Sequence + 1}; use a smaller --batch or --seq.");
        int evalStreams = Math.Clamp(validationIds.Length / 1000, 1, 32);
        if (validationIds.Length < 2 * evalStreams)
            return Fail(stderr, $"{r.TextPath}: the validation part (the last 10%) has {validationIds.Length} characters, too few to score.");

        var rng = new Random(r.Seed);
        var model = new CharLanguageModel<float>(vocabulary, new CharLanguageModelOptions(r.Cell, r.Layers, r.Hidden, r.Embedding, r.Dropout), rng);
        var options = new CharTrainingOptions(r.Batch, r.Sequence, r.LearningRate, MaxSteps: r.Steps,
            TimeLimit: r.Minutes is double min ? TimeSpan.FromMinutes(min) : null);
        int unknown = validationIds.Count(id => id == CharVocabulary.UnkId);
        stdout.WriteLine(Invariant($"model: {Name(r.Cell)}, {r.Layers} × {r.Hidden} hidden, embedding {r.Embedding}, dropout {r.Dropout}, {model.ParameterCount():N0} parameters (float)"));
        stdout.WriteLine(Invariant($"text: {r.TextPath}, {train.Length:N0} training and {validation.Length:N0} validation characters; vocabulary {vocabulary.Count} ({vocabulary.Characters.Count} characters + EOS, UNK)") +
                         (unknown > 0 ? Invariant($"; {unknown} validation characters are UNK") : ""));
        stdout.WriteLine(Invariant($"training: batch {r.Batch} streams × {r.Sequence} steps, Adam lr {r.LearningRate} with warm-up and cosine decay, clip norm {options.ClipNorm}, ") +
                         (r.Steps is int s ? Invariant($"{s} steps") : "") + (r.Steps is not null && r.Minutes is not null ? " or " : "") +
                         (r.Minutes is double mm ? Invariant($"{mm} minutes") : "") + Invariant($", seed {r.Seed}"));

        double nextReport = 0, lossSum = 0;
        int lossCount = 0;
        var result = CharLanguageModelTraining.Train(model, trainIds, options, rng, p =>
        {
            lossSum += p.Loss;
            lossCount++;
            if (p.Progress < nextReport && p.Step > 1) return;
            stdout.WriteLine(Invariant($"step {p.Step,6}  epoch {p.Epoch,3}  loss {lossSum / lossCount:F4}  lr {p.LearningRate:0.00000}  {p.CharactersPerSecond,8:N0} chars/s  {Clock(p.Elapsed)} elapsed"));
            (lossSum, lossCount) = (0, 0);
            while (nextReport <= p.Progress) nextReport += 0.05;
        }, cancel);
        stdout.WriteLine(Invariant($"trained {result.Steps:N0} steps, {result.Characters:N0} characters in {Clock(result.Elapsed)}: {result.StepsPerSecond:F3} steps/s, {result.CharactersPerSecond:N0} chars/s"));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var score = model.Evaluate(validationIds, evalStreams);
        stdout.WriteLine(Invariant($"validation: {score.MeanLoss:F4} nats ({score.BitsPerCharacter:F3} bits) per character over {score.Characters:N0} characters, scored in {clock.Elapsed.TotalSeconds:F1} s"));
        stdout.WriteLine(Invariant($"validation perplexity: {score.Perplexity:F4}"));

        if (r.SavePath is { } path)
        {
            var notes = new JsonObject
            {
                ["text"] = Path.GetFileName(r.TextPath), ["steps"] = result.Steps, ["batch"] = r.Batch, ["seq"] = r.Sequence,
                ["lr"] = r.LearningRate, ["seed"] = r.Seed, ["validationPerplexity"] = Math.Round(score.Perplexity, 4),
            };
            try
            {
                model.Save(path, notes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Fail(stderr, $"{path}: cannot save the model ({e.Message})");
            }
            stdout.WriteLine($"saved: {path}");
        }
        if (r.SampleLength > 0)
        {
            string prime = DefaultPrime(vocabulary);
            stdout.WriteLine(Invariant($"sample (temperature {r.Temperature}, seed {r.Seed}):"));
            stdout.WriteLine(model.Sample(prime, r.SampleLength, r.Temperature, new Random(r.Seed)));
        }
        return 0;
    }

    /// <summary>Loads a model and prints the prime and its continuation; 0 on success, 2 for a bad file.</summary>
    public static int Sample(CharLmSampleRequest r, TextWriter stdout, TextWriter stderr)
    {
        if (r.Length < 0) return Fail(stderr, "--length must be at least 0.");
        if (!(r.Temperature >= 0) || double.IsInfinity(r.Temperature)) return Fail(stderr, "--temperature must be a finite number ≥ 0.");
        if (!File.Exists(r.ModelPath)) return Fail(stderr, $"{r.ModelPath}: file not found.");
        CharLanguageModel<float> model;
        try
        {
            model = CharLanguageModel.Load<float>(r.ModelPath);
        }
        catch (ModelFileException e)
        {
            return Fail(stderr, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(stderr, $"{r.ModelPath}: cannot read the file ({e.Message})");
        }
        string prime = r.Prime ?? DefaultPrime(model.Vocabulary);
        stdout.WriteLine(r.Prime + model.Sample(prime, r.Length, r.Temperature, new Random(r.Seed)));
        return 0;
    }

    /// <summary>
    /// Where a sample starts without a prime: after a line break when the text had line breaks (a continuous text
    /// such as a play), otherwise at EOS, the start of a new item (a corpus encoded line by line).
    /// </summary>
    private static string DefaultPrime(CharVocabulary vocabulary) => vocabulary.Contains('\n') ? "\n" : "";

    private static string? Check(CharLmTrainRequest r)
    {
        if (r.Layers < 1) return "--layers must be at least 1.";
        if (r.Hidden < 1) return "--hidden must be at least 1.";
        if (r.Embedding < 1) return "--embedding must be at least 1.";
        if (!(r.Dropout >= 0 && r.Dropout < 1)) return "--dropout must be at least 0 and less than 1.";
        if (r.Steps is < 1) return "--steps must be at least 1.";
        if (r.Minutes is double m && !(m > 0)) return "--minutes must be positive.";
        if (r.Steps is null && r.Minutes is null) return "give --steps or --minutes.";
        if (r.Sequence < 1) return "--seq must be at least 1.";
        if (r.Batch < 1) return "--batch must be at least 1.";
        if (!(r.LearningRate > 0)) return "--lr must be positive.";
        if (r.SampleLength < 0) return "--sample must be at least 0.";
        if (!(r.Temperature >= 0) || double.IsInfinity(r.Temperature)) return "--temperature must be a finite number ≥ 0.";
        // Found out before training, not after.
        if (r.SavePath is { } save && Path.GetDirectoryName(Path.GetFullPath(save)) is { } folder && !Directory.Exists(folder))
            return $"{save}: the folder {folder} does not exist.";
        return null;
    }

    /// <summary>The file's text (strict UTF-8, gzip-compressed or not), or null with a one-line problem naming the file.</summary>
    private static string? ReadText(string path, out string? problem)
    {
        problem = null;
        try
        {
            string text = DataFile.ReadAllText(path);
            if (text.Length < 20) problem = $"{path}: the file has {text.Length} characters; a language model needs a longer text.";
            return problem is null ? text : null;
        }
        catch (DataFormatException e)
        {
            problem = e.Message;
        }
        return null;
    }

    private static int Fail(TextWriter stderr, string problem)
    {
        stderr.WriteLine($"error: {problem}");
        return 2;
    }

    private static string Name(RecurrentCell cell) => cell.ToString().ToLowerInvariant();

    private static string Clock(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What <c>workbook charlm train</c> was asked to do.</summary>
internal sealed record CharLmTrainRequest(string TextPath, RecurrentCell Cell, int Layers, int Hidden, int Embedding, double Dropout, int? Steps,
    double? Minutes, int Sequence, int Batch, double LearningRate, int Seed, string? SavePath, int SampleLength, double Temperature);

/// <summary>What <c>workbook charlm sample</c> was asked to do.</summary>
internal sealed record CharLmSampleRequest(string ModelPath, string? Prime, int Length, double Temperature, int Seed);
