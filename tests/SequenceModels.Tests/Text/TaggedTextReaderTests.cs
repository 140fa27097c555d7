using System.Text;
using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class TaggedTextReaderTests
{
    static IReadOnlyList<TaggedSentence> Parse(string text, IReadOnlySet<string>? tagSet = null) =>
        TaggedTextReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "sample.tsv", tagSet);

    static string Error(string text, IReadOnlySet<string>? tagSet = null) =>
        Assert.Throws<DataFormatException>(() => Parse(text, tagSet)).Message;

    [Fact]
    public void Reads_sentences_separated_by_blank_lines()
    {
        var sentences = Parse("The\tDET\ncat\tNOUN\n\n\nSleeps\tVERB\n!\tPUNCT");
        Assert.Equal(2, sentences.Count);
        Assert.Equal(["The", "cat"], sentences[0].Tokens);
        Assert.Equal(["DET", "NOUN"], sentences[0].Tags);
        Assert.Equal(["VERB", "PUNCT"], sentences[1].Tags);
    }

    [Fact]
    public void Write_then_read_gives_the_same_sentences()
    {
        TaggedSentence[] sentences = [new(["Oh", ",", "snow"], ["INTJ", "PUNCT", "NOUN"]), new(["Go"], ["VERB"])];
        var writer = new StringWriter();
        TaggedTextReader.Write(writer, sentences);
        var back = Parse(writer.ToString());
        Assert.Equal(sentences.Select(s => s.Tokens), back.Select(s => s.Tokens));
        Assert.Equal(sentences.Select(s => s.Tags), back.Select(s => s.Tags));
    }

    [Fact]
    public void Line_without_a_tab_is_an_error() =>
        Assert.Equal("sample.tsv, line 2: expected word<TAB>tag, found no tab", Error("The\tDET\ncat NOUN\n"));

    [Fact]
    public void Line_with_extra_columns_is_an_error() =>
        Assert.Equal("sample.tsv, line 1: expected word<TAB>tag, found 3 tab-separated columns", Error("The\tDET\tx\n"));

    [Fact]
    public void Empty_word_or_tag_is_an_error()
    {
        Assert.Equal("sample.tsv, line 3: empty word", Error("The\tDET\n\n\tNOUN\n"));
        Assert.Equal("sample.tsv, line 1: empty tag", Error("The\t\n"));
    }

    [Fact]
    public void Tag_outside_the_tag_set_is_an_error() =>
        Assert.Equal("sample.tsv, line 2: tag \"NN\" is not in the tag set", Error("The\tDET\ncat\tNN\n", ConlluReader.UposTags));

    [Fact]
    public void Invalid_utf8_names_its_line()
    {
        var bytes = Encoding.UTF8.GetBytes("The\tDET\n").Concat(new byte[] { 0x63, 0xFF, 0x09, 0x4E }).ToArray();
        var e = Assert.Throws<DataFormatException>(() => TaggedTextReader.Read(new MemoryStream(bytes), "sample.tsv"));
        Assert.Equal("sample.tsv, line 2: invalid UTF-8 byte sequence", e.Message);
    }

    [Fact]
    public void The_pos_sample_is_well_formed_universal_tags()
    {
        string dir = Path.Combine(RepositoryRoot(), "data", "pos");
        var train = TaggedTextReader.Read(Path.Combine(dir, "train.tsv"), ConlluReader.UposTags);
        var test = TaggedTextReader.Read(Path.Combine(dir, "test.tsv"), ConlluReader.UposTags);
        Assert.InRange(train.Count + test.Count, 60, 100);
        Assert.All(train.Concat(test), s => Assert.InRange(s.Length, 3, 15));
        // The test set has words the training set never saw, so unknown-word handling shows.
        var known = train.SelectMany(s => s.Tokens).ToHashSet();
        Assert.Contains(test.SelectMany(s => s.Tokens), w => !known.Contains(w));
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CourseNotebooks.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CourseNotebooks.sln not found above the test directory.");
    }
}
