using System.Text.Json.Nodes;
using SequenceModels.Exercises;
using Workbook.Grading;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// Every notebook in notebooks/: committed clean and valid, runs headless without an error output in its unfinished
/// state (every exercise "not done"), and with the reference solutions in place scores full marks.
/// </summary>
public partial class CourseNotebookTests
{
    private static readonly string NotebooksFolder = CourseRuns.NotebooksFolder;
    private static readonly string SolutionsFolder = Path.Combine(Fixtures.RepoRoot, "tests", "Workbook.Tests", "Solutions");

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(NotebooksFolder, "*.ipynb").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(path));
        return data;
    }

    private static NotebookDocument Load(string name) => NotebookDocument.Load(Path.Combine(NotebooksFolder, name));

    [Fact]
    public void The_course_has_notebooks() => Assert.NotEmpty(Notebooks());

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Is_committed_without_outputs_with_polyglot_csharp_metadata(string name)
    {
        var text = File.ReadAllText(Path.Combine(NotebooksFolder, name));
        var notebook = Load(name);
        Assert.Empty(NotebookSchema.Validate(notebook.Root));
        Assert.Equal(text, notebook.ToJson()); // canonical form: indent 1, as Jupyter and VS Code write it
        Assert.Equal(5, (int)notebook.Root["nbformat_minor"]!);
        var meta = notebook.Root["metadata"]!;
        Assert.Equal(".net-csharp", (string?)meta["kernelspec"]!["name"]);
        Assert.Equal(".NET (C#)", (string?)meta["kernelspec"]!["display_name"]);
        Assert.Equal("C#", (string?)meta["kernelspec"]!["language"]);
        Assert.Equal("csharp", (string?)meta["language_info"]!["name"]);
        Assert.Equal("csharp", (string?)meta["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]);
        foreach (var cell in notebook.CodeCells)
        {
            Assert.Empty(cell.Outputs);
            Assert.Null(cell.Json["execution_count"]);
            Assert.Equal("csharp", (string?)cell.Json["metadata"]!["dotnet_interactive"]!["language"]);
            Assert.Equal("csharp", (string?)cell.Json["metadata"]!["polyglot_notebook"]!["kernelName"]);
        }
        var first = notebook.CodeCells.First().Source;
        Assert.Contains("#r \"nuget: MathNet.Numerics, 5.0.0\"", first);
        Assert.Contains("#r \"../artifacts/lib/SequenceModels.dll\"", first);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_exercise_has_a_check_cell_and_a_reference_solution(string name)
    {
        var notebook = Load(name);
        var expected = ExerciseCatalogue.ForNotebook(notebook.Name.Split('-')[0]).Select(e => e.Id).ToList();
        var exercises = ExerciseCells(notebook).Select(c => c.Id).ToList();
        Assert.Equal(expected, exercises);
        foreach (var (id, cell) in ExerciseCells(notebook))
        {
            Assert.Contains("throw new NotImplementedException(", cell.Source);
            var check = notebook.Cells.Single(c => c.Tags.Contains($"check:{id}"));
            Assert.True(check.Index > cell.Index, $"the check of {id} must come after its exercise");
            Assert.Contains("Check.", check.Source);
            Assert.True(File.Exists(SolutionPath(notebook, id)), $"missing reference solution {SolutionPath(notebook, id)}");
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Runs_unfinished_with_no_error_and_every_exercise_not_done(string name)
    {
        var result = await CourseRuns.UnfinishedAsync(name);
        AssertRanClean(result);
        var checks = result.Executed.CodeCells.Where(c => c.Tags.Any(t => t.StartsWith("check:", StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(checks);
        foreach (var check in checks)
        {
            // The check's text form: "… Exercise 1.1 — one-hot encoding: not done", then the diagnosis.
            var text = check.Outputs.OfType<JsonObject>().Select(o => NotebookCell.JoinLines(o["data"]?["text/plain"])).FirstOrDefault(t => t.Length > 0) ?? "";
            Assert.True(text.Split('\n')[0].EndsWith(": not done", StringComparison.Ordinal), $"cell {check.Number}: {text}");
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Runs_with_the_reference_solutions_and_scores_full_marks(string name)
    {
        // Graded as an instructor grades it: the solved notebook is a student's submission.
        using var submissions = new GradingFixture();
        var notebook = Load(name);
        var solved = notebook.Clone();
        foreach (var (id, cell) in ExerciseCells(solved)) cell.Source = File.ReadAllText(SolutionPath(notebook, id));
        submissions.Submit("student", name, solved);
        var (code, grades) = await submissions.GradeAsync();
        Assert.True(code == 0, submissions.Stderr);
        var grade = Assert.Single(Assert.Single(grades).Notebooks);
        Assert.NotEmpty(grade.Exercises);
        Assert.All(grade.Exercises, e => Assert.True(e.Status == "passed", $"{e.Exercise}: {e.Status} — {e.Message}"));
        AssertRanClean(new NotebookRunResult(notebook, grade.Executed!, grade.Executed!.CodeCells.Count(), grade.Executed.CodeCells.Count(), [], TimeSpan.Zero,
            new Dictionary<int, TimeSpan>()), gradedRun: true);
    }

    /// <summary>No error output, every cell run, and not one compiler diagnostic — warnings included — in any cell.</summary>
    private static void AssertRanClean(NotebookRunResult result, bool gradedRun = false)
    {
        var errors = result.Executed.CodeCells.SelectMany(c => c.Outputs.OfType<JsonObject>())
            .Where(o => (string?)o["output_type"] == "error")
            .Select(o => $"{(string?)o["ename"]}: {(string?)o["evalue"]}").ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        Assert.Equal(result.CodeCells, result.CellsRun);
        if (gradedRun) Assert.All(result.Executed.CodeCells, c => Assert.True(c.Json["execution_count"] is not null || c.Tags.Any(t => t.StartsWith("check:", StringComparison.Ordinal)), $"cell {c.Number} did not run"));
        var diagnostics = result.Executed.CodeCells
            .SelectMany(c => c.Outputs.OfType<JsonObject>()
                .Where(o => (string?)o["name"] == "stderr" && Diagnostic().IsMatch(NotebookCell.JoinLines(o["text"])))
                .Select(o => $"cell {c.Number} ({c.Id}): {NotebookCell.JoinLines(o["text"]).Trim()}"))
            .ToList();
        Assert.True(diagnostics.Count == 0, "compiler diagnostics:\n" + string.Join("\n", diagnostics));
    }

    // "(3,12): warning CS8632: …", as the engine formats a diagnostic.
    [System.Text.RegularExpressions.GeneratedRegex(@"\(\d+,\d+\): (warning|error) [A-Z]+\d+:")]
    private static partial System.Text.RegularExpressions.Regex Diagnostic();

    private static IEnumerable<(string Id, NotebookCell Cell)> ExerciseCells(NotebookDocument notebook) =>
        notebook.Cells.SelectMany(c => c.Tags.Where(t => t.StartsWith("exercise:", StringComparison.Ordinal))
            .Select(t => (t["exercise:".Length..], c)));

    private static string SolutionPath(NotebookDocument notebook, string id) =>
        Path.Combine(SolutionsFolder, notebook.Name, id + ".csx");
}
