using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SequenceModels.Taggers;
using SequenceModels.Text;

namespace Workbook.Commands;

/// <summary>
/// <c>workbook pos train --train FILE --test FILE</c>: trains a hidden Markov model part-of-speech tagger, tags the
/// test file with Viterbi and prints its accuracy beside the most-frequent-tag baseline.
/// </summary>
internal static class PosCommand
{
    /// <summary>What <c>pos train</c> was asked to do.</summary>
    internal sealed record Options(string Train, string Test, string? Format = null, string Column = "upos", int Order = 2, double? Smoothing = null, int Lexicalised = 100);

    public static Command Create()
    {
        var train = new Option<string>("--train") { Description = "Training corpus (CoNLL-U, or word<TAB>tag lines).", Required = true, HelpName = "FILE" };
        var test = new Option<string>("--test") { Description = "Test corpus, in the same format.", Required = true, HelpName = "FILE" };
        var format = new Option<string?>("--format") { Description = "conllu or tsv (word<TAB>tag); by default conllu for *.conllu and *.conllu.gz files, tsv otherwise." };
        format.AcceptOnlyFromAmong("conllu", "tsv");
        var column = new Option<string>("--column") { Description = "CoNLL-U tag column: upos (universal tags) or xpos (Penn tags).", DefaultValueFactory = _ => "upos" };
        column.AcceptOnlyFromAmong("upos", "xpos");
        var order = new Option<int>("--order") { Description = "1: the lecture's bigram HMM; 2: a trigram HMM (TnT: interpolated transitions, suffix model).", DefaultValueFactory = _ => 2, HelpName = "1|2" };
        order.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is not (1 or 2)) result.AddError("--order must be 1 or 2.");
        });
        var smoothing = new Option<double?>("--smoothing") { Description = "Additive smoothing α of A, π and B for --order 1 (default 0.001).", HelpName = "A" };
        smoothing.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is < 0) result.AddError("--smoothing must be at least 0.");
        });

        var lexicalised = new Option<int>("--lexicalised") { Description = "For --order 2: how many of the most frequent words get states of their own (0: plain TnT).", DefaultValueFactory = _ => 100, HelpName = "N" };
        lexicalised.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0) result.AddError("--lexicalised must be at least 0.");
        });

        var trainCommand = new Command("train", "Train an HMM tagger, tag the test set with Viterbi and print the accuracy and the baseline's.");
        foreach (var option in new Option[] { train, test, format, column, order, smoothing, lexicalised }) trainCommand.Options.Add(option);
        trainCommand.SetAction(parse => Train(
            new Options(parse.GetValue(train)!, parse.GetValue(test)!, parse.GetValue(format), parse.GetValue(column) ?? "upos", parse.GetValue(order), parse.GetValue(smoothing), parse.GetValue(lexicalised)),
            Console.Out, Console.Error));

        var command = new Command("pos", "Part-of-speech tagging with a hidden Markov model and Viterbi.");
        command.Subcommands.Add(trainCommand);
        return command;
    }

    /// <summary>Runs <c>pos train</c>; returns the exit code: 0, or 2 for a missing or malformed file.</summary>
    internal static int Train(Options options, TextWriter output, TextWriter error)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<TaggedSentence> trainSet, testSet;
        try
        {
            trainSet = Read(options.Train, options);
            testSet = Read(options.Test, options);
        }
        catch (DataFormatException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 2;
        }
        var loadTime = clock.Elapsed;

        int trainWords = trainSet.Sum(s => s.Length), testWords = testSet.Sum(s => s.Length);
        output.WriteLine(Invariant($"train: {options.Train}: {trainSet.Count:N0} sentences, {trainWords:N0} words, {trainSet.SelectMany(s => s.Tags).Distinct().Count()} tags"));
        output.WriteLine(Invariant($"test: {options.Test}: {testSet.Count:N0} sentences, {testWords:N0} words"));

        clock.Restart();
        Func<IReadOnlyList<string>, IReadOnlyList<string>> tagger;
        Func<string, bool> isKnown;
        if (options.Order == 1)
        {
            var hmm = HiddenMarkovModel.Train(trainSet, options.Smoothing ?? 0.001);
            (tagger, isKnown) = (hmm.Tag, hmm.IsKnown);
            output.WriteLine(Invariant($"model: bigram HMM (order 1), additive smoothing α = {hmm.Alpha}, unknown words by word-shape class"));
        }
        else
        {
            var hmm = TrigramHiddenMarkovModel.Train(trainSet, options.Lexicalised);
            (tagger, isKnown) = (hmm.Tag, hmm.IsKnown);
            var (l1, l2, l3) = hmm.Lambdas;
            output.WriteLine(Invariant($"model: trigram HMM (order 2, TnT), {hmm.States.Count} states (tags split by capitalisation, {hmm.LexicalisedWords.Count} lexicalised words), deleted interpolation λ = {l1:F3}, {l2:F3}, {l3:F3}, unknown words by suffix"));
            if (options.Smoothing is not null) output.WriteLine("note: --smoothing applies to --order 1 only; the trigram model interpolates instead");
        }
        var trainTime = clock.Elapsed;

        clock.Restart();
        var accuracy = TaggingAccuracy.Measure(testSet, tagger, isKnown);
        var tagTime = clock.Elapsed;
        var baseline = MostFrequentTagBaseline.Train(trainSet);
        var baselineAccuracy = TaggingAccuracy.Measure(testSet, baseline.Tag, baseline.IsKnown);

        output.WriteLine(Invariant($"test accuracy: {accuracy.Accuracy:F4}"));
        output.WriteLine(Invariant($"known-word accuracy: {accuracy.KnownAccuracy:F4} ({accuracy.KnownTotal:N0} words)"));
        output.WriteLine(Invariant($"unknown-word accuracy: {accuracy.UnknownAccuracy:F4} ({accuracy.UnknownTotal:N0} words, {Ratio(accuracy.UnknownTotal, accuracy.Total):P1})"));
        output.WriteLine(Invariant($"most-frequent-tag baseline: {baselineAccuracy.Accuracy:F4}"));
        output.WriteLine(Invariant($"time: load {loadTime.TotalSeconds:F1} s, train {trainTime.TotalSeconds:F1} s, tag {tagTime.TotalSeconds:F1} s ({Ratio(testWords, tagTime.TotalSeconds):N0} words/s)"));
        return 0;
    }

    static IReadOnlyList<TaggedSentence> Read(string path, Options options)
    {
        // The format is read from the name, a compressed file's by the name under the .gz.
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        string format = options.Format ?? (name.EndsWith(".conllu", StringComparison.OrdinalIgnoreCase) ? "conllu" : "tsv");
        var sentences = format == "conllu"
            ? options.Column == "xpos"
                ? ConlluReader.Read(path, ConlluColumn.Xpos)
                : ConlluReader.Read(path, ConlluColumn.Upos, ConlluReader.UposTags)
            : TaggedTextReader.Read(path);
        if (sentences.Count == 0) throw new DataFormatException(path, 0, "no sentences");
        return sentences;
    }

    static double Ratio(double a, double b) => b > 0 ? a / b : 0.0;

    static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
