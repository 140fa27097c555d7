using System.Text.Json.Nodes;
using Workbook.Commands;
using Workbook.Grading;
using Workbook.Notebooks;

namespace Workbook.Tests;

/// <summary>
/// Submissions written into a fresh temporary folder and graded with <c>workbook grade</c> in process, in the
/// sandbox when bubblewrap can make one here (always in CI), else without.
/// </summary>
internal sealed class GradingFixture : IDisposable
{
    public GradingFixture() => Folder = Directory.CreateTempSubdirectory("grading-tests-").FullName;

    public string Folder { get; }

    public string Submissions => Path.Combine(Folder, "submissions");

    public string Output => Path.Combine(Folder, "graded");

    public string Stdout { get; private set; } = "";

    public string Stderr { get; private set; } = "";

    /// <summary>True when the grader can sandbox submissions here (bubblewrap works); CI requires it.</summary>
    public static bool CanSandbox { get; } = Sandbox.Probe() is null;

    public static NotebookDocument Workbook(string name) => NotebookDocument.Load(Path.Combine(Fixtures.RepoRoot, "notebooks", name));

    /// <summary>The workbook's notebook <paramref name="name"/> with some exercise cells replaced (id → source).</summary>
    public static NotebookDocument WithExercises(string name, IReadOnlyDictionary<string, string> sources)
    {
        var notebook = Workbook(name).Clone();
        foreach (var cell in notebook.CodeCells)
            foreach (var tag in cell.Tags.Where(t => t.StartsWith("exercise:", StringComparison.Ordinal)))
                if (sources.TryGetValue(tag["exercise:".Length..], out var source)) cell.Source = source;
        return notebook;
    }

    /// <summary>The reference solution of an exercise (tests/Workbook.Tests/Solutions).</summary>
    public static string Solution(string notebook, string id) =>
        File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "tests", "Workbook.Tests", "Solutions", Path.GetFileNameWithoutExtension(notebook), id + ".csx"));

    /// <summary>Writes a submission: <c>submissions/STUDENT/FILE</c> (or <c>submissions/FILE</c> when student is null).</summary>
    public string Submit(string? student, string file, NotebookDocument notebook)
    {
        var path = student is null ? Path.Combine(Submissions, file) : Path.Combine(Submissions, student, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, notebook.ToJson());
        return path;
    }

    /// <summary>Grades <paramref name="paths"/> (default: the submissions folder); returns the exit code and the grades from the JSON report.</summary>
    public async Task<(int Code, IReadOnlyList<StudentGrade> Grades)> GradeAsync(string[]? paths = null, TimeSpan? timeout = null, long memoryMb = 4096)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var report = Path.Combine(Folder, "report.json");
        var options = new GradeOptions(timeout ?? TimeSpan.FromMinutes(5), memoryMb * 1024 * 1024, CanSandbox || Environment.GetEnvironmentVariable("COURSENOTEBOOKS_REQUIRE_SANDBOX") == "1");
        var captured = new List<SubmissionGrade>();
        int code = await GradeCommand.GradeAsync(new GradeRequest(paths ?? [Submissions], report, Output, options, Fixtures.RepoRoot), stdout, stderr,
            CancellationToken.None, captured.Add);
        Stdout = stdout.ToString();
        Stderr = stderr.ToString();
        return (code, captured.GroupBy(g => g.Submission.Student).Select(g => new StudentGrade(g.Key, g.ToList())).ToList());
    }

    /// <summary>The JSON report of the last grading.</summary>
    public JsonObject Report() => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "report.json")))!;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // a kernel may still be closing
        }
    }
}
