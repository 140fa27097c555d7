using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Exercises;

namespace SequenceModels.Tests.Exercises;

public class Check05Tests
{
    // ---- a GRU written the way a student would, independently of GruCell ----

    private static Matrix<double> Sigmoid(Matrix<double> z) => z.Map(v => 1 / (1 + Math.Exp(-v)));

    private static Matrix<double> AddBias(Matrix<double> z, Matrix<double> b) =>
        Matrix<double>.Build.Dense(z.RowCount, z.ColumnCount, (i, j) => z[i, j] + b[i, 0]);

    private sealed record Options(bool TorchConvention = false, bool ResetAfterProduct = false, bool NoReset = false,
        bool NoBias = false, bool SigmoidCandidate = false, bool NoKeepTerm = false);

    private static Matrix<double> Cell(Matrix<double> x, Matrix<double> cPrev, GruWeights<double> w, Options? options = null)
    {
        var o = options ?? new Options();
        int nh = cPrev.RowCount;
        Matrix<double> Pre(Matrix<double> z, Matrix<double> b) => o.NoBias ? z : AddBias(z, b);
        var concat = cPrev.Stack(x);
        var gr = Sigmoid(Pre(w.Wr * concat, w.Br));
        var gu = Sigmoid(Pre(w.Wu * concat, w.Bu));
        Matrix<double> product;
        if (o.ResetAfterProduct)
            product = w.Wc.SubMatrix(0, nh, nh, x.RowCount) * x + gr.PointwiseMultiply(w.Wc.SubMatrix(0, nh, 0, nh) * cPrev);
        else
            product = w.Wc * (o.NoReset ? cPrev : gr.PointwiseMultiply(cPrev)).Stack(x);
        var z = Pre(product, w.Bc);
        var cTilde = o.SigmoidCandidate ? Sigmoid(z) : z.Map(Math.Tanh);
        if (o.TorchConvention) return (1 - gu).PointwiseMultiply(cTilde) + gu.PointwiseMultiply(cPrev);
        var c = gu.PointwiseMultiply(cTilde);
        return o.NoKeepTerm ? c : c + (1 - gu).PointwiseMultiply(cPrev);
    }

    [Fact]
    public void Gru_cell_passes_a_correct_function()
    {
        var result = Check.GruCellForward((x, c, w) => Cell(x, c, w));
        Assert.Equal(CheckStatus.Passed, result.Status);
        Assert.Equal(1, result.Points);
    }

    [Fact]
    public void Gru_cell_that_is_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.GruCellForward((_, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Gru_cell_with_a_transposed_result_fails_on_the_shape_first()
    {
        var result = Check.GruCellForward((x, c, w) => Cell(x, c, w).Transpose());
        Assert.Equal("Case \"shapes (n_x = 3, n_h = 4, m = 2)\": c⟨t⟩ has shape (2 × 4), expected (4 × 2) (transposed?).", result.Messages[0]);
    }

    [Fact]
    public void Gru_cell_with_the_pytorch_update_convention_is_caught_by_the_update_gate_case()
    {
        var result = Check.GruCellForward((x, c, w) => Cell(x, c, w, new Options(TorchConvention: true)));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"the update gate Γu alone (Γr ≈ 1, c̃ ≈ 1)\": c⟨t⟩ differs at", result.Messages[0]);
        Assert.Contains(result.Messages, m => m.StartsWith("It looks like Γu and 1 − Γu are swapped", StringComparison.Ordinal));
    }

    [Fact]
    public void Gru_cell_with_the_reset_after_the_product_is_caught_by_the_relevance_gate_case()
    {
        var result = Check.GruCellForward((x, c, w) => Cell(x, c, w, new Options(ResetAfterProduct: true)));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"the relevance gate Γr alone (Γu ≈ 1)\": c⟨t⟩ differs at", result.Messages[0]);
        Assert.Contains("scales c⟨t−1⟩ before the product with Wc", result.Messages[1]);
        Assert.Contains(result.Messages, m => m.StartsWith("It looks like Γr is applied after the recurrent product", StringComparison.Ordinal));
    }

    [Fact]
    public void Gru_cell_without_the_relevance_gate_is_recognised()
    {
        var result = Check.GruCellForward((x, c, w) => Cell(x, c, w, new Options(NoReset: true)));
        Assert.StartsWith("Case \"the relevance gate Γr alone (Γu ≈ 1)\"", result.Messages[0]);
        Assert.Contains("It looks like the relevance gate Γr is not applied (c̃ sees all of c⟨t−1⟩).", result.Messages);
    }

    [Fact]
    public void Gru_cell_that_forgets_to_keep_the_old_state_fails_on_the_update_gate_case()
    {
        var result = Check.GruCellForward((x, c, w) => Cell(x, c, w, new Options(NoKeepTerm: true)));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"the update gate Γu alone (Γr ≈ 1, c̃ ≈ 1)\": c⟨t⟩ differs at", result.Messages[0]);
        Assert.Contains("1 − Γu the old state", result.Messages[1]);
    }

    [Fact]
    public void Gru_cell_with_a_sigmoid_candidate_or_no_bias_is_recognised()
    {
        Assert.Contains("It looks like the candidate c̃ uses σ instead of tanh.",
            Check.GruCellForward((x, c, w) => Cell(x, c, w, new Options(SigmoidCandidate: true))).Messages);
        Assert.Contains("It looks like the biases are missing.", Check.GruCellForward((x, c, w) => Cell(x, c, w, new Options(NoBias: true))).Messages);
    }

    // ---- the forward over a sequence ----

    private static Matrix<double>[] Forward(Matrix<double>[] xs, Matrix<double> c0, GruWeights<double> w, bool carry = true)
    {
        var cs = new Matrix<double>[xs.Length];
        var c = c0;
        for (int t = 0; t < xs.Length; t++)
        {
            var next = Cell(xs[t], carry ? c : c0, w);
            cs[t] = next;
            c = next;
        }
        return cs;
    }

    [Fact]
    public void Gru_forward_passes_a_correct_loop() =>
        Assert.Equal(CheckStatus.Passed, Check.GruForward((xs, c0, w) => Forward(xs, c0, w)).Status);

    [Fact]
    public void Gru_forward_that_never_updates_the_state_is_recognised()
    {
        var result = Check.GruForward((xs, c0, w) => Forward(xs, c0, w, carry: false));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("It looks like every step starts from c0 instead of the previous state.", result.Messages);
    }

    [Fact]
    public void Gru_forward_returning_c0_too_fails_on_the_count()
    {
        var result = Check.GruForward((xs, c0, w) => [c0, .. Forward(xs, c0, w)]);
        Assert.Equal("Case \"shapes (T = 5 steps of n_x = 3, m = 2)\": c has 6 entries, expected 5 (one per step; the initial state is not returned).", result.Messages[0]);
    }

    [Fact]
    public void Gru_forward_shifted_by_one_step_is_recognised()
    {
        var result = Check.GruForward((xs, c0, w) => [c0, .. Forward(xs, c0, w)[..^1]]);
        Assert.Contains("It looks like the states are shifted by one step (c0 returned first, the last state missing).", result.Messages);
    }

    [Fact]
    public void The_catalogue_lists_the_exercises_of_notebook_05_in_order() =>
        Assert.Equal(["05.gru-cell-forward", "05.gru-forward"], ExerciseCatalogue.ForNotebook("05").Select(e => e.Id));
}
