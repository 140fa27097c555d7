namespace Workbook.Tests.Notebooks;

/// <summary>
/// In a notebook, a later exercise whose function calls the student's unfinished earlier one: the check names the
/// earlier exercise and both functions, read from the script's own stack trace, as the student sees it.
/// </summary>
public class EarlierExerciseTests : IDisposable
{
    private readonly Fixtures _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task A_check_names_the_unfinished_exercise_that_the_checked_function_calls()
    {
        var relative = Path.GetRelativePath(_f.Folder, Fixtures.LibraryDll).Replace('\\', '/');
        _f.Write("earlier.ipynb",
            $"#r \"nuget: MathNet.Numerics, 5.0.0\"\n#r \"{relative}\"\nusing MathNet.Numerics.LinearAlgebra;\nusing SequenceModels;\nusing SequenceModels.Exercises;",
            "Matrix<double> RnnCellForward(Matrix<double> x, Matrix<double> hPrev, Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> bh)\n" +
            "{\n    throw new NotImplementedException(\"Exercise 1.2: RnnCellForward\");\n}",
            "Matrix<double>[] RnnForward(Matrix<double>[] xs, Matrix<double> h0, Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> bh)\n" +
            "{\n    var hs = new Matrix<double>[xs.Length];\n    var h = h0;\n" +
            "    for (int t = 0; t < xs.Length; t++) hs[t] = h = RnnCellForward(xs[t], h, Wxh, Whh, bh);\n    return hs;\n}",
            "Check.RnnForward(RnnForward)");
        var (code, _, stderr) = await _f.RunAsync(_f.Folder);
        Assert.True(code == 0, stderr);
        var result = _f.Executed("earlier.ipynb").Outputs(3)[0]!["data"]!["text/plain"].Text();
        Assert.Equal("… Exercise 1.3 — the RNN forward over a sequence: not done" + Environment.NewLine +
            "  Your RnnForward calls your RnnCellForward (Exercise 1.2), which is not finished. Finish Exercise 1.2 first " +
            "(or call the library's version in its place, as the exercise says), then run this check again.", result);
    }
}
