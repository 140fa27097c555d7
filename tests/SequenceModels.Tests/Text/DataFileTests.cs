using System.IO.Compression;
using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public sealed class DataFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("datafile-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Gzip(string fixture, string name)
    {
        var path = Path.Combine(_folder, name);
        using (var output = File.Create(path))
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
            gzip.Write(File.ReadAllBytes(TextFiles.Fixture(fixture)));
        return path;
    }

    [Fact]
    public void Gzip_compressed_conll_reads_like_the_plain_file()
    {
        var plain = ConllReader.Read(TextFiles.Fixture("iob1.conll"), TagScheme.Iob1);
        var packed = ConllReader.Read(Gzip("iob1.conll", "iob1.conll.gz"), TagScheme.Iob1);
        Assert.Equal(plain.Select(s => s.Tokens), packed.Select(s => s.Tokens));
        Assert.Equal(plain.Select(s => s.Tags), packed.Select(s => s.Tags));
    }

    [Fact]
    public void Gzip_is_recognised_by_content_not_by_name()
    {
        var plain = GmbCsvReader.Read(TextFiles.Fixture("gmb_small.csv"));
        var packed = GmbCsvReader.Read(Gzip("gmb_small.csv", "no-extension"));
        Assert.Equal(plain.Select(s => s.Tokens), packed.Select(s => s.Tokens));
    }

    [Fact]
    public void Invalid_utf8_inside_gzip_names_the_file_and_line()
    {
        var path = Gzip("invalid_utf8.conll", "bad.conll.gz");
        var plainError = Assert.Throws<DataFormatException>(() => ConllReader.Read(TextFiles.Fixture("invalid_utf8.conll")));
        var error = Assert.Throws<DataFormatException>(() => ConllReader.Read(path));
        Assert.Equal(path, error.File);
        Assert.Equal(plainError.Line, error.Line);
        Assert.True(error.Line > 0);
    }

    [Fact]
    public void Cut_off_gzip_is_an_error_naming_the_file()
    {
        var path = Gzip("gmb_small.csv", "cut.csv.gz");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<DataFormatException>(() => DataFile.ReadAllBytes(path));
        Assert.Equal(path, error.File);
        Assert.Contains("gzip", error.Message);
    }

    [Fact]
    public void Missing_file_is_an_error_naming_it()
    {
        var path = Path.Combine(_folder, "absent.conll.gz");
        var error = Assert.Throws<DataFormatException>(() => DataFile.ReadAllText(path));
        Assert.Equal($"{path}: file not found", error.Message);
    }

    [Fact]
    public void Shipped_tinyshakespeare_has_the_documented_size_and_alphabet()
    {
        // data/README.md: 1,115,394 bytes, 40,000 lines, ASCII, 65 distinct characters.
        var text = DataFile.ReadAllText(TextFiles.Corpus("tinyshakespeare", "input.txt.gz"));
        Assert.Equal(1_115_394, text.Length);
        Assert.Equal(40_000, text.Count(c => c == '\n'));
        Assert.Equal(65, text.Distinct().Count());
    }
}
