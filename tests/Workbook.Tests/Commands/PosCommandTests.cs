using System.Text.RegularExpressions;
using Workbook.Commands;

namespace Workbook.Tests.Commands;

public class PosCommandTests
{
    static (int Code, string Output, string Error) Run(PosCommand.Options options)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        int code = PosCommand.Train(options, output, error);
        return (code, output.ToString(), error.ToString());
    }

    static string Sample(string file) => Path.Combine(RepositoryRoot(), "data", "pos", file);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Prints_accuracy_and_baseline_with_four_decimals(int order)
    {
        var (code, output, error) = Run(new(Sample("train.tsv"), Sample("test.tsv"), Order: order));

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Matches(new Regex(@"^test accuracy: [01]\.\d{4}$", RegexOptions.Multiline), output);
        Assert.Matches(new Regex(@"^most-frequent-tag baseline: [01]\.\d{4}$", RegexOptions.Multiline), output);
        Assert.Matches(new Regex(@"^known-word accuracy: [01]\.\d{4} \(107 words\)$", RegexOptions.Multiline), output);
        Assert.Matches(new Regex(@"^unknown-word accuracy: [01]\.\d{4} \(44 words, ", RegexOptions.Multiline), output);
    }

    [Fact]
    public void Malformed_file_gives_one_line_naming_file_and_line_and_exit_code_2()
    {
        string path = Path.Combine(Path.GetTempPath(), $"pos-{Guid.NewGuid():N}.tsv");
        try
        {
            File.WriteAllText(path, "The\tDET\ncat NOUN\n");
            var (code, output, error) = Run(new(Sample("train.tsv"), path));
            Assert.Equal(2, code);
            Assert.Equal($"error: {path}, line 2: expected word<TAB>tag, found no tab{Environment.NewLine}", error);
            Assert.DoesNotContain("accuracy", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_file_gives_exit_code_2()
    {
        string path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.conllu");
        var (code, _, error) = Run(new(path, Sample("test.tsv")));
        Assert.Equal(2, code);
        Assert.Equal($"error: {path}: file not found{Environment.NewLine}", error);
    }

    [Fact]
    public void Conllu_tag_outside_the_universal_tags_is_reported()
    {
        string path = Path.Combine(Path.GetTempPath(), $"pos-{Guid.NewGuid():N}.conllu");
        try
        {
            File.WriteAllText(path, "# text = Dogs bark\n1\tDogs\tdog\tNOUN\tNNS\t_\t2\tnsubj\t_\t_\n2\tbark\tbark\tVB\tVBP\t_\t0\troot\t_\t_\n");
            var (code, _, error) = Run(new(path, path));
            Assert.Equal(2, code);
            Assert.Equal($"error: {path}, line 3: tag \"VB\" is not in the tag set{Environment.NewLine}", error);
            // The same file read by its XPOS column is fine.
            Assert.Equal(0, Run(new(path, path, Column: "xpos")).Code);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_gzip_compressed_conllu_file_is_read_as_conllu_without_format()
    {
        string path = Path.Combine(Path.GetTempPath(), $"pos-{Guid.NewGuid():N}.conllu.gz");
        try
        {
            using (var gzip = new System.IO.Compression.GZipStream(File.Create(path), System.IO.Compression.CompressionLevel.Optimal))
            using (var writer = new StreamWriter(gzip))
                writer.Write("# text = Dogs bark\n1\tDogs\tdog\tNOUN\tNNS\t_\t2\tnsubj\t_\t_\n2\tbark\tbark\tVERB\tVBP\t_\t0\troot\t_\t_\n\n");
            var (code, output, error) = Run(new(path, path, Order: 1));
            Assert.Equal("", error);
            Assert.Equal(0, code);
            Assert.Contains("1 sentences, 2 words, 2 tags", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CourseNotebooks.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CourseNotebooks.sln not found above the test directory.");
    }
}
