using SequenceModels.Taggers;
using SequenceModels.Tests.Text;
using SequenceModels.Text;

namespace SequenceModels.Tests.Prose;

/// <summary>
/// The figures that notebook 09's prose quotes and its run does not write: arithmetic (sequence counts, the underflow
/// limit, the trellis's colour scale, the spread of the simulated chains), the sizes of the tag set and of the
/// word-shape classes, and the tagger's defaults. Each is found in the markdown and derived again here.
/// </summary>
public class Notebook09Tests
{
    private static readonly NotebookCellsText Notebook = new("09-hmm-part-of-speech-tagging.ipynb");

    private static IReadOnlyList<TaggedSentence> Sample(string file) => TaggedTextReader.Read(Path.Combine(TextFiles.RepoRoot, "data", "pos", file));

    [Fact]
    public void A_nine_word_sentence_has_16_to_the_9_tag_sequences_about_7_times_10_to_the_10()
    {
        Assert.Contains("$16^{9} \\approx 7 \\cdot 10^{10}$ for a 9-word sentence", Notebook.Markdown);
        // N = 16: the tags of the training sample.
        Assert.Equal(16, Sample("train.tsv").SelectMany(s => s.Tags).Distinct().Count());
        double sequences = Math.Pow(16, 9);
        Assert.Equal(68_719_476_736, sequences);
        Assert.Equal(7, Math.Round(sequences / 1e10));
    }

    [Fact]
    public void Brute_force_over_four_words_scores_65536_sequences()
    {
        Assert.Contains("For four words there are 16^4 = 65,536: score every one.", Notebook.Code);
        Assert.Equal(65_536, (int)Math.Pow(16, 4));
    }

    [Fact]
    public void The_smallest_positive_double_is_about_5_times_10_to_the_minus_324()
    {
        Assert.Contains("the smallest positive `double` ($\\approx 5 \\cdot 10^{-324}$)", Notebook.Markdown);
        Assert.Equal(4.94e-324, double.Epsilon, 1e-326);
        Assert.Equal(0.0, double.Epsilon / 2);
    }

    [Fact]
    public void Ten_below_the_best_cell_is_22000_times_less_likely()
    {
        Assert.Contains("$-10$ for a tag $e^{10} \\approx 22{,}000$ times less likely (cut off at $-20$)", Notebook.Markdown);
        Assert.Contains("every other tag is more than e¹⁰ ≈ 22,000 times less likely", Notebook.CodeText);
        Assert.Equal(22_000, Math.Round(Math.Exp(10) / 1000) * 1000);
        Assert.Contains("Math.Max(trellis.Scores[j, t] - trellis.Scores.Column(t).Maximum(), -20)", Notebook.Code);
    }

    [Fact]
    public void Two_thousand_simulated_chains_scatter_by_about_a_hundredth()
    {
        Assert.Contains("by about $\\sqrt{p(1-p)/2000} \\approx 0.01$", Notebook.Markdown);
        Assert.Contains("chains = 2000", Notebook.Code);
        // The standard error of a frequency over 2,000 chains is largest at p = 1/2.
        double largest = Enumerable.Range(1, 99).Select(k => k / 100.0).Max(p => Math.Sqrt(p * (1 - p) / 2000));
        Assert.Equal(0.011, Math.Round(largest, 3));
        Assert.Equal(0.01, Math.Round(largest, 2));
    }

    [Fact]
    public void The_chain_starts_mostly_rainy()
    {
        Assert.Contains("The chain starts mostly rainy ($\\pi$)", Notebook.Markdown);
        Assert.Contains("string[] weather = { \"sunny\", \"cloudy\", \"rainy\" };", Notebook.Code);
        Assert.Contains("DenseOfArray(new[] { 0.2, 0.3, 0.5 })", Notebook.Code);
    }

    [Fact]
    public void Words_get_one_of_29_shape_classes_and_b_has_29_more_columns()
    {
        Assert.Contains("and 29 more columns, for the words it has never seen", Notebook.Markdown);
        Assert.Contains("one of 29 **word-shape classes**", Notebook.Markdown);
        Assert.Equal(29, WordShape.Classes.Count);
        var hmm = HiddenMarkovModel.Train(Sample("train.tsv"));
        int words = Sample("train.tsv").SelectMany(s => s.Tokens).Distinct().Count();
        Assert.Equal(words + 29, hmm.B.ColumnCount);
    }

    [Fact]
    public void The_universal_tag_set_has_17_tags()
    {
        Assert.Contains("the 17 universal part-of-speech tags of Universal Dependencies", Notebook.Markdown);
        Assert.Contains("the standard benchmark for the same 17 tags", Notebook.Markdown);
        Assert.Equal(17, ConlluReader.UposTags.Count);
    }

    [Fact]
    public void The_tagger_s_defaults_are_the_ones_quoted()
    {
        Assert.Contains("with $\\alpha = 0.001$ by default", Notebook.Markdown);
        Assert.Equal(0.001, HiddenMarkovModel.Train(Sample("train.tsv")).Alpha);
        Assert.Contains("the 100 most frequent words with states of their own", Notebook.Markdown);
        Assert.Contains("for endings of up to 10 letters", Notebook.Markdown);
        var trigram = TrigramHiddenMarkovModel.Train(Sample("train.tsv"));
        Assert.Equal(100, trigram.LexicalisedWords.Count);
        Assert.Equal(10, trigram.UnknownWords.MaxSuffixLength);
    }

    [Fact]
    public void The_smoothing_sweep_runs_from_ten_to_the_minus_7_to_3()
    {
        Assert.Contains("trained with values of $\\alpha$ from $10^{-7}$ to 3", Notebook.Markdown);
        Assert.Contains("double[] alphas = { 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1, 3 };", Notebook.Code);
    }

    [Fact]
    public void The_treebank_and_the_command_are_in_the_repository()
    {
        Assert.Contains("pos train --train data/ud-ewt/en_ewt-ud-train.conllu.gz --test data/ud-ewt/en_ewt-ud-test.conllu.gz --order 2", Notebook.Code);
        Assert.True(File.Exists(TextFiles.Corpus("ud-ewt", "en_ewt-ud-train.conllu.gz")));
        Assert.True(File.Exists(TextFiles.Corpus("ud-ewt", "en_ewt-ud-test.conllu.gz")));
        Assert.Contains("CC BY-SA 4.0", Notebook.Markdown);
        Assert.Contains("CC BY-SA 4.0", File.ReadAllText(Path.Combine(TextFiles.RepoRoot, "data", "README.md")));
    }

    [Fact]
    public void There_are_five_exercises()
    {
        Assert.Contains("(five exercises, each checked at once)", Notebook.Markdown);
        Assert.Equal(5, Notebook.ExerciseCells);
    }
}
