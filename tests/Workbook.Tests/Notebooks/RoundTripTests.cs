using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

public class RoundTripTests : IDisposable
{
    private readonly Fixtures _f = new();

    public void Dispose() => _f.Dispose();

    private static JsonObject Unusual()
    {
        var markdown = Fixtures.Markdown("# Ünïcode — “quotes” and $\\sum_t \\frac{\\partial L}{\\partial h^{\\langle t \\rangle}}$  \n\ttab, trailing spaces   \n\n<b>html</b> & ampersand\n");
        markdown["metadata"] = new JsonObject { ["tags"] = new JsonArray("lesson", "intro"), ["custom"] = new JsonObject { ["z"] = 1, ["a"] = new JsonArray(true, null, 2.5) } };
        var code = Fixtures.Code("Console.WriteLine(\"ran\");");
        ((JsonObject)code["metadata"]!)["tags"] = new JsonArray("exercise:demo");
        var nb = Fixtures.NotebookJson(markdown, code, Fixtures.Markdown("last cell, no newline"));
        ((JsonObject)nb["metadata"]!)["custom_key"] = "kept";
        return nb;
    }

    [Fact]
    public async Task Markdown_metadata_and_ids_survive_execution_exactly()
    {
        var source = Unusual();
        var path = _f.WriteText("unusual.ipynb", source.ToJsonString());
        var before = SHA256.HashData(File.ReadAllBytes(path));
        var (code, _, _) = await _f.RunAsync(path);
        Assert.Equal(0, code);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(path))); // the source is never modified

        var executed = _f.Executed("unusual.ipynb");
        Assert.Equal(source["metadata"]!.ToJsonString(), executed["metadata"]!.ToJsonString());
        for (int i = 0; i < 3; i++)
        {
            var a = (JsonObject)source["cells"]![i]!;
            var b = (JsonObject)executed["cells"]![i]!;
            foreach (var key in new[] { "id", "metadata", "source", "cell_type" })
                Assert.Equal(a[key]!.ToJsonString(), b[key]!.ToJsonString());
        }
        Assert.Equal("ran\n", executed.Outputs(1)[0]!["text"].Text());
        Assert.Empty(NotebookSchema.Validate(executed));
    }

    [Fact]
    public void Reading_and_writing_a_canonical_notebook_gives_back_the_same_bytes()
    {
        var text = NotebookDocument.Parse("x.ipynb", Unusual().ToJsonString()).ToJson(); // canonical form
        Assert.Equal(text, NotebookDocument.Parse("x.ipynb", text).ToJson());
        Assert.Contains("\n \"cells\": [\n  {\n", text); // indent 1, as Jupyter and VS Code write
        Assert.Contains("Ünïcode — “quotes”", text); // non-ASCII kept, not escaped
    }

    [Fact]
    public async Task Running_the_same_notebook_twice_gives_byte_identical_copies()
    {
        var path = _f.Write("twice.ipynb", "var r = new Random(7);\nConsole.WriteLine(r.Next());\nr.NextDouble()");
        await _f.RunAsync(path);
        var first = File.ReadAllBytes(Path.Combine(_f.Output, "twice.ipynb"));
        await _f.RunAsync(path);
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(_f.Output, "twice.ipynb")));
    }

    [Fact]
    public void Atomic_writes_replace_the_whole_file_and_leave_no_temporary_files()
    {
        var target = Path.Combine(_f.Folder, "atomic.txt");
        File.WriteAllText(target, new string('x', 100_000));
        AtomicFile.WriteAllText(target, "short");
        Assert.Equal("short", File.ReadAllText(target));
        Assert.Equal(["atomic.txt"], Directory.GetFiles(_f.Folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_failed_atomic_write_leaves_the_old_file_untouched()
    {
        var folder = Path.Combine(_f.Folder, "target-is-a-folder");
        Directory.CreateDirectory(folder);
        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(folder, "data")); // cannot rename over a folder
        Assert.True(Directory.Exists(folder));
        Assert.Single(Directory.GetFileSystemEntries(_f.Folder)); // no temporary file left behind
    }
}
