using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Exercises;

namespace SequenceModels.Tests.Exercises;

public class Check02Tests
{
    private static Matrix<double> M(int rows, int columns) => Matrix<double>.Build.Dense(rows, columns);

    private static Matrix<double> ColumnSums(Matrix<double> z) => Matrix<double>.Build.Dense(z.RowCount, 1, (i, _) => z.Row(i).Sum());

    private static Matrix<double> Forward(Matrix<double> x, Matrix<double> h, Matrix<double> wxh, Matrix<double> whh, Matrix<double> b)
    {
        var z = wxh * x + whh * h;
        return Matrix<double>.Build.Dense(z.RowCount, z.ColumnCount, (i, j) => Math.Tanh(z[i, j] + b[i, 0]));
    }

    // ---- Exercise 2.1 ----------------------------------------------------------------------------------------------

    // A cell backward written the way a student would, with switches for the typical mistakes.
    private static (Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>) Cell(Matrix<double> dh,
        Matrix<double> x, Matrix<double> hPrev, Matrix<double> h, Matrix<double> wxh, Matrix<double> whh,
        bool derivative = true, bool transposeWhh = true, bool sumBias = true, bool hPrevInDWhh = true)
    {
        var dz = derivative ? dh.PointwiseMultiply(h.Map(v => 1 - v * v)) : dh.Clone();
        var dbh = sumBias ? ColumnSums(dz) : dz;
        return (wxh.Transpose() * dz, (transposeWhh ? whh.Transpose() : whh) * dz, dz * x.Transpose(),
            dz * (hPrevInDWhh ? hPrev : h).Transpose(), dbh);
    }

    [Fact]
    public void Cell_backward_passes_a_correct_function()
    {
        var result = Check.RnnCellBackward((dh, x, hp, h, wxh, whh) => Cell(dh, x, hp, h, wxh, whh));
        Assert.Equal(CheckStatus.Passed, result.Status);
    }

    [Fact]
    public void Cell_backward_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.RnnCellBackward((_, _, _, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Cell_backward_without_tanh_derivative_passes_the_products_and_is_named_on_the_next_case()
    {
        var result = Check.RnnCellBackward((dh, x, hp, h, wxh, whh) => Cell(dh, x, hp, h, wxh, whh, derivative: false));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"one example (m = 1)\": dx differs at", result.Messages[0]);
        Assert.EndsWith("(dx = Wxhᵀ·dz)", result.Messages[0]);
        Assert.Contains("It looks like tanh′ is missing (dz = dh).", result.Messages);
    }

    [Fact]
    public void Cell_backward_with_an_untransposed_recurrent_weight_is_caught_by_the_products()
    {
        var result = Check.RnnCellBackward((dh, x, hp, h, wxh, whh) => Cell(dh, x, hp, h, wxh, whh, transposeWhh: false));
        Assert.StartsWith("Case \"tanh′ = 1 (h⟨t⟩ = 0, so dz = dh)\": dh⟨t−1⟩ differs at", result.Messages[0]);
        Assert.Contains("It looks like dh⟨t−1⟩ uses Whh instead of its transpose Whhᵀ.", result.Messages);
    }

    [Fact]
    public void Cell_backward_with_an_unsummed_bias_gradient_fails_on_the_shape()
    {
        var result = Check.RnnCellBackward((dh, x, hp, h, wxh, whh) => Cell(dh, x, hp, h, wxh, whh, sumBias: false));
        Assert.Equal("Case \"shapes (n_x = 3, n_h = 4, m = 2)\": dbh has shape (4 × 2), expected (4 × 1).", result.Messages[0]);
    }

    [Fact]
    public void Cell_backward_with_the_mean_bias_gradient_is_recognised()
    {
        var result = Check.RnnCellBackward((dh, x, hp, h, wxh, whh) =>
        {
            var (dx, dhp, dw, du, db) = Cell(dh, x, hp, h, wxh, whh);
            return (dx, dhp, dw, du, db / dh.ColumnCount);
        });
        Assert.StartsWith("Case \"tanh′ = 1 (h⟨t⟩ = 0, so dz = dh)\": dbh differs", result.Messages[0]);
        Assert.Contains("It looks like dbh is the mean over the batch instead of the sum.", result.Messages);
    }

    [Fact]
    public void Cell_backward_with_the_wrong_state_in_dWhh_is_recognised()
    {
        var result = Check.RnnCellBackward((dh, x, hp, h, wxh, whh) => Cell(dh, x, hp, h, wxh, whh, hPrevInDWhh: false));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("(dWhh = dz·h⟨t−1⟩ᵀ)", result.Messages[0]);
        Assert.Contains("It looks like dWhh uses h⟨t⟩ instead of h⟨t−1⟩.", result.Messages);
    }

    // ---- Exercise 2.2 ----------------------------------------------------------------------------------------------

    private static (Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>) Bptt(Matrix<double>[] xs, Matrix<double> h0,
        Matrix<double> wxh, Matrix<double> whh, Matrix<double> bh, Matrix<double>[] dhs, bool carry = true, bool accumulate = true)
    {
        var hs = new Matrix<double>[xs.Length];
        var h = h0;
        for (int t = 0; t < xs.Length; t++) hs[t] = h = Forward(xs[t], h, wxh, whh, bh);
        Matrix<double> dWxh = M(wxh.RowCount, wxh.ColumnCount), dWhh = M(whh.RowCount, whh.ColumnCount), dbh = M(bh.RowCount, 1);
        var next = M(h0.RowCount, h0.ColumnCount);
        for (int t = xs.Length - 1; t >= 0; t--)
        {
            var (_, dhPrev, dw, du, db) = Cell(carry ? dhs[t] + next : dhs[t], xs[t], t == 0 ? h0 : hs[t - 1], hs[t], wxh, whh);
            (dWxh, dWhh, dbh) = accumulate ? (dWxh + dw, dWhh + du, dbh + db) : (dw, du, db);
            next = dhPrev;
        }
        return (dWxh, dWhh, dbh, next);
    }

    [Fact]
    public void Bptt_passes_a_correct_loop() => Assert.Equal(CheckStatus.Passed, Check.Bptt((a, b, c, d, e, f) => Bptt(a, b, c, d, e, f)).Status);

    [Fact]
    public void Bptt_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.Bptt((_, _, _, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Bptt_that_does_not_carry_the_gradient_back_fails_when_only_the_last_step_has_one()
    {
        var result = Check.Bptt((a, b, c, d, e, f) => Bptt(a, b, c, d, e, f, carry: false));
        Assert.StartsWith("Case \"a gradient only at the last step\": dWxh differs", result.Messages[0]);
        Assert.Contains("It looks like the gradient from step t+1 is not carried back (each step uses only dhs[t]).", result.Messages);
    }

    [Fact]
    public void Bptt_that_overwrites_the_weight_gradients_is_recognised()
    {
        var result = Check.Bptt((a, b, c, d, e, f) => Bptt(a, b, c, d, e, f, accumulate: false));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("It looks like the weight gradients keep one step instead of the sum over time (= instead of +=).", result.Messages);
    }

    [Fact]
    public void Bptt_that_runs_forward_in_time_is_recognised()
    {
        var result = Check.Bptt((xs, h0, wxh, whh, bh, dhs) =>
        {
            var hs = new Matrix<double>[xs.Length];
            var h = h0;
            for (int t = 0; t < xs.Length; t++) hs[t] = h = Forward(xs[t], h, wxh, whh, bh);
            Matrix<double> dWxh = M(4, 3), dWhh = M(4, 4), dbh = M(4, 1), carried = M(4, h0.ColumnCount);
            for (int t = 0; t < xs.Length; t++)
            {
                var (_, dhPrev, dw, du, db) = Cell(dhs[t] + carried, xs[t], t == 0 ? h0 : hs[t - 1], hs[t], wxh, whh);
                (dWxh, dWhh, dbh, carried) = (dWxh + dw, dWhh + du, dbh + db, dhPrev);
            }
            return (dWxh, dWhh, dbh, carried);
        });
        Assert.StartsWith("Case \"a gradient only at the last step\"", result.Messages[0]);
        Assert.Contains("It looks like the loop runs forward in time (t = 1..T) instead of backward.", result.Messages);
    }

    [Fact]
    public void Bptt_returning_one_gradient_per_step_fails_on_the_shape()
    {
        var result = Check.Bptt((xs, h0, wxh, whh, bh, dhs) =>
        {
            var (dw, du, db, d0) = Bptt(xs, h0, wxh, whh, bh, dhs);
            return (dw, du, M(4, xs.Length), d0);
        });
        Assert.Equal("Case \"shapes (T = 4, n_x = 3, n_h = 4, m = 2)\": dbh has shape (4 × 4), expected (4 × 1).", result.Messages[0]);
    }

    // ---- Exercise 2.3 ----------------------------------------------------------------------------------------------

    // The check as a student would write it, with switches for the typical mistakes.
    private static double StudentCheck(BpttFunction bptt, Matrix<double>[] xs, Matrix<double> h0, Matrix<double> wxh,
        Matrix<double> whh, Matrix<double> bh, Matrix<double>[] g, bool withH0 = true, bool copies = false)
    {
        var ps = new List<Parameter<double>> { new("Wxh", wxh), new("Whh", whh), new("bh", bh) };
        if (withH0) ps.Add(new Parameter<double>("h0", h0));
        var (w, u, b) = copies ? (wxh.Clone(), whh.Clone(), bh.Clone()) : (wxh, whh, bh);
        double Loss()
        {
            double sum = 0;
            var h = h0;
            for (int t = 0; t < xs.Length; t++)
            {
                h = Forward(xs[t], h, w, u, b);
                sum += h.PointwiseMultiply(g[t]).Enumerate().Sum();
            }
            return sum;
        }
        void Backward()
        {
            var (dw, du, db, d0) = bptt(xs, h0, wxh, whh, bh, g);
            dw.CopyTo(ps[0].Grad);
            du.CopyTo(ps[1].Grad);
            db.CopyTo(ps[2].Grad);
            if (withH0) d0.CopyTo(ps[3].Grad);
        }
        return GradientCheck.Run(ps, Loss, Backward).MaxRelativeError;
    }

    [Fact]
    public void Gradient_check_passes_a_correct_check_and_reports_on_the_students_own_bptt()
    {
        var result = Check.BpttGradientCheck((f, a, b, c, d, e, g) => StudentCheck(f, a, b, c, d, e, g),
            (a, b, c, d, e, f) => Bptt(a, b, c, d, e, f));
        Assert.Equal(CheckStatus.Passed, result.Status);
        Assert.StartsWith("Your BPTT from Exercise 2.2 passes your gradient check: worst relative error", result.Messages[^1]);
    }

    [Fact]
    public void Gradient_check_reports_a_broken_student_bptt_without_failing_the_exercise()
    {
        var result = Check.BpttGradientCheck((f, a, b, c, d, e, g) => StudentCheck(f, a, b, c, d, e, g),
            (a, b, c, d, e, f) => Bptt(a, b, c, d, e, f, carry: false));
        Assert.Equal(CheckStatus.Passed, result.Status);
        Assert.StartsWith("Your BPTT from Exercise 2.2 fails your gradient check", result.Messages[^1]);
        var notDone = Check.BpttGradientCheck((f, a, b, c, d, e, g) => StudentCheck(f, a, b, c, d, e, g),
            (_, _, _, _, _, _) => throw new NotImplementedException());
        Assert.StartsWith("Your BPTT from Exercise 2.2 is not done yet", notDone.Messages[^1]);
    }

    [Fact]
    public void Gradient_check_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.BpttGradientCheck((_, _, _, _, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Gradient_check_whose_loss_reads_copies_is_diagnosed()
    {
        var result = Check.BpttGradientCheck((f, a, b, c, d, e, g) => StudentCheck(f, a, b, c, d, e, g, copies: true));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"a correct BPTT\": your check reports a worst relative error of 1 for a correct BPTT", result.Messages[0]);
        Assert.Contains("An error of exactly 1 means one side is zero", result.Messages[0]);
    }

    [Fact]
    public void Gradient_check_that_leaves_out_h0_misses_a_wrong_dh0()
    {
        var result = Check.BpttGradientCheck((f, a, b, c, d, e, g) => StudentCheck(f, a, b, c, d, e, g, withH0: false));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"a BPTT whose dh0 is wrong\": your check reports a worst relative error of", result.Messages[0]);
        Assert.Contains("Wxh, Whh, bh and h0", result.Messages[1]);
    }

    [Fact]
    public void Gradient_check_that_always_reports_zero_misses_the_broken_bptt()
    {
        var result = Check.BpttGradientCheck((_, _, _, _, _, _, _) => 0.0);
        Assert.StartsWith("Case \"a BPTT that does not carry the gradient back through time\": your check reports a worst relative error of 0",
            result.Messages[0]);
    }

    [Fact]
    public void The_library_reference_check_separates_correct_from_broken_bptt()
    {
        // The thresholds of the checker rest on this: a correct BPTT is far below 1e-6, each broken one far above 1e-3.
        var rng = new Random(7);
        var (wxh, whh, bh, h0) = (Init.Normal<double>(3, 2, 0.8, rng), Init.Normal<double>(3, 3, 0.8, rng), Init.Normal<double>(3, 1, 0.5, rng),
            Init.Normal<double>(3, 2, 0.5, rng));
        var xs = Enumerable.Range(0, 4).Select(_ => Init.Normal<double>(2, 2, 1.0, rng)).ToArray();
        var g = Enumerable.Range(0, 4).Select(_ => Init.Normal<double>(3, 2, 1.0, rng)).ToArray();
        Assert.True(Check.ReferenceGradientCheck(Check.ReferenceBptt, xs, h0, wxh, whh, bh, g) < 1e-8);
        foreach (var mistake in new[] { Check.BpttMistake.NoCarry, Check.BpttMistake.WhhFromH, Check.BpttMistake.BiasMean, Check.BpttMistake.NoDh0 })
            Assert.True(Check.ReferenceGradientCheck((a, b, c, d, e, f) => Check.CellBptt(a, b, c, d, e, f, mistake), xs, h0, wxh, whh, bh, g) > 1e-2,
                mistake.ToString());
    }

    [Fact]
    public void The_catalogue_lists_the_exercises_of_notebook_02_in_order() =>
        Assert.Equal(["02.rnn-cell-backward", "02.bptt", "02.gradient-check"], ExerciseCatalogue.ForNotebook("02").Select(e => e.Id));
}
