using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class ConllReaderTests
{
    private static string[] Line(string text) => text.Split(' ');

    [Fact]
    public void Iob1_file_is_converted_to_bio_and_docstart_is_skipped()
    {
        var sentences = ConllReader.Read(TextFiles.Fixture("iob1.conll"), TagScheme.Iob1);
        Assert.Equal(2, sentences.Count);
        Assert.Equal(Line("Anna Berg flew to Oslo ."), sentences[0].Tokens);
        Assert.Equal(Line("B-PER I-PER O O B-LOC O"), sentences[0].Tags);
        Assert.Equal(Line("Talks with Nordbank Umea Energi ended ."), sentences[1].Tokens);
        Assert.Equal(Line("O O B-ORG B-ORG I-ORG O O"), sentences[1].Tags);
    }

    [Fact]
    public void Auto_detects_iob1_and_reads_it_like_iob1()
    {
        var auto = ConllReader.Read(TextFiles.Fixture("iob1.conll"));
        var iob1 = ConllReader.Read(TextFiles.Fixture("iob1.conll"), TagScheme.Iob1);
        Assert.Equal(iob1.Select(s => s.Tags), auto.Select(s => s.Tags));
    }

    [Fact]
    public void Bio_file_with_tabs_comments_and_a_hash_token_is_read_as_is()
    {
        var sentences = ConllReader.Read(TextFiles.Fixture("bio.conll"), TagScheme.Bio, BioTags.Gmb);
        Assert.Equal(2, sentences.Count);
        Assert.Equal(Line("Hello from Kyiv ."), sentences[0].Tokens);
        Assert.Equal(Line("O O B-geo O"), sentences[0].Tags);
        Assert.Equal(["#", "1", "was", "the", "label", "in", "New York"], sentences[1].Tokens);
        Assert.Equal(Line("O O O O O O B-geo"), sentences[1].Tags);
    }

    [Fact]
    public void Reader_overload_names_the_given_file_in_messages()
    {
        var e = Assert.Throws<DataFormatException>(() => ConllReader.Read(new StringReader("Anna B-per\n O\n"), "typed.txt"));
        Assert.Equal("typed.txt, line 2: empty token", e.Message);
        Assert.Equal(("typed.txt", 2, "empty token"), (e.File, e.Line, e.Problem));
    }

    [Fact]
    public void Reader_overload_reads_text_with_a_final_sentence_and_no_blank_line()
    {
        var sentences = ConllReader.Read(new StringReader("Rome B-geo\n\n\nin O\nMay B-tim"), "typed.txt");
        Assert.Equal([["Rome"], ["in", "May"]], sentences.Select(s => s.Tokens));
    }

    [Theory]
    [InlineData("ragged.conll", 3, "3 columns, but the sentence's first row (line 1) has 2")]
    [InlineData("empty_token.conll", 2, "empty token")]
    [InlineData("missing_tag.conll", 3, "expected a token and a tag, found 1 column")]
    [InlineData("bad_tag.conll", 3, "tag \"U-geo\" is not an entity tag (O, or B-, I-, E-, S- and a type)")]
    [InlineData("invalid_utf8.conll", 3, "0xFC cannot be decoded as utf-8 at byte 2 of the line")]
    public void Malformed_file_gives_an_error_naming_file_and_line(string fixture, int line, string problem)
    {
        string path = TextFiles.Fixture(fixture);
        var e = Assert.Throws<DataFormatException>(() => ConllReader.Read(path));
        Assert.Equal($"{path}, line {line}: {problem}", e.Message);
    }

    [Fact]
    public void Byte_order_mark_is_skipped_and_bad_bytes_are_located_after_it()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bom-{Guid.NewGuid():N}.conll");
        try
        {
            File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "Oslo B-geo\n"u8]);
            Assert.Equal("Oslo", ConllReader.Read(path).Single().Tokens[0]);
            File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, (byte)'M', 0xFC, .. "nchen B-geo\n"u8]);
            var e = Assert.Throws<DataFormatException>(() => ConllReader.Read(path));
            Assert.Equal($"{path}, line 1: 0xFC cannot be decoded as utf-8 at byte 5 of the line", e.Message); // the mark's 3 bytes count
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_latin_1_file_reads_with_its_encoding_and_windows_1252_punctuation_with_its_own()
    {
        // invalid_utf8.conll is München in Latin-1 (0xFC = ü), the encoding of the CoNLL-2003 German files.
        string path = TextFiles.Fixture("invalid_utf8.conll");
        Assert.Equal(["Anna", "visited", "München"], ConllReader.Read(path, encoding: DataEncoding.Latin1).Single().Tokens);
        Assert.Equal(["Anna", "visited", "München"], ConllReader.Read(path, encoding: DataEncoding.Windows1252).Single().Tokens);

        string quoted = Path.Combine(Path.GetTempPath(), $"cp1252-{Guid.NewGuid():N}.conll");
        try
        {
            File.WriteAllBytes(quoted, [0x93, .. "Oslo"u8, 0x94, .. " B-geo\n"u8]); // “Oslo” in Windows-1252
            Assert.Equal("\u201COslo\u201D", ConllReader.Read(quoted, encoding: DataEncoding.Windows1252).Single().Tokens[0]);
            Assert.Equal("\u0093Oslo\u0094", ConllReader.Read(quoted, encoding: DataEncoding.Latin1).Single().Tokens[0]); // Latin-1 has control characters there
            File.WriteAllBytes(quoted, "Oslo B-geo\n"u8.ToArray().Concat(new byte[] { 0x81, (byte)' ', (byte)'O', (byte)'\n' }).ToArray());
            var e = Assert.Throws<DataFormatException>(() => ConllReader.Read(quoted, encoding: DataEncoding.Windows1252));
            Assert.Equal($"{quoted}, line 2: 0x81 cannot be decoded as windows-1252 at byte 1 of the line", e.Message); // undefined in Windows-1252
        }
        finally
        {
            File.Delete(quoted);
        }
    }

    [Theory]
    [InlineData("utf-8", DataEncoding.Utf8)]
    [InlineData("UTF8", DataEncoding.Utf8)]
    [InlineData("latin-1", DataEncoding.Latin1)]
    [InlineData("ISO-8859-1", DataEncoding.Latin1)]
    [InlineData("windows-1252", DataEncoding.Windows1252)]
    [InlineData("cp1252", DataEncoding.Windows1252)]
    public void Encoding_names_are_read_in_any_case(string name, DataEncoding expected) => Assert.Equal(expected, DataEncodings.Parse(name));

    [Fact]
    public void An_unknown_encoding_name_lists_the_known_ones() =>
        Assert.Equal("Unknown encoding \"ebcdic\": use utf-8, latin-1, windows-1252. (Parameter 'name')",
            Assert.Throws<ArgumentException>(() => DataEncodings.Parse("ebcdic")).Message);

    [Fact]
    public void Tag_outside_the_given_tag_set_is_an_error()
    {
        string path = TextFiles.Fixture("unknown_tag.conll");
        Assert.Equal(["B-per", "O", "B-city"], ConllReader.Read(path).Single().Tags); // fine without a tag set
        var e = Assert.Throws<DataFormatException>(() => ConllReader.Read(path, tagSet: BioTags.Gmb));
        Assert.Equal($"{path}, line 3: tag \"B-city\" is not in the tag set", e.Message);
    }

    [Fact]
    public void Strict_bio_rejects_an_i_tag_that_continues_nothing()
    {
        string path = TextFiles.Fixture("ill_formed_bio.conll");
        var e = Assert.Throws<DataFormatException>(() => ConllReader.Read(path, TagScheme.Bio));
        Assert.Equal($"{path}, line 5: tag \"I-geo\" after \"O\" does not continue an entity, which BIO does not allow " +
                     "(read IOB1 files with TagScheme.Iob1 or TagScheme.Auto)", e.Message);
        var start = Assert.Throws<DataFormatException>(() => ConllReader.Read(TextFiles.Fixture("iob1.conll"), TagScheme.Bio));
        Assert.Equal(3, start.Line);
        Assert.Contains("tag \"I-PER\" after the start of the sentence", start.Message);
    }

    [Fact]
    public void Auto_reads_a_stray_i_tag_as_conlleval_does()
    {
        var sentences = ConllReader.Read(TextFiles.Fixture("ill_formed_bio.conll"));
        Assert.Equal(Line("O B-geo O"), sentences[1].Tags);
    }

    [Fact]
    public void Scheme_detection_looks_for_i_tags_that_begin_entities()
    {
        Assert.Equal(TagScheme.Bio, ConllReader.DetectScheme([["B-per", "I-per", "O", "B-geo"], ["O"]]));
        Assert.Equal(TagScheme.Iob1, ConllReader.DetectScheme([["B-per", "I-per"], ["I-geo", "O"]]));
        Assert.Equal(TagScheme.Iob1, ConllReader.DetectScheme([["B-per", "I-geo"]]));
        Assert.Equal(TagScheme.Bio, ConllReader.DetectScheme([]));
    }

    [Fact]
    public void Bioes_file_is_detected_and_converted_to_bio()
    {
        var corpus = ConllReader.ReadCorpus(TextFiles.Fixture("bioes.conll"));
        Assert.Equal(TagScheme.Bioes, corpus.Scheme);
        Assert.Equal(Line("B-PER I-PER O O B-LOC O"), corpus.Sentences[0].Tags);
        Assert.Equal(Line("O O B-ORG B-ORG I-ORG O"), corpus.Sentences[1].Tags);
        Assert.Equal(corpus.Sentences.Select(s => s.Tags), ConllReader.Read(TextFiles.Fixture("bioes.conll"), TagScheme.Bioes).Select(s => s.Tags));
    }

    [Theory]
    [InlineData("iob1.conll", TagScheme.Iob1)]
    [InlineData("bio.conll", TagScheme.Bio)]
    [InlineData("bioes.conll", TagScheme.Bioes)]
    public void A_corpus_says_which_scheme_its_file_is_in(string fixture, TagScheme scheme)
    {
        var corpus = ConllReader.ReadCorpus(TextFiles.Fixture(fixture));
        Assert.Equal(scheme, corpus.Scheme);
        Assert.Equal(scheme, ConllReader.ReadCorpus(TextFiles.Fixture(fixture), scheme).Scheme);
    }

    [Fact]
    public void Strict_bioes_rejects_an_entity_that_is_not_closed()
    {
        string path = TextFiles.Fixture("unclosed_bioes.conll");
        Assert.Equal(Line("B-PER I-PER O O B-LOC I-LOC O"), ConllReader.Read(path).Single().Tags); // Auto reads it leniently
        var e = Assert.Throws<DataFormatException>(() => ConllReader.Read(path, TagScheme.Bioes));
        Assert.Equal($"{path}, line 7: tag \"O\" after \"I-LOC\", which BIOES does not allow (every entity ends with E- or S-)", e.Message);
        var end = Assert.Throws<DataFormatException>(() => ConllReader.Read(new StringReader("Oslo B-LOC\n"), "x.conll", TagScheme.Bioes));
        Assert.Equal("x.conll, line 1: the sentence ends inside an entity (\"B-LOC\"), which BIOES does not allow (every entity ends with E- or S-)", end.Message);
        var start = Assert.Throws<DataFormatException>(() => ConllReader.Read(new StringReader("Oslo E-LOC\n"), "x.conll", TagScheme.Bioes));
        Assert.Equal("x.conll, line 1: tag \"E-LOC\" after the start of the sentence does not continue an entity, which BIOES does not allow", start.Message);
    }

    [Fact]
    public void Bioes_tags_are_not_bio_tags()
    {
        var e = Assert.Throws<DataFormatException>(() => ConllReader.Read(TextFiles.Fixture("bioes.conll"), TagScheme.Bio));
        Assert.EndsWith("line 2: tag \"E-PER\" is not a BIO tag (O, B-type or I-type)", e.Message);
    }
}
