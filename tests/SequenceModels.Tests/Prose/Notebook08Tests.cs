using System.Text.RegularExpressions;
using SequenceModels.Tests.Text;
using SequenceModels.Text;

namespace SequenceModels.Tests.Prose;

/// <summary>
/// The figures that notebook 08's prose quotes and its run does not write: the sizes of the corpora and of the models
/// it describes, the arithmetic around the recorded <c>workbook charlm train</c> runs of section 8 (quoted with their
/// command), and the German examples. Each is found in the markdown and derived again here.
/// </summary>
public class Notebook08Tests
{
    private static readonly NotebookCellsText Notebook = new("08-character-language-model.ipynb");

    private static string[] Lines(string file) => File.ReadAllLines(Path.Combine(TextFiles.RepoRoot, "data", "text", file));

    private static readonly Lazy<string> Shakespeare = new(() => DataFile.ReadAllText(TextFiles.Corpus("tinyshakespeare", "input.txt.gz")));

    private static string CharLmCommandSource => File.ReadAllText(Path.Combine(TextFiles.RepoRoot, "lib", "Workbook", "Commands", "CharLmCommand.cs"));

    [Fact]
    public void The_corpora_hold_341_names_168_proverbs_and_40_german_and_40_chinese_sentences()
    {
        Assert.Contains("341 names of plants and animals, one per line, and 168 proverb-style sentences", Notebook.Markdown);
        Assert.Equal(341, Lines("names.txt").Length);
        Assert.Equal(168, Lines("proverbs.txt").Length);
        Assert.Contains("`data/text/german.txt` holds 40 everyday German sentences", Notebook.Markdown);
        Assert.Contains("`data/text/chinese.txt` holds 40 Chinese sentences", Notebook.Markdown);
        Assert.Equal(40, Lines("german.txt").Length);
        Assert.Equal(40, Lines("chinese.txt").Length);
        // Chinese without spaces, German with its compounds.
        Assert.DoesNotContain(Lines("chinese.txt"), l => l.Contains(' '));
        Assert.Contains("Every tenth line is held out", Notebook.Markdown);
        Assert.Contains("lines.Where((_, i) => i % 10 == 9)", Notebook.Code);
        Assert.Contains("holding out every fifth line", Notebook.Markdown);
        Assert.Contains("lines.Where((_, i) => i % 5 == 4)", Notebook.Code);
    }

    [Fact]
    public void The_german_examples_are_compounds_of_the_sample()
    {
        Assert.Contains("(*Haustür* + *Schlüssel* + *brett*: the board the front-door key hangs on)", Notebook.Markdown);
        Assert.Contains(Lines("german.txt"), l => l.Contains("Haustürschlüssel") && l.Contains("Schlüsselbrett"));
        Assert.Contains("*Fahrradweg* is unknown although *Fahrradschlauch* was seen, *Uferpromenade* although *Seeufer* was", Notebook.CodeText);
        var german = Lines("german.txt");
        var training = WordTokens.Vocabulary(german.Where((_, i) => i % 5 != 4)).ToHashSet();
        var heldOut = german.Where((_, i) => i % 5 == 4).SelectMany(WordTokens.Split).ToHashSet();
        Assert.All(new[] { "fahrradweg", "uferpromenade" }, w => Assert.True(heldOut.Contains(w) && !training.Contains(w), w));
        Assert.All(new[] { "fahrradschlauch", "seeufer" }, w => Assert.Contains(w, training));
    }

    [Fact]
    public void The_models_have_the_sizes_the_prose_gives()
    {
        Assert.Contains("an LSTM with 64 hidden units and 16-number character vectors", Notebook.Markdown);
        Assert.Contains("new CharLanguageModelOptions(RecurrentCell.Lstm, Layers: 1, HiddenSize: 64, EmbeddingSize: 16, Dropout: 0.3)", Notebook.Code);
        Assert.Contains("on a batch of 2 streams × 5 characters", Notebook.Markdown);
        Assert.Contains("new TextStreams(trainIds, streams: 2, steps: 5)", Notebook.Code);
        Assert.Contains("Each cell gets 300 steps of 8 streams × 48 characters; every 10 steps", Notebook.Markdown);
        Assert.Contains("new CharTrainingOptions(BatchSize: 8, SequenceLength: 48, LearningRate: 0.005, ClipNorm: 1.0, MaxSteps: 300)", Notebook.Code);
        Assert.Contains("($p = 0.3$, against overfitting a small corpus)", Notebook.Markdown);
        Assert.Contains("An LSTM with 128 hidden units, 400 steps of 16 streams × 48 characters", Notebook.Markdown);
        Assert.Contains("lstmOptions with { HiddenSize = 128 }", Notebook.Code);
        Assert.Contains("training with { BatchSize = 16, MaxSteps = 400 }", Notebook.Code);
        Assert.Contains("a plain RNN with 50 units, here with 16-number character vectors in front", Notebook.Markdown);
        Assert.Contains("for 3,000 iterations with Adam at 0.005 and clipping at norm 1, sampling six names every 500 iterations", Notebook.Markdown);
        Assert.Contains("new CharLanguageModelOptions(RecurrentCell.Rnn, Layers: 1, HiddenSize: 50, EmbeddingSize: 16)", Notebook.Code);
        Assert.Contains("new Adam<float>(0.005), iterations: 3000,\n    clipNorm: 1.0, sampleEvery: 500, namesPerSample: 6", Notebook.Code);
        Assert.Contains("the twelve most likely characters", Notebook.Markdown);
        Assert.Contains(".Take(12)", Notebook.Code);
        Assert.Contains("three proverbs at each temperature", Notebook.Markdown);
        Assert.Contains("lines.Skip(1).Take(3)", Notebook.Code);
        Assert.Contains("for $n = 1, \\dots, 8$", Notebook.Markdown);
        Assert.Contains("Enumerable.Range(1, 8)", Notebook.Code);
    }

    [Fact]
    public void There_are_four_exercises()
    {
        Assert.Contains("four exercises, each checked at once", Notebook.Markdown);
        Assert.Equal(4, Notebook.ExerciseCells);
    }

    [Fact]
    public void The_full_size_model_of_the_notebook_is_the_command_line_default()
    {
        // Section 9 builds `new CharLanguageModelOptions()` to count the weights of `workbook charlm train`'s model.
        Assert.Contains("new CharLanguageModel<float>(shakespeareVocabulary, new CharLanguageModelOptions(), new Random(0))", Notebook.Code);
        var library = new CharLanguageModelOptions();
        Assert.Equal((RecurrentCell.Lstm, 1, 512, 64), (library.Cell, library.Layers, library.HiddenSize, library.EmbeddingSize));
        Assert.Contains("RecurrentCell.Lstm, Layers: 1, Hidden: 512, Embedding: 64,", CharLmCommandSource);
    }

    [Fact]
    public void The_shakespeare_command_reads_the_corpus_in_the_repository()
    {
        Assert.Contains("charlm train --text data/tinyshakespeare/input.txt.gz --save artifacts/models/shakespeare.model", Notebook.Markdown);
        Assert.True(File.Exists(TextFiles.Corpus("tinyshakespeare", "input.txt.gz")));
        Assert.Contains("1.1 million characters, in the repository as `data/tinyshakespeare/input.txt.gz`", Notebook.Markdown);
        Assert.Equal(1_115_394, Shakespeare.Value.Length);
        Assert.Equal(1.1, Math.Round(Shakespeare.Value.Length / 1e6, 1));
    }

    [Fact]
    public void The_command_line_defaults_are_the_ones_quoted()
    {
        Assert.Contains("The defaults are an LSTM with 512 hidden units and dropout 0.2, batches of 16 streams × 100 characters, Adam at 0.002 " +
                        "with warm-up and cosine decay, clipping at norm 1, for 14 minutes", Notebook.Markdown);
        Assert.Contains("Hidden: 512, Embedding: 64,\n        Dropout: 0.2, Steps: null, Minutes: 14, Sequence: 100, Batch: 16, LearningRate: 2e-3,", CharLmCommandSource);
        Assert.Equal(1.0, new CharTrainingOptions().ClipNorm);
    }

    [Fact]
    public void The_recorded_run_s_arithmetic_holds()
    {
        Assert.Contains("the defaults trained 8,937 steps (14 million characters, 14 passes over the text) in 14 minutes and reached " +
                        "**validation perplexity 4.23** (1.44 nats, 2.08 bits per character) over a vocabulary of 67 ids", Notebook.Markdown);
        string text = Shakespeare.Value;
        int split = (int)(text.Length * 0.9);
        long characters = 8_937L * 16 * 100;
        Assert.Equal(14, Math.Round(characters / 1e6));
        Assert.Equal(14, Math.Round((double)characters / split));
        // The command printed 1.4412 nats, perplexity 4.2258.
        Assert.Equal(4.23, Math.Round(Math.Exp(1.4412), 2));
        Assert.Equal(1.44, Math.Round(Math.Log(4.2258), 2));
        Assert.Equal(2.08, Math.Round(1.4412 / Math.Log(2), 2));
        Assert.Equal(67, CharVocabulary.Build(text[..split]).Count);
        // The same run as the command's own documentation records it, and the characters per second.
        Assert.Contains("batches of 16 streams reached validation perplexity 4.23 (1.441 nats per character; 8,937 steps", CharLmCommandSource);
        Assert.Equal(17.0, Math.Round(characters / (14 * 60.0) / 1e3, 1));
        // The other batch sizes: 4,086 × 32 × 100 and 2,090 × 64 × 100 characters in 14 minutes.
        Assert.Contains("With `--batch 32` the same 14 minutes gave 4,086 steps and 4.27, with `--batch 64` 2,090 steps and 4.39, at 17.0k, " +
                        "15.6k and 15.9k characters per second", Notebook.Markdown);
        Assert.Equal(15.6, Math.Round(4_086L * 32 * 100 / (14 * 60.0) / 1e3, 1));
        Assert.Equal(15.9, Math.Round(2_090L * 64 * 100 / (14 * 60.0) / 1e3, 1));
        // The earlier default on a faster machine.
        Assert.Contains("With batches of 64 on a faster machine (AVX-512): 2,854 steps and 4.32", Notebook.Markdown);
        Assert.Contains("4.32 /// (1.463 nats per character; 2,854 steps in 14 minutes", Regex.Replace(CharLmCommandSource, @"\s+", " "));
        Assert.Equal(1.463, Math.Round(Math.Log(4.32), 3));
    }

    [Fact]
    public void The_other_recorded_runs_are_consistent()
    {
        Assert.Contains("without dropout the same model overfits — training loss 1.29 nats, validation 1.51, perplexity 4.54", Notebook.Markdown);
        Assert.Equal(1.51, Math.Round(Math.Log(4.54), 2));
        Assert.Contains("Without dropout it overfits: 4.54 (train loss 1.29, validation 1.51)", CharLmCommandSource);
        Assert.Contains("a GRU of 512 units (1,600 steps) gave 4.36, two LSTM layers of 256 units 4.79", Notebook.Markdown);
        Assert.Contains("A GRU of 512 units, 1,600", CharLmCommandSource);
    }

    [Fact]
    public void The_scale_figures_hold_for_this_split()
    {
        Assert.Contains("a uniform guess over the 65 characters has perplexity 65", Notebook.Markdown);
        Assert.Equal(65, Shakespeare.Value.Distinct().Count());
        // nanoGPT's shakespeare_char: train on the first 90 %, validate on the rest.
        Assert.Contains("reports a best validation loss of 1.4697 nats on the same split (the last 111,540 characters), a perplexity of $e^{1.4697} \\approx 4.35$", Notebook.Markdown);
        Assert.Equal(111_540, Shakespeare.Value.Length - (int)(Shakespeare.Value.Length * 0.9));
        Assert.Equal(4.35, Math.Round(Math.Exp(1.4697), 2));
    }

    [Fact]
    public void A_full_table_holds_v_to_the_n_numbers()
    {
        Assert.Contains("$V^{n-1} \\cdot V = V^n$ numbers", Notebook.Markdown);
        Assert.Matches(new Regex(@"Math\.Pow\(c\.Vocabulary\.Count, n\)"), Notebook.Code);
    }
}
