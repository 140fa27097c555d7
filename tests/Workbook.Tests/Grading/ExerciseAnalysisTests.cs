using Workbook.Grading;
using Workbook.Notebooks;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Grading;

/// <summary>The grader's reading of exercise cells: what it flags, and that honest solutions pass it.</summary>
public sealed class ExerciseAnalysisTests
{
    private static readonly CourseWorkbook Workbook = CourseWorkbook.Load(Fixtures.RepoRoot)!;
    private static readonly ExerciseAnalysis Analysis = new(Workbook.LibraryFolder, KernelLaunch.KernelFolder);

    public static TheoryData<string> Notebooks() => CourseNotebookTests.Notebooks();

    private static IReadOnlyDictionary<string, CellAnalysis> Analyse(string notebook, IReadOnlyDictionary<string, string> sources)
    {
        var name = Path.GetFileNameWithoutExtension(notebook);
        var submission = GradingFixture.WithExercises(notebook, sources);
        var titles = SequenceModels.Exercises.ExerciseCatalogue.All.ToDictionary(e => e.Id, e => e.Title);
        return Analysis.Analyse(GradedNotebook.Build(Workbook.Notebooks[name], submission, titles));
    }

    private static CellAnalysis One(string source, string exercise = "01.one-hot") =>
        Analyse("01-rnn-forward-pass.ipynb", new Dictionary<string, string> { [exercise] = source })[exercise];

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void The_reference_solutions_are_not_flagged(string notebook)
    {
        var ids = Workbook.Notebooks[Path.GetFileNameWithoutExtension(notebook)].Cells
            .SelectMany(c => c.Tags).Where(t => t.StartsWith("exercise:", StringComparison.Ordinal)).Select(t => t["exercise:".Length..]);
        var results = Analyse(notebook, ids.ToDictionary(id => id, id => GradingFixture.Solution(notebook, id)));
        Assert.NotEmpty(results);
        Assert.All(results.Values, r => Assert.True(!r.Flagged, $"{r.Exercise}: {string.Join("; ", r.Violations)}"));
    }

    [Fact]
    public void The_unfinished_cells_are_not_flagged() =>
        Assert.All(Analyse("04-lstm-gates.ipynb", new Dictionary<string, string>()).Values, r => Assert.False(r.Flagged));

    [Fact]
    public void A_direct_call_of_the_reference_is_named_with_its_line() =>
        Assert.Equal("line 2: calls the reference implementation OneHot.Encode (`Encode<double>`): the exercise asks you to write it yourself",
            Assert.Single(One("Matrix<double> OneHotEncode(int[] indices, int vocabularySize)\n    => OneHot.Encode<double>(indices, vocabularySize);").Violations));

    [Fact]
    public void Reflection_is_flagged_however_it_is_reached()
    {
        foreach (var code in new[]
        {
            "var f = typeof(OneHot).GetMethod(\"Encode\");",
            "var t = 1.GetType();",
            "var d = (Func<int>)(() => 1); var m = d.Method;",
            "var o = Activator.CreateInstance(typeof(object));",
            "using R = System.Reflection; var a = R.Assembly.GetExecutingAssembly();",
        })
        {
            var result = One(code + "\nMatrix<double> OneHotEncode(int[] indices, int vocabularySize) => null;");
            Assert.True(result.Flagged, code);
            Assert.Contains(result.Violations, v => v.Contains("reflection", StringComparison.Ordinal) || v.Contains("process and runtime", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Files_processes_the_network_the_checkers_and_the_formatters_are_flagged()
    {
        foreach (var (code, what) in new[]
        {
            ("System.IO.File.ReadAllText(\"/etc/passwd\");", "System.IO"),
            ("System.Diagnostics.Process.Start(\"sh\");", "System.Diagnostics"),
            ("new System.Net.Sockets.TcpClient();", "System.Net.Sockets"),
            ("Environment.Exit(0);", "process and runtime"),
            ("Microsoft.DotNet.Interactive.Formatting.Formatter.Register<int>(i => \"x\", \"text/plain\");", "formatters"),
            ("var r = SequenceModels.Exercises.Check.OneHot(null!);", "checkers"),
            ("System.Threading.Tasks.Task.Run(() => 1);", "System.Threading.Tasks"),
            ("#r \"/tmp/evil.dll\"", "directive"),
            ("unsafe { int x = 1; int* p = &x; }", "unsafe"),
            ("Console.SetOut(Console.Error);", "Console.Write"),
        })
        {
            var result = One(code + "\nMatrix<double> OneHotEncode(int[] indices, int vocabularySize) => null;");
            Assert.True(result.Flagged, code);
            Assert.Contains(result.Violations, v => v.Contains(what, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void What_exercise_cells_need_is_allowed()
    {
        var result = One("""
            Matrix<double> OneHotEncode(int[] indices, int vocabularySize)
            {
                Console.WriteLine($"{indices.Length} words, {nameof(OneHot.Encode)} is the library's");
                display(indices);
                var m = Matrix<double>.Build.Dense(vocabularySize, indices.Length);
                foreach (var (i, t) in indices.Select((i, t) => (i, t))) m[i, t] = Math.Max(1.0, 0.5);
                var list = new List<int>(indices).OrderBy(x => x).ToArray();
                var sb = new System.Text.StringBuilder().Append(list.Length);
                return m;
            }
            """);
        Assert.True(!result.Flagged, string.Join("; ", result.Violations));
    }

    [Fact]
    public void A_call_of_another_exercises_function_is_recorded()
    {
        var results = Analyse("01-rnn-forward-pass.ipynb", new Dictionary<string, string>
        {
            ["01.rnn-forward"] = GradingFixture.Solution("01-rnn-forward-pass.ipynb", "01.rnn-forward"),
        });
        Assert.Equal(["01.rnn-cell-forward"], results["01.rnn-forward"].Calls);
        Assert.Empty(results["01.one-hot"].Calls);
    }
}
