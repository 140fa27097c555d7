using Workbook.Notebooks;

namespace Workbook.Tests.Grading;

/// <summary>Honest submissions in every layout an instructor meets, graded in one run; and runs that cannot grade.</summary>
public sealed class GradeLayoutTests : IDisposable
{
    private const string Notebook = "01-rnn-forward-pass.ipynb";
    private readonly GradingFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static NotebookDocument Solved() => GradingFixture.WithExercises(Notebook,
        new[] { "01.one-hot", "01.rnn-cell-forward", "01.rnn-forward" }.ToDictionary(id => id, id => GradingFixture.Solution(Notebook, id)));

    [Fact]
    public async Task A_file_a_students_folder_and_a_flat_folder_of_renamed_files_are_graded_together()
    {
        var alice = _f.Submit("alice", Notebook, Solved());                 // a notebook file, in its student's folder
        _f.Submit(Path.Combine("bob"), Notebook, GradingFixture.Workbook(Notebook)); // one student's folder
        var flat = Path.Combine(_f.Folder, "flat");
        Directory.CreateDirectory(flat);
        File.WriteAllText(Path.Combine(flat, "carol.ipynb"), Solved().ToJson());   // renamed by a learning platform
        File.WriteAllText(Path.Combine(flat, "dave hw1.ipynb"), GradingFixture.Workbook(Notebook).ToJson());

        var (code, grades) = await _f.GradeAsync([alice, Path.Combine(_f.Submissions, "bob"), flat]);

        Assert.True(code == 0, _f.Stderr);
        var points = grades.ToDictionary(g => g.Student, g => (g.Points, g.MaxPoints));
        Assert.Equal((3, 3), points["alice"]);
        Assert.Equal((0, 3), points["bob"]);
        Assert.Equal((3, 3), points["carol"]);
        Assert.Equal((0, 3), points["dave hw1"]);
        foreach (var student in new[] { "alice", "bob", "carol", "dave hw1" })
            Assert.True(File.Exists(Path.Combine(_f.Output, student, "feedback.html")), student);
        Assert.True(File.Exists(Path.Combine(_f.Output, "alice", Notebook)));
        Assert.True(File.Exists(Path.Combine(_f.Output, "carol", "carol.ipynb")));
        var report = _f.Report();
        Assert.Equal(6, (int)report["points"]!);
        Assert.Equal(12, (int)report["maxPoints"]!);
        Assert.Equal(["alice", "bob", "carol", "dave hw1"], report["submissions"]!.AsArray().Select(s => (string)s!["submission"]!).Order());
    }

    [Fact]
    public async Task A_folder_of_student_folders_gives_totals_per_student()
    {
        _f.Submit("erin", Notebook, Solved());
        _f.Submit("frank", Notebook, GradingFixture.WithExercises(Notebook,
            new Dictionary<string, string> { ["01.one-hot"] = GradingFixture.Solution(Notebook, "01.one-hot") }));

        var (code, grades) = await _f.GradeAsync();

        Assert.True(code == 0, _f.Stderr);
        Assert.Equal(3, grades.Single(g => g.Student == "erin").Points);
        Assert.Equal(1, grades.Single(g => g.Student == "frank").Points);
        Assert.Contains("erin: 3/3", _f.Stdout);
        Assert.Contains("frank: 1/3", _f.Stdout);
    }

    [Fact]
    public async Task A_file_that_is_not_a_workbook_notebook_is_named_and_nothing_is_graded()
    {
        var broken = Path.Combine(_f.Submissions, "grace", Notebook);
        Directory.CreateDirectory(Path.GetDirectoryName(broken)!);
        File.WriteAllText(broken, "{ not json");
        var stranger = _f.Submit("heidi", "homework.ipynb", NotebookDocument.Parse("x.ipynb", NotebookDocument.Format(Fixtures.NotebookJson(Fixtures.Code("1 + 1")))));

        var (code, grades) = await _f.GradeAsync();

        Assert.Equal(2, code);
        Assert.Empty(grades);
        Assert.Contains($"{broken}: not valid JSON", _f.Stderr);
        Assert.Contains($"{stranger}: not a notebook of this workbook", _f.Stderr);
    }

    [Fact]
    public async Task A_setup_that_fails_is_an_error_of_the_grading_run_not_zero_points()
    {
        // A workbook whose built library is damaged: the setup cell's #r fails for every submission.
        var workbook = Path.Combine(_f.Folder, "workbook");
        Directory.CreateDirectory(Path.Combine(workbook, "notebooks"));
        Directory.CreateDirectory(Path.Combine(workbook, "artifacts", "lib"));
        File.Copy(Path.Combine(Fixtures.RepoRoot, "notebooks", Notebook), Path.Combine(workbook, "notebooks", Notebook));
        File.WriteAllText(Path.Combine(workbook, "artifacts", "lib", "SequenceModels.dll"), "not an assembly");
        Directory.CreateSymbolicLink(Path.Combine(workbook, "data"), Path.Combine(Fixtures.RepoRoot, "data"));
        _f.Submit("ivan", Notebook, Solved());

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await Workbook.Commands.GradeCommand.GradeAsync(new Workbook.Commands.GradeRequest([_f.Submissions], null, _f.Output,
            new Workbook.Grading.GradeOptions(TimeSpan.FromMinutes(5), 4096L << 20, GradingFixture.CanSandbox), workbook), stdout, stderr, CancellationToken.None);

        Assert.Equal(1, code);
        Assert.Contains("ivan", stderr.ToString());
        Assert.Contains("one of the workbook's own cells, failed", stderr.ToString());
    }
}
