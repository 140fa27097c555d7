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

    private static CellAnalysis In(string notebook, string exercise, string source) =>
        Analyse(notebook, new Dictionary<string, string> { [exercise] = source })[exercise];

    [Fact]
    public void A_library_function_that_runs_the_reference_underneath_is_named_with_the_reference()
    {
        // Viterbi.Decode runs Viterbi.ForwardPass and hands back its trellis.
        var decode = In("09-hmm-part-of-speech-tagging.ipynb", "09.viterbi-forward", """
            (Matrix<double> Scores, int[,] BackPointers) ViterbiForward(Matrix<double> scores, Matrix<double> A, Matrix<double> B, int[] words)
            {
                var logB = Matrix<double>.Build.Dense(B.RowCount, words.Length, (j, t) => Math.Log(B[j, words[t]]));
                var (_, _, trellis) = Viterbi.Decode(scores.Column(0) - logB.Column(0), A.PointwiseLog(), logB);
                return (trellis.Scores, trellis.BackPointers);
            }
            """);
        Assert.Equal("line 4: uses SequenceModels.Taggers.Viterbi.Decode (`Decode`), which runs the reference implementation Viterbi.ForwardPass: the exercise asks you to write it yourself",
            Assert.Single(decode.Violations));

        // A stack of one LSTM layer runs Lstm.Forward through the IRecurrentLayer interface.
        var stack = In("04-lstm-gates.ipynb", "04.lstm-forward", """
            (Matrix<double>[] h, Matrix<double>[] c) LstmForward(Matrix<double>[] xs, Matrix<double> h0, Matrix<double> c0, LstmWeights<double> w)
            {
                var layer = StackedRecurrent<double>.Of(1, xs[0].RowCount, n => new Lstm<double>(n, h0.RowCount, new Random(0)));
                var (output, _) = layer.Forward(new SequenceBatch<double>(xs[0], 1, xs[0].ColumnCount));
                return (new[] { output.Data }, new[] { output.Data });
            }
            """);
        Assert.Contains(stack.Violations, v => v.StartsWith("line 4: uses SequenceModels.StackedRecurrent<double>.Forward", StringComparison.Ordinal)
                                               && v.Contains("which runs the reference implementation Lstm.Forward", StringComparison.Ordinal));
        // Making the layer is not running it.
        Assert.DoesNotContain(stack.Violations, v => v.StartsWith("line 3:", StringComparison.Ordinal));

        // Reading tags in a scheme reads BIO with BioTags.Entities.
        var scheme = In("06-named-entity-recognition.ipynb", "06.entities", """
            List<Entity> ExtractEntities(string[] tags) => TagSchemes.Entities(tags, TagScheme.Bio).ToList();
            """);
        Assert.Equal("line 1: uses SequenceModels.Text.TagSchemes.Entities (`Entities`), which runs the reference implementation BioTags.Entities: the exercise asks you to write it yourself",
            Assert.Single(scheme.Violations));
    }

    [Fact]
    public void Library_functions_that_compute_the_answer_another_way_count_as_the_reference()
    {
        // log Z from the backward recursion: logsumexp_j(start[j] + E[j, 0] + β[j, 0]).
        var backward = In("06-named-entity-recognition.ipynb", "06.crf-forward", """
            double CrfLogPartition(Matrix<double> emissions, Matrix<double> transitions, Vector<double> start, Vector<double> end)
            {
                var beta = LinearChainCrf.Backward(emissions, transitions, start, end);
                return LinearChainCrf.LogSumExp(Enumerable.Range(0, start.Count).Select(j => start[j] + emissions[j, 0] + beta[j, 0]).ToArray());
            }
            """);
        Assert.Contains("line 3: calls the reference implementation LinearChainCrf.Backward (`Backward`): the exercise asks you to write it yourself", backward.Violations);
        Assert.DoesNotContain(backward.Violations, v => v.StartsWith("line 4:", StringComparison.Ordinal)); // LogSumExp is a helper, not the answer

        // log Z = T · (the CRF layer's mean loss) + s(y).
        var layer = In("06-named-entity-recognition.ipynb", "06.crf-forward", """
            double CrfLogPartition(Matrix<double> emissions, Matrix<double> transitions, Vector<double> start, Vector<double> end)
            {
                var crf = new Crf<double>(emissions.RowCount);
                transitions.CopyTo(crf.A.Value);
                var tags = new TokenBatch(new int[emissions.ColumnCount], emissions.ColumnCount, 1, [emissions.ColumnCount]);
                double loss = crf.Loss(new SequenceBatch<double>(emissions, emissions.ColumnCount, 1), tags);
                return loss * emissions.ColumnCount + LinearChainCrf.Score(emissions, transitions, start, end, new int[emissions.ColumnCount]);
            }
            """);
        Assert.Contains(layer.Violations, v => v.StartsWith("line 6: calls the reference implementation Crf.Loss", StringComparison.Ordinal));

        var padded = In("06-named-entity-recognition.ipynb", "06.pad-batch", """
            (int[,] Ids, bool[,] Mask) PadBatch(int[][] sentences, int padId)
            {
                var batch = TokenBatch.FromSequences(sentences, padId);
                return (new int[0, 0], new bool[0, 0]);
            }
            """);
        Assert.Contains(padded.Violations, v => v.StartsWith("line 3: calls the reference implementation TokenBatch.FromSequences", StringComparison.Ordinal));

        // PyTorch's GRU, made from the lecture's weights, is the same function.
        var pytorch = In("05-gru.ipynb", "05.gru-forward", """
            Matrix<double>[] GruForward(Matrix<double>[] xs, Matrix<double> c0, GruWeights<double> w)
            {
                var gru = PyTorchGru<double>.FromLecture(w);
                var (output, _) = gru.Forward(new SequenceBatch<double>(xs[0], 1, xs[0].ColumnCount), new RecurrentState<double>(c0));
                return new[] { output.Data };
            }
            """);
        Assert.Contains(pytorch.Violations, v => v.StartsWith("line 4: calls the reference implementation PyTorchGru.Forward", StringComparison.Ordinal));
        Assert.DoesNotContain(pytorch.Violations, v => v.StartsWith("line 3:", StringComparison.Ordinal)); // converting weights is allowed
    }

    [Fact]
    public void A_helper_defined_in_an_earlier_cell_that_runs_the_reference_is_flagged_where_it_is_used()
    {
        // In the one-hot cell, RnnCell.Forward is not that exercise's reference, so the helper is allowed there; used as
        // the answer to the RNN cell exercise, through a second helper, it is the reference.
        var results = Analyse("01-rnn-forward-pass.ipynb", new Dictionary<string, string>
        {
            ["01.one-hot"] = """
                Matrix<double> OneHotEncode(int[] indices, int vocabularySize) => null;
                Matrix<double> Step(Matrix<double> x, Matrix<double> h, Matrix<double> a, Matrix<double> b, Matrix<double> c) => RnnCell.Forward(x, h, a, b, c);
                Func<Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>> stepper = Step;
                """,
            ["01.rnn-cell-forward"] = """
                Matrix<double> RnnCellForward(Matrix<double> x, Matrix<double> hPrev, Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> bh)
                    => stepper(x, hPrev, Wxh, Whh, bh);
                """,
        });
        Assert.False(results["01.one-hot"].Flagged, string.Join("; ", results["01.one-hot"].Violations));
        Assert.Equal("line 2: uses stepper (`stepper`), defined in an earlier cell, which calls Step, defined in an earlier cell, which calls the " +
                     "reference implementation RnnCell.Forward: the exercise asks you to write it yourself",
            Assert.Single(results["01.rnn-cell-forward"].Violations));
        // The same helper used where it is not the answer is fine.
        Assert.False(results["01.rnn-forward"].Flagged);

        // Data the earlier cells computed with the reference cannot answer the check: reading it is allowed.
        var data = Analyse("01-rnn-forward-pass.ipynb", new Dictionary<string, string>
        {
            ["01.one-hot"] = "Matrix<double> OneHotEncode(int[] indices, int vocabularySize) => null;\nvar oneStep = RnnCell.Forward(Matrix<double>.Build.Dense(1, 1), Matrix<double>.Build.Dense(1, 1), Matrix<double>.Build.Dense(1, 1), Matrix<double>.Build.Dense(1, 1), Matrix<double>.Build.Dense(1, 1));",
            ["01.rnn-cell-forward"] = "Matrix<double> RnnCellForward(Matrix<double> x, Matrix<double> hPrev, Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> bh)\n{\n    Console.WriteLine(oneStep);\n    return null;\n}",
        });
        Assert.False(data["01.rnn-cell-forward"].Flagged, string.Join("; ", data["01.rnn-cell-forward"].Violations));
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
