using System.Text.RegularExpressions;
using Workbook.Commands;

// Namespace Workbook.Tests, not Workbook.Tests.Commands, which would hide Workbook.Commands from the other tests.
namespace Workbook.Tests;

public class CharLmCommandTests : IDisposable
{
    private readonly Fixtures _f = new();

    public void Dispose() => _f.Dispose();

    private static CharLmTrainRequest Tiny(string path) => CharLmCommand.Defaults with
    {
        TextPath = path, Hidden = 16, Embedding = 4, Steps = 4, Minutes = null, Sequence = 8, Batch = 4, SampleLength = 20,
    };

    private static (int Code, string Stdout, string Stderr) Train(CharLmTrainRequest request)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int code = CharLmCommand.Train(request, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static (int Code, string Stdout, string Stderr) Sample(CharLmSampleRequest request)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int code = CharLmCommand.Sample(request, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void A_missing_text_file_exits_with_2_and_one_line()
    {
        string path = Path.Combine(_f.Folder, "missing.txt");
        var (code, stdout, stderr) = Train(Tiny(path));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"error: {path}: file not found{Environment.NewLine}", stderr);
    }

    [Fact]
    public void A_text_that_is_not_utf8_exits_with_2()
    {
        string path = Path.Combine(_f.Folder, "latin1.txt");
        File.WriteAllBytes(path, [.. "caf"u8, 0xE9, .. " au lait, caf"u8, 0xE9, .. " noir, th"u8, 0xE9, .. " vert"u8]);
        var (code, _, stderr) = Train(Tiny(path));
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {path}, line 1: invalid UTF-8 byte sequence", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Training_prints_progress_the_validation_perplexity_and_a_sample_and_saves_a_model_that_samples_again()
    {
        string text = Path.Combine(_f.Folder, "text.txt");
        File.WriteAllText(text, string.Concat(Enumerable.Repeat("the cat sat on the mat.\nthe dog sat on the log.\n", 12)));
        string model = Path.Combine(_f.Folder, "model.seqmodel");
        var (code, stdout, stderr) = Train(Tiny(text) with { SavePath = model });
        Assert.True(code == 0, stderr);
        Assert.Matches(new Regex(@"^step +4 +epoch +\d+ +loss \d+\.\d{4} .* chars/s +0:\d\d elapsed\r?$", RegexOptions.Multiline), stdout);
        Assert.Matches(new Regex(@"^validation perplexity: \d+\.\d{4}\r?$", RegexOptions.Multiline), stdout);
        Assert.Contains($"saved: {model}", stdout);
        Assert.True(File.Exists(model));

        var request = new CharLmSampleRequest(model, "the ", 30, 0.8, 7);
        var first = Sample(request);
        var second = Sample(request);
        Assert.True(first.Code == 0, first.Stderr);
        Assert.StartsWith("the ", first.Stdout);
        Assert.Equal(first.Stdout, second.Stdout); // the same seed gives the same sample
    }

    [Fact]
    public void Sampling_from_a_missing_or_corrupt_model_exits_with_2_and_one_line()
    {
        string missing = Path.Combine(_f.Folder, "none.seqmodel");
        var (code, _, stderr) = Sample(new CharLmSampleRequest(missing, "", 10, 1.0, 1));
        Assert.Equal(2, code);
        Assert.Equal($"error: {missing}: file not found.{Environment.NewLine}", stderr);

        string corrupt = Path.Combine(_f.Folder, "corrupt.seqmodel");
        File.WriteAllText(corrupt, "not a model");
        (code, _, stderr) = Sample(new CharLmSampleRequest(corrupt, "", 10, 1.0, 1));
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {corrupt}: not a SequenceModels model file", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Saving_into_a_missing_folder_is_rejected_before_training()
    {
        string save = Path.Combine(_f.Folder, "no-such-folder", "model.seqmodel");
        var (code, stdout, stderr) = Train(Tiny("whatever.txt") with { SavePath = save });
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"error: {save}: the folder {Path.GetDirectoryName(save)} does not exist.{Environment.NewLine}", stderr);
    }

    [Fact]
    public void Bad_sizes_are_rejected_before_reading_the_file()
    {
        var (code, _, stderr) = Train(Tiny("whatever.txt") with { Batch = 0 });
        Assert.Equal(2, code);
        Assert.Equal($"error: --batch must be at least 1.{Environment.NewLine}", stderr);
    }
}
