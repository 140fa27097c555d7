using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class GmbCsvReaderTests
{
    private static string[] Words(string text) => text.Split(' ');

    // gmb_small.csv, decoded by hand: Windows-1252 0x85 = …, 0x92 = ’, 0x96 = –, 0x97 = —.
    private static readonly string[] Sentence1 = ["Prices", "rose", "10,000", "tonnes", "in", "Peru", "\u2026", "."];
    private static readonly string[] Sentence2 =
        ["\"", "It", "\u2019s", "over", "\u2013", "Mr.", "Reyes", ",", "said", "the", "Lima", "Times", "\u2014", "\""];

    [Fact]
    public void Reads_quotes_forward_filled_sentences_and_windows_1252_bytes()
    {
        var sentences = GmbCsvReader.Read(TextFiles.Fixture("gmb_small.csv"));
        Assert.Equal(2, sentences.Count); // the cut-off third sentence is dropped
        var (first, second) = (sentences[0], sentences[1]);
        Assert.Equal((1, 2), (first.Number, first.Line));
        Assert.Equal(Sentence1, first.Tokens);
        Assert.Equal(Words("NNS VBD CD NNS IN NNP : ."), first.PartsOfSpeech);
        Assert.Equal(Words("O O O O O B-geo O O"), first.Tags);
        Assert.Equal((2, 10), (second.Number, second.Line));
        Assert.Equal(Sentence2, second.Tokens);
        Assert.Equal(Words("`` PRP VBZ RB : NNP NNP , VBD DT NNP NNP : ``"), second.PartsOfSpeech);
        Assert.Equal(Words("O O O O O B-per I-per O O O B-org I-org O O"), second.Tags);
    }

    [Fact]
    public void Last_sentence_can_be_kept()
    {
        var sentences = GmbCsvReader.Read(TextFiles.Fixture("gmb_small.csv"), dropLastSentence: false);
        Assert.Equal(3, sentences.Count);
        Assert.Equal(Words("On Monday the"), sentences[2].Tokens);
        Assert.Equal(Words("O B-tim O"), sentences[2].Tags);
    }

    [Fact]
    public void Entity_and_part_of_speech_views_share_the_tokens()
    {
        var s = GmbCsvReader.Read(TextFiles.Fixture("gmb_small.csv"))[0];
        Assert.Equal(new TaggedSentence(s.Tokens, s.Tags), s.Entities);
        Assert.Equal(s.PartsOfSpeech, s.PartOfSpeechTags.Tags);
    }

    [Fact]
    public void Reader_overload_reads_decoded_text()
    {
        const string text = "Sentence #,Word,POS,Tag\nSentence: 7,\"\"\"\",``,O\n,Oslo,NNP,B-geo\n,\",\",\",\",O\nSentence: 8,End,NN,O\n";
        var sentences = GmbCsvReader.Read(new StringReader(text), "typed.csv");
        var s = Assert.Single(sentences);
        Assert.Equal(7, s.Number);
        Assert.Equal(["\"", "Oslo", ","], s.Tokens);
        Assert.Equal(["``", "NNP", ","], s.PartsOfSpeech);
    }

    [Theory]
    [InlineData("Sentence,Word,POS,Tag\n", 1, "expected the header \"Sentence #,Word,POS,Tag\", found \"Sentence,Word,POS,Tag\"")]
    [InlineData("Sentence #,Word,POS,Tag\nSentence: 1,\"10,000,CD,O\n", 2, "the quoted field starting at character 13 is not closed")]
    [InlineData("Sentence #,Word,POS,Tag\nSentence: 1,\"a\"b,NN,O\n", 2, "unexpected text after the quoted field at character 16")]
    [InlineData("Sentence #,Word,POS,Tag\nSentence: 1,word,O\n", 2, "expected 4 fields (Sentence #, Word, POS, Tag), found 3")]
    [InlineData("Sentence #,Word,POS,Tag\nSentence: 1,a,DT,O\n,b,NN,O,x\n", 3, "expected 4 fields (Sentence #, Word, POS, Tag), found 5")]
    [InlineData("Sentence #,Word,POS,Tag\n,word,NN,O\n", 2, "the first row does not start a sentence (\"Sentence: N\" is missing)")]
    [InlineData("Sentence #,Word,POS,Tag\nSent 1,word,NN,O\n", 2, "the first field should be empty or \"Sentence: N\", found \"Sent 1\"")]
    [InlineData("Sentence #,Word,POS,Tag\nSentence: 1,,NN,O\n", 2, "empty word")]
    [InlineData("Sentence #,Word,POS,Tag\nSentence: 1,word,NN,X\n", 2, "tag \"X\" is not a BIO tag (O, B-type or I-type)")]
    [InlineData("", 0, "the file is empty, expected the header \"Sentence #,Word,POS,Tag\"")]
    public void Malformed_csv_gives_an_error_naming_file_and_line(string text, int line, string problem)
    {
        var e = Assert.Throws<DataFormatException>(() => GmbCsvReader.Read(new StringReader(text), "bad.csv"));
        Assert.Equal(line > 0 ? $"bad.csv, line {line}: {problem}" : $"bad.csv: {problem}", e.Message);
    }

    [Fact]
    public void Tag_outside_the_given_tag_set_is_an_error()
    {
        const string text = "Sentence #,Word,POS,Tag\nSentence: 1,Ayers,NNP,B-loc\n";
        var e = Assert.Throws<DataFormatException>(() => GmbCsvReader.Read(new StringReader(text), "bad.csv", tagSet: BioTags.Gmb));
        Assert.Equal("bad.csv, line 2: tag \"B-loc\" is not in the tag set", e.Message);
    }

    [Fact]
    public void Byte_undefined_in_windows_1252_is_an_error_naming_the_line()
    {
        string path = TextFiles.Fixture("gmb_undefined_byte.csv");
        var e = Assert.Throws<DataFormatException>(() => GmbCsvReader.Read(path));
        Assert.Equal($"{path}, line 3: 0x81 cannot be decoded as windows-1252 at byte 2 of the line", e.Message);
    }

    [Theory]
    [InlineData(10, 7, 1, 2)]
    [InlineData(47958, 33570, 7194, 7194)] // the published corpus once its cut-off sentence is dropped
    [InlineData(3, 2, 0, 1)]
    public void Course_split_keeps_file_order_70_15_15(int n, int train, int dev, int test)
    {
        var (a, b, c) = GmbCsvReader.CourseSplit(Enumerable.Range(0, n).ToArray());
        Assert.Equal((train, dev, test), (a.Count, b.Count, c.Count));
        Assert.Equal(Enumerable.Range(0, n), a.Concat(b).Concat(c));
    }

    [Fact]
    public void Real_corpus_gives_the_published_counts_and_split()
    {
        // Expected numbers: data/README.md (the corpus's own description), checked independently with Python's csv module.
        var sentences = GmbCsvReader.Read(TextFiles.Corpus("gmb", "ner_dataset.csv.gz"), tagSet: BioTags.Gmb);
        Assert.Equal(47958, sentences.Count);
        Assert.Equal(1_048_575 - 8, sentences.Sum(s => s.Tokens.Count)); // all rows but the cut-off sentence's 8
        Assert.Equal((1, 104), (sentences.Min(s => s.Tokens.Count), sentences.Max(s => s.Tokens.Count)));
        Assert.Equal(Enumerable.Range(1, 47958), sentences.Select(s => s.Number));
        Assert.Equal(Words("Thousands of demonstrators have marched through London"), sentences[0].Tokens.Take(7));
        Assert.Equal(17, sentences.SelectMany(s => s.Tags).Distinct().Count());
        var (train, dev, test) = GmbCsvReader.CourseSplit(sentences);
        Assert.Equal((33570, 7194, 7194), (train.Count, dev.Count, test.Count));
        Assert.Equal(1, train[0].Number);
        Assert.Equal(33571, dev[0].Number);
        Assert.Equal(40765, test[0].Number);
    }
}
