using Workbook.Grading;
using Workbook.Notebooks;

namespace Workbook.Tests.Grading;

/// <summary>
/// Submissions that try to score what they did not earn, or to take the grading down, on notebook 01 (three
/// exercises: 1.1 OneHotEncode, 1.2 RnnCellForward, 1.3 RnnForward, which calls 1.2).
/// </summary>
public sealed class HostileSubmissionTests : IDisposable
{
    private const string Notebook = "01-rnn-forward-pass.ipynb";
    private readonly GradingFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static string Solution(string id) => GradingFixture.Solution(Notebook, id);

    private static Dictionary<string, ExerciseGrade> ByExercise(IReadOnlyList<StudentGrade> grades) =>
        Assert.Single(grades).Exercises.ToDictionary(e => e.Exercise);

    private static NotebookDocument WithExtraCell(NotebookDocument notebook, string source)
    {
        var json = (System.Text.Json.Nodes.JsonObject)notebook.Root.DeepClone();
        var cells = (System.Text.Json.Nodes.JsonArray)json["cells"]!;
        cells.Add(Fixtures.Code(source));
        return NotebookDocument.Parse(notebook.Path, NotebookDocument.Format(json));
    }

    [Fact]
    public async Task Forged_results_from_extra_cells_and_rewritten_or_deleted_check_cells_score_nothing_and_are_flagged()
    {
        var notebook = GradingFixture.Workbook(Notebook).Clone();
        // Forgery 1: a CheckResult made through reflection, displayed. Forgery 2: a formatter for the check MIME type.
        notebook = WithExtraCell(notebook, """
            var ctor = typeof(SequenceModels.Exercises.CheckResult).GetConstructors(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)[0];
            foreach (var id in new[] { "01.one-hot", "01.rnn-cell-forward", "01.rnn-forward" })
                display(ctor.Invoke(new object[] { id, id, SequenceModels.Exercises.CheckStatus.Passed, new List<string>() }));
            """);
        notebook = WithExtraCell(notebook, """
            Microsoft.DotNet.Interactive.Formatting.Formatter.Register<string>((s, w) => w.Write("{\"exercise\":\"01.one-hot\",\"status\":\"passed\"}"), "application/vnd.coursenotebooks.check+json");
            "forged"
            """);
        // A rewritten check cell, and a deleted one.
        var checks = notebook.CodeCells.Where(c => c.Tags.Any(t => t.StartsWith("check:", StringComparison.Ordinal))).ToList();
        checks[0].Source = "display(\"Exercise 1.1 — one-hot encoding: passed\");";
        var json = (System.Text.Json.Nodes.JsonObject)notebook.Root.DeepClone();
        ((System.Text.Json.Nodes.JsonArray)json["cells"]!).RemoveAt(checks[1].Index);
        notebook = NotebookDocument.Parse(notebook.Path, NotebookDocument.Format(json));
        _f.Submit("mallory", Notebook, notebook);

        var (code, grades) = await _f.GradeAsync();

        Assert.True(code == 0, _f.Stderr);
        Assert.All(Assert.Single(grades).Exercises, e => Assert.Equal("not done", e.Status));
        var grade = Assert.Single(Assert.Single(grades).Notebooks);
        Assert.Contains(grade.Flags, f => f.Contains("CheckResult", StringComparison.Ordinal) || f.Contains("System.Reflection", StringComparison.Ordinal));
        Assert.Contains(grade.Flags, f => f.Contains("Formatter.Register", StringComparison.Ordinal) || f.Contains("check+json", StringComparison.Ordinal));
        Assert.Contains(grade.Notes, n => n.Contains("check cell of 01.one-hot was changed", StringComparison.Ordinal));
        Assert.Contains(grade.Notes, n => n.Contains("check cell of 01.rnn-cell-forward was missing", StringComparison.Ordinal));
        Assert.Equal(0, (int)_f.Report()["points"]!);
    }

    [Fact]
    public async Task Forgery_and_reference_calls_inside_exercise_cells_are_flagged_and_not_run()
    {
        var notebook = GradingFixture.WithExercises(Notebook, new Dictionary<string, string>
        {
            // The reference, called directly.
            ["01.one-hot"] = "Matrix<double> OneHotEncode(int[] indices, int vocabularySize) => OneHot.Encode<double>(indices, vocabularySize);",
            // The reference, called through reflection of the library's types.
            ["01.rnn-cell-forward"] = """
                Matrix<double> RnnCellForward(Matrix<double> x, Matrix<double> hPrev, Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> bh)
                {
                    var forward = typeof(RnnCell).GetMethods().First(m => m.Name == "Forward").MakeGenericMethod(typeof(double));
                    return (Matrix<double>)forward.Invoke(null, new object[] { x, hPrev, Wxh, Whh, bh, null })!;
                }
                """,
            // A right answer with a forgery at the top level of the cell.
            ["01.rnn-forward"] = Solution("01.rnn-forward") + "\nMicrosoft.DotNet.Interactive.Formatting.Formatter.Register<object>(o => \"passed\", \"text/plain\");\n",
        });
        _f.Submit("mallory", Notebook, notebook);

        var (code, grades) = await _f.GradeAsync();

        Assert.True(code == 0, _f.Stderr);
        var e = ByExercise(grades);
        Assert.Equal("flagged", e["01.one-hot"].Status);
        Assert.Contains("calls the reference implementation OneHot.Encode", e["01.one-hot"].Message);
        Assert.Equal("flagged", e["01.rnn-cell-forward"].Status);
        Assert.Contains("reflection", e["01.rnn-cell-forward"].Message);
        Assert.Equal("flagged", e["01.rnn-forward"].Status);
        Assert.Contains("Formatter", e["01.rnn-forward"].Message);
        Assert.All(e.Values, x => Assert.Equal(0, x.Points));
        Assert.NotEmpty(Assert.Single(Assert.Single(grades).Notebooks).Flags);
    }

    [Fact]
    public async Task Hanging_and_crashing_exercises_cost_only_themselves()
    {
        var notebook = GradingFixture.WithExercises(Notebook, new Dictionary<string, string>
        {
            // Crashes the kernel when the check calls it: an endless recursion (StackOverflow ends the process).
            ["01.one-hot"] = "Matrix<double> OneHotEncode(int[] indices, int vocabularySize) => OneHotEncode(indices, vocabularySize + 1);",
            // Never returns.
            ["01.rnn-cell-forward"] = """
                Matrix<double> RnnCellForward(Matrix<double> x, Matrix<double> hPrev, Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> bh)
                {
                    long n = 0;
                    while (true) n++;
                }
                """,
            // Right, with its own cell version of 1.2 so that it does not depend on the hanging one.
            ["01.rnn-forward"] = Solution("01.rnn-forward").Replace("RnnCellForward(", "Cell(") +
                "\nMatrix<double> Cell(Matrix<double> x, Matrix<double> hPrev, Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> bh) =>\n" +
                "    (Wxh * x + Whh * hPrev + bh * Matrix<double>.Build.Dense(1, x.ColumnCount, 1.0)).Map(Math.Tanh);\n",
        });
        _f.Submit("mallory", Notebook, notebook);

        var (code, grades) = await _f.GradeAsync(timeout: TimeSpan.FromSeconds(60));

        Assert.True(code == 0, _f.Stderr);
        var e = ByExercise(grades);
        Assert.Equal("crashed", e["01.one-hot"].Status);
        Assert.Equal("timed out", e["01.rnn-cell-forward"].Status);
        Assert.True(e["01.rnn-forward"].Status == "passed", e["01.rnn-forward"].Message);
    }

    [Fact]
    public async Task A_20_GB_allocation_fails_its_exercise_and_the_grading_goes_on()
    {
        var notebook = GradingFixture.WithExercises(Notebook, new Dictionary<string, string>
        {
            ["01.one-hot"] = """
                Matrix<double> OneHotEncode(int[] indices, int vocabularySize)
                {
                    var hoard = new List<double[]>();
                    for (int i = 0; i < 25; i++) hoard.Add(new double[100_000_000]); // 25 × 800 MB = 20 GB
                    return Matrix<double>.Build.Dense(vocabularySize, indices.Length, hoard.Count);
                }
                """,
            ["01.rnn-cell-forward"] = Solution("01.rnn-cell-forward"),
        });
        _f.Submit("mallory", Notebook, notebook);

        var (code, grades) = await _f.GradeAsync(memoryMb: 2048);

        Assert.True(code == 0, _f.Stderr);
        var e = ByExercise(grades);
        Assert.Equal(0, e["01.one-hot"].Points);
        Assert.Contains(e["01.one-hot"].Status, new[] { "failed", "crashed" });
        Assert.Contains(e["01.one-hot"].Status == "failed" ? "OutOfMemoryException" : "memory", e["01.one-hot"].Message);
        Assert.Equal("passed", e["01.rnn-cell-forward"].Status);
    }

    [Fact]
    public async Task A_failure_caused_by_an_earlier_exercise_says_so()
    {
        var notebook = GradingFixture.WithExercises(Notebook, new Dictionary<string, string>
        {
            // 1.2 without the tanh; 1.3 right, calling the student's 1.2.
            ["01.rnn-cell-forward"] = Solution("01.rnn-cell-forward").Replace("return z.Map(Math.Tanh);", "return z;"),
            ["01.rnn-forward"] = Solution("01.rnn-forward"),
        });
        _f.Submit("carol", Notebook, notebook);

        var (code, grades) = await _f.GradeAsync();

        Assert.True(code == 0, _f.Stderr);
        var e = ByExercise(grades);
        Assert.Equal("failed", e["01.rnn-cell-forward"].Status);
        Assert.StartsWith("It looks like", e["01.rnn-cell-forward"].Message);
        Assert.Equal("failed", e["01.rnn-forward"].Status);
        Assert.StartsWith("Your RnnForward is right: with a correct RnnCellForward it passes its check. It fails here because it calls your RnnCellForward (Exercise 1.2), which failed its check",
            e["01.rnn-forward"].Message);
    }
}
