using System.Text;
using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class ConlluReaderTests
{
    const string Sample =
        "# sent_id = 1\n" +
        "# text = I don't know.\n" +
        "1\tI\tI\tPRON\tPRP\t_\t3\tnsubj\t_\t_\n" +
        "2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n" +
        "2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t_\t_\n" +
        "3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_\n" +
        "4\tknow\tknow\tVERB\tVB\t_\t0\troot\t_\t_\n" +
        "4.1\tknow\tknow\tVERB\tVB\t_\t_\t_\t0:root\tCopyOf=4\n" +
        "5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_\n" +
        "\n" +
        "# sent_id = 2\n" +
        "1\tYes\tyes\tINTJ\tUH\t_\t0\troot\t_\t_\n";

    static IReadOnlyList<TaggedSentence> Parse(string text, ConlluColumn column = ConlluColumn.Upos, IReadOnlySet<string>? tagSet = null) =>
        ConlluReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "sample.conllu", column, tagSet);

    static string Error(string text, IReadOnlySet<string>? tagSet = null) =>
        Assert.Throws<DataFormatException>(() => Parse(text, tagSet: tagSet)).Message;

    [Fact]
    public void Reads_words_and_tags_skipping_comments_ranges_and_empty_nodes()
    {
        var sentences = Parse(Sample);
        Assert.Equal(2, sentences.Count);
        Assert.Equal(["I", "do", "n't", "know", "."], sentences[0].Tokens);
        Assert.Equal(["PRON", "AUX", "PART", "VERB", "PUNCT"], sentences[0].Tags);
        Assert.Equal(["Yes"], sentences[1].Tokens);
    }

    [Fact]
    public void Reads_the_xpos_column_on_request()
    {
        var sentences = Parse(Sample, ConlluColumn.Xpos);
        Assert.Equal(["PRP", "VBP", "RB", "VB", "."], sentences[0].Tags);
    }

    [Fact]
    public void Accepts_a_byte_order_mark_and_windows_line_ends()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Sample.Replace("\n", "\r\n"))).ToArray();
        var sentences = ConlluReader.Read(new MemoryStream(bytes), "sample.conllu");
        Assert.Equal(["I", "do", "n't", "know", "."], sentences[0].Tokens);
        Assert.Equal("PUNCT", sentences[0].Tags[^1]);
    }

    [Fact]
    public void Accepts_all_universal_tags()
    {
        Assert.Equal(17, ConlluReader.UposTags.Count);
        Assert.Equal(2, Parse(Sample, tagSet: ConlluReader.UposTags).Count);
    }

    [Fact]
    public void Wrong_column_count_names_file_and_line() =>
        Assert.Equal("sample.conllu, line 2: expected 10 tab-separated columns, found 4",
            Error("1\tI\tI\tPRON\tPRP\t_\t2\tnsubj\t_\t_\n2\tsee\tsee\tVERB\n"));

    [Fact]
    public void Empty_form_is_an_error() =>
        Assert.Equal("sample.conllu, line 2: empty word form", Error("# c\n1\t\tI\tPRON\tPRP\t_\t0\troot\t_\t_\n"));

    [Fact]
    public void Non_numeric_id_is_an_error() =>
        Assert.Equal("sample.conllu, line 1: ID \"one\" is not a number", Error("one\tI\tI\tPRON\tPRP\t_\t0\troot\t_\t_\n"));

    [Fact]
    public void Ids_must_count_up_from_one_in_each_sentence()
    {
        Assert.Equal("sample.conllu, line 2: ID 3 out of order, expected 2",
            Error("1\tI\tI\tPRON\tPRP\t_\t0\troot\t_\t_\n3\tsee\tsee\tVERB\tVBP\t_\t1\troot\t_\t_\n"));
        Assert.Equal("sample.conllu, line 3: ID 2 out of order, expected 1",
            Error("1\tI\tI\tPRON\tPRP\t_\t0\troot\t_\t_\n\n2\tsee\tsee\tVERB\tVBP\t_\t1\troot\t_\t_\n"));
        Assert.Equal("sample.conllu, line 2: ID 3-4 out of order, expected 2",
            Error("1\tI\tI\tPRON\tPRP\t_\t0\troot\t_\t_\n3-4\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n"));
        Assert.Equal("sample.conllu, line 2: empty node 3.1 out of order after word 1",
            Error("1\tI\tI\tPRON\tPRP\t_\t0\troot\t_\t_\n3.1\tsee\tsee\tVERB\tVBP\t_\t_\t_\t_\t_\n"));
    }

    [Fact]
    public void Tag_outside_the_tag_set_is_an_error() =>
        Assert.Equal("sample.conllu, line 1: tag \"NN\" is not in the tag set",
            Error("1\tdog\tdog\tNN\tNN\t_\t0\troot\t_\t_\n", ConlluReader.UposTags));

    [Fact]
    public void Missing_tag_is_an_error() =>
        Assert.Equal("sample.conllu, line 1: missing UPOS tag", Error("1\tdog\tdog\t_\tNN\t_\t0\troot\t_\t_\n"));

    [Fact]
    public void Invalid_utf8_names_its_line()
    {
        string path = Path.Combine(Path.GetTempPath(), $"conllu-{Guid.NewGuid():N}.conllu");
        try
        {
            var bytes = Encoding.UTF8.GetBytes("1\tI\tI\tPRON\tPRP\t_\t0\troot\t_\t_\n\n1\tcaf").Concat(new byte[] { 0xC3, 0x28 })
                .Concat(Encoding.UTF8.GetBytes("\tcafe\tNOUN\tNN\t_\t0\troot\t_\t_\n")).ToArray();
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<DataFormatException>(() => ConlluReader.Read(path));
            Assert.Equal($"{path}, line 3: invalid UTF-8 byte sequence", e.Message);
            Assert.Equal((path, 3), (e.File, e.Line));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_file_is_an_error()
    {
        string path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.conllu");
        Assert.Equal($"{path}: file not found", Assert.Throws<DataFormatException>(() => ConlluReader.Read(path)).Message);
    }
}
