using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Exercises;

namespace SequenceModels.Tests.Exercises;

public class Check01Tests
{
    private static Matrix<double> Tanh(Matrix<double> z) => z.Map(Math.Tanh);

    private static Matrix<double> AddBias(Matrix<double> z, Matrix<double> b) =>
        Matrix<double>.Build.Dense(z.RowCount, z.ColumnCount, (i, j) => z[i, j] + b[i, 0]);

    // An independent one-hot written the way a student would.
    private static Matrix<double> StudentOneHot(int[] indices, int v)
    {
        var m = Matrix<double>.Build.Dense(v, indices.Length);
        for (int t = 0; t < indices.Length; t++) m[indices[t], t] = 1;
        return m;
    }

    [Fact]
    public void One_hot_passes_a_correct_function()
    {
        var result = Check.OneHot(StudentOneHot);
        Assert.Equal(CheckStatus.Passed, result.Status);
        Assert.Equal(1, result.Points);
    }

    [Fact]
    public void One_hot_that_is_not_written_yet_is_not_done()
    {
        var result = Check.OneHot((_, _) => throw new NotImplementedException());
        Assert.Equal(CheckStatus.NotDone, result.Status);
        Assert.Equal(0, result.Points);
    }

    [Fact]
    public void One_hot_transposed_fails_on_the_shape_first()
    {
        var result = Check.OneHot((idx, v) => StudentOneHot(idx, v).Transpose());
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Equal("Case \"shape: 3 indices, vocabulary of 5\": the one-hot matrix has shape (3 × 5), expected (5 × 3) (transposed?).", result.Messages[0]);
    }

    [Fact]
    public void One_hot_off_by_one_is_recognised()
    {
        var result = Check.OneHot((idx, v) => StudentOneHot(idx.Select(i => (i + 1) % v).ToArray(), v));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("It looks like the indices are shifted by one (row indices[t] + 1).", result.Messages);
    }

    [Fact]
    public void One_hot_that_throws_reports_the_exception_and_the_case()
    {
        var result = Check.OneHot((idx, v) => idx.Length > 0 ? throw new InvalidOperationException("oops") : StudentOneHot(idx, v));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Equal("Case \"shape: 3 indices, vocabulary of 5\": your function threw InvalidOperationException: oops", result.Messages[0]);
    }

    private static Matrix<double> CellReference(Matrix<double> x, Matrix<double> h, Matrix<double> wxh, Matrix<double> whh, Matrix<double> b) =>
        Tanh(AddBias(wxh * x + whh * h, b));

    [Fact]
    public void Rnn_cell_passes_a_correct_function() =>
        Assert.Equal(CheckStatus.Passed, Check.RnnCellForward(CellReference).Status);

    [Fact]
    public void Rnn_cell_without_the_bias_is_caught_by_the_bias_only_case()
    {
        var result = Check.RnnCellForward((x, h, wxh, whh, b) => Tanh(wxh * x + whh * h));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"bias only (x⟨t⟩ = 0, h⟨t−1⟩ = 0)\": h⟨t⟩ differs at", result.Messages[0]);
        Assert.Contains("Check how you add bh", result.Messages[1]);
        Assert.Contains("It looks like the bias bh is missing.", result.Messages);
    }

    [Fact]
    public void Rnn_cell_with_a_wrong_activation_names_it()
    {
        var result = Check.RnnCellForward((x, h, wxh, whh, b) => AddBias(wxh * x + whh * h, b).Map(v => 1 / (1 + Math.Exp(-v))));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("It looks like sigmoid was used instead of tanh.", result.Messages);
        var linear = Check.RnnCellForward((x, h, wxh, whh, b) => AddBias(wxh * x + whh * h, b));
        Assert.Contains("It looks like tanh was not applied (the output is the pre-activation).", linear.Messages);
    }

    [Fact]
    public void Rnn_cell_with_a_transposed_weight_reports_the_dimension_error()
    {
        var result = Check.RnnCellForward((x, h, wxh, whh, b) => Tanh(AddBias(wxh.Transpose() * x + whh * h, b)));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"shapes (n_x = 3, n_h = 4, m = 2)\": your function threw", result.Messages[0]);
    }

    [Fact]
    public void Rnn_cell_with_a_transposed_recurrent_weight_is_caught_by_the_recurrent_case()
    {
        var result = Check.RnnCellForward((x, h, wxh, whh, b) => Tanh(AddBias(wxh * x + whh.Transpose() * h, b)));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"recurrent term only (x⟨t⟩ = 0, bh = 0)\"", result.Messages[0]);
    }

    private static Matrix<double>[] ForwardReference(Matrix<double>[] xs, Matrix<double> h0, Matrix<double> wxh, Matrix<double> whh, Matrix<double> b)
    {
        var hs = new Matrix<double>[xs.Length];
        var h = h0;
        for (int t = 0; t < xs.Length; t++) hs[t] = h = CellReference(xs[t], h, wxh, whh, b);
        return hs;
    }

    [Fact]
    public void Rnn_forward_passes_a_correct_loop() =>
        Assert.Equal(CheckStatus.Passed, Check.RnnForward(ForwardReference).Status);

    [Fact]
    public void Rnn_forward_that_never_updates_the_state_is_recognised()
    {
        var result = Check.RnnForward((xs, h0, wxh, whh, b) => xs.Select(x => CellReference(x, h0, wxh, whh, b)).ToArray());
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("It looks like every step starts from h0 instead of the previous state.", result.Messages);
    }

    [Fact]
    public void Rnn_forward_returning_h0_too_fails_on_the_count()
    {
        var result = Check.RnnForward((xs, h0, wxh, whh, b) => new[] { h0 }.Concat(ForwardReference(xs, h0, wxh, whh, b)).ToArray());
        Assert.Equal("Case \"shapes (T = 5 steps of n_x = 3, m = 2)\": h has 6 entries, expected 5 (one per step; h0 is not returned).", result.Messages[0]);
    }

    [Fact]
    public void Rnn_forward_shifted_by_one_step_is_recognised()
    {
        var result = Check.RnnForward((xs, h0, wxh, whh, b) => new[] { h0 }.Concat(ForwardReference(xs, h0, wxh, whh, b)).Take(xs.Length).ToArray());
        Assert.Contains("It looks like the states are shifted by one step (h0 returned first, the last state missing).", result.Messages);
    }

    [Fact]
    public void The_catalogue_lists_the_exercises_of_notebook_01_in_order()
    {
        Assert.Equal(["01.one-hot", "01.rnn-cell-forward", "01.rnn-forward"], ExerciseCatalogue.ForNotebook("01").Select(e => e.Id));
    }

    [Fact]
    public void A_check_result_carries_its_grading_payload()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(Check.OneHot(StudentOneHot).ToJson())!;
        Assert.Equal("01.one-hot", (string?)json["exercise"]);
        Assert.Equal("passed", (string?)json["status"]);
        Assert.Equal(1, (int?)json["points"]);
        var mimeTypes = Microsoft.DotNet.Interactive.Formatting.Formatter.GetPreferredMimeTypesFor(typeof(CheckResult));
        Assert.Equal(["text/html", "text/plain", CheckResult.MimeType], mimeTypes);
    }
}
