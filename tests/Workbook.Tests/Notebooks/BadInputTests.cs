using System.Text.Json.Nodes;

namespace Workbook.Tests.Notebooks;

public class BadInputTests : IDisposable
{
    private readonly Fixtures _f = new();

    public void Dispose() => _f.Dispose();

    private async Task<string> RejectedWithNothingWritten(params string[] paths)
    {
        var (code, _, stderr) = await _f.RunAsync(paths);
        Assert.Equal(2, code);
        Assert.False(Directory.Exists(_f.Output), "nothing may be written for bad input");
        return stderr.Trim();
    }

    [Fact]
    public async Task A_missing_notebook_is_named()
    {
        var path = Path.Combine(_f.Folder, "nope.ipynb");
        Assert.Equal($"error: {path}: no such file", await RejectedWithNothingWritten(path));
    }

    [Fact]
    public async Task A_file_that_is_not_json_is_named_with_its_position()
    {
        var path = _f.WriteText("broken.ipynb", "{\n \"cells\": [,\n}");
        Assert.StartsWith($"error: {path}: not valid JSON (line 2, position", await RejectedWithNothingWritten(path));
    }

    [Fact]
    public async Task A_notebook_of_another_nbformat_is_rejected()
    {
        var json = Fixtures.NotebookJson(Fixtures.Code("1"));
        json["nbformat"] = 3;
        var path = _f.WriteText("old.ipynb", json.ToJsonString());
        Assert.Equal($"error: {path}: not an nbformat 4 notebook (nbformat is 3)", await RejectedWithNothingWritten(path));
    }

    [Fact]
    public async Task A_notebook_breaking_the_schema_names_the_path_of_the_problem()
    {
        var json = Fixtures.NotebookJson(Fixtures.Code("1"));
        ((JsonObject)json["cells"]![0]!).Remove("outputs");
        var path = _f.WriteText("schema.ipynb", json.ToJsonString());
        Assert.Equal($"error: {path}: does not follow the nbformat 4 schema: $.cells[0]: missing required key \"outputs\"",
            await RejectedWithNothingWritten(path));
    }

    [Fact]
    public async Task A_cell_in_another_language_is_named_by_its_metadata_or_magic()
    {
        var meta = _f.Write("fsharp.ipynb", Fixtures.Markdown("x"), Fixtures.Code("let x = 1", "fsharp"));
        var magic = _f.Write("pwsh.ipynb", "var a = 1;", "#!pwsh\nGet-Date");
        var stderr = await RejectedWithNothingWritten(meta, magic);
        Assert.Equal(
            $"error: {meta}, cell 2: the cell is written in fsharp; the runner executes C# cells only\n" +
            $"error: {magic}, cell 2: the cell is written in #!pwsh; the runner executes C# cells only",
            stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task One_bad_notebook_stops_the_whole_run_before_anything_runs()
    {
        var good = _f.Write("good.ipynb", "1");
        var bad = _f.WriteText("bad.ipynb", "not json");
        var stderr = await RejectedWithNothingWritten(good, bad);
        Assert.StartsWith($"error: {bad}: not valid JSON", stderr);
    }

    [Fact]
    public async Task The_runner_refuses_to_write_over_a_source_notebook()
    {
        var path = _f.Write("self.ipynb", "1");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await global::Workbook.Commands.RunCommand.RunAsync(
            new global::Workbook.Commands.RunRequest([path], _f.Folder, Workbook.Notebooks.RunOptions.Default, false), stdout, stderr, default);
        Assert.Equal(2, code);
        Assert.Contains("the executed copy would overwrite the notebook itself", stderr.ToString());
    }
}
