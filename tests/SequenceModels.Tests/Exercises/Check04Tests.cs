using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Exercises;

namespace SequenceModels.Tests.Exercises;

public class Check04Tests
{
    // ---- an LSTM written the way a student would, independently of LstmCell ----

    private static Matrix<double> Sigmoid(Matrix<double> z) => z.Map(v => 1 / (1 + Math.Exp(-v)));

    private static Matrix<double> Tanh(Matrix<double> z) => z.Map(Math.Tanh);

    private static Matrix<double> AddBias(Matrix<double> z, Matrix<double> b) =>
        Matrix<double>.Build.Dense(z.RowCount, z.ColumnCount, (i, j) => z[i, j] + b[i, 0]);

    private static Matrix<double> SumColumns(Matrix<double> m) =>
        Matrix<double>.Build.Dense(m.RowCount, 1, (i, _) => m.Row(i).Sum());

    private sealed record Options(bool SwapForgetInput = false, bool NoTanhOfCell = false, bool NoBias = false,
        bool SigmoidCandidate = false, bool InputFirst = false, bool WiInForget = false);

    private static (Matrix<double> H, Matrix<double> C) Cell(Matrix<double> x, Matrix<double> hPrev, Matrix<double> cPrev,
        LstmWeights<double> w, Options? options = null)
    {
        var o = options ?? new Options();
        var concat = o.InputFirst ? x.Stack(hPrev) : hPrev.Stack(x);
        Matrix<double> Pre(Matrix<double> wg, Matrix<double> bg) => o.NoBias ? wg * concat : AddBias(wg * concat, bg);
        var ft = Sigmoid(Pre(o.WiInForget ? w.Wi : w.Wf, w.Bf));
        var it = Sigmoid(Pre(w.Wi, w.Bi));
        var cct = o.SigmoidCandidate ? Sigmoid(Pre(w.Wc, w.Bc)) : Tanh(Pre(w.Wc, w.Bc));
        var ot = Sigmoid(Pre(w.Wo, w.Bo));
        var c = o.SwapForgetInput ? it.PointwiseMultiply(cPrev) + ft.PointwiseMultiply(cct) : ft.PointwiseMultiply(cPrev) + it.PointwiseMultiply(cct);
        var h = o.NoTanhOfCell ? ot.PointwiseMultiply(c) : ot.PointwiseMultiply(Tanh(c));
        return (h, c);
    }

    [Fact]
    public void Lstm_cell_passes_a_correct_function()
    {
        var result = Check.LstmCellForward((x, h, c, w) => Cell(x, h, c, w));
        Assert.Equal(CheckStatus.Passed, result.Status);
        Assert.Equal(1, result.Points);
    }

    [Fact]
    public void Lstm_cell_that_is_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.LstmCellForward((_, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Lstm_cell_returning_h_and_c_of_the_wrong_shape_fails_on_the_shape_first()
    {
        var result = Check.LstmCellForward((x, h, c, w) => { var r = Cell(x, h, c, w); return (r.H.Transpose(), r.C); });
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Equal("Case \"shapes (n_x = 3, n_h = 4, m = 2)\": h⟨t⟩ has shape (2 × 4), expected (4 × 2) (transposed?).", result.Messages[0]);
    }

    [Fact]
    public void Lstm_cell_with_swapped_forget_and_input_gates_is_named()
    {
        var result = Check.LstmCellForward((x, h, c, w) => Cell(x, h, c, w, new Options(SwapForgetInput: true)));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"the candidate c̃ alone (f ≈ 0, i ≈ 1, o ≈ 1)\": c⟨t⟩ differs at", result.Messages[0]);
        Assert.Contains("It looks like the forget and input gates are swapped (c⟨t⟩ = i ⊙ c⟨t−1⟩ + f ⊙ c̃).", result.Messages);
    }

    [Fact]
    public void Lstm_cell_with_the_wrong_weights_in_the_forget_gate_fails_on_the_forget_gate_case()
    {
        var result = Check.LstmCellForward((x, h, c, w) => Cell(x, h, c, w, new Options(WiInForget: true)));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"the forget gate f alone (i ≈ 0, o ≈ 1)\": c⟨t⟩ differs at", result.Messages[0]);
        Assert.Contains("check the forget gate, f = σ(Wf·[h⟨t−1⟩; x⟨t⟩] + bf)", result.Messages[1]);
    }

    [Fact]
    public void Lstm_cell_without_the_tanh_of_the_cell_is_caught_on_h()
    {
        var result = Check.LstmCellForward((x, h, c, w) => Cell(x, h, c, w, new Options(NoTanhOfCell: true)));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"the candidate c̃ alone (f ≈ 0, i ≈ 1, o ≈ 1)\": h⟨t⟩ differs at", result.Messages[0]);
        Assert.Contains("If only h⟨t⟩ is wrong, check h⟨t⟩ = o ⊙ tanh(c⟨t⟩)", result.Messages[1]);
        Assert.Contains("It looks like h⟨t⟩ = o ⊙ c⟨t⟩: the tanh of the cell is missing.", result.Messages);
    }

    [Fact]
    public void Lstm_cell_with_a_sigmoid_candidate_names_the_activation()
    {
        var result = Check.LstmCellForward((x, h, c, w) => Cell(x, h, c, w, new Options(SigmoidCandidate: true)));
        Assert.Contains("It looks like the candidate c̃ uses σ instead of tanh.", result.Messages);
    }

    [Fact]
    public void Lstm_cell_without_biases_is_recognised()
    {
        var result = Check.LstmCellForward((x, h, c, w) => Cell(x, h, c, w, new Options(NoBias: true)));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("It looks like the biases are missing.", result.Messages);
    }

    [Fact]
    public void Lstm_cell_with_x_stacked_above_h_is_recognised()
    {
        var result = Check.LstmCellForward((x, h, c, w) => Cell(x, h, c, w, new Options(InputFirst: true)));
        Assert.Contains("It looks like the gates see [x⟨t⟩; h⟨t−1⟩] instead of [h⟨t−1⟩; x⟨t⟩] (the first n_h columns of each W multiply h⟨t−1⟩).", result.Messages);
    }

    // ---- the forward over a sequence ----

    private static (Matrix<double>[] H, Matrix<double>[] C) Forward(Matrix<double>[] xs, Matrix<double> h0, Matrix<double> c0,
        LstmWeights<double> w, bool carryC = true)
    {
        var (hs, cs) = (new Matrix<double>[xs.Length], new Matrix<double>[xs.Length]);
        var (h, c) = (h0, c0);
        for (int t = 0; t < xs.Length; t++)
        {
            (h, c) = Cell(xs[t], h, carryC ? c : c0, w);
            hs[t] = h;
            cs[t] = c;
        }
        return (hs, cs);
    }

    [Fact]
    public void Lstm_forward_passes_a_correct_loop() =>
        Assert.Equal(CheckStatus.Passed, Check.LstmForward((xs, h0, c0, w) => Forward(xs, h0, c0, w)).Status);

    [Fact]
    public void Lstm_forward_that_restarts_the_cell_is_recognised()
    {
        var result = Check.LstmForward((xs, h0, c0, w) => Forward(xs, h0, c0, w, carryC: false));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"zero inputs: the state is carried\"", result.Messages[0]);
        Assert.Contains("It looks like h is carried but c restarts from c0 at every step.", result.Messages);
    }

    [Fact]
    public void Lstm_forward_returning_the_initial_state_too_fails_on_the_count()
    {
        var result = Check.LstmForward((xs, h0, c0, w) => { var (hs, cs) = Forward(xs, h0, c0, w); return ([h0, .. hs], [c0, .. cs]); });
        Assert.Equal("Case \"shapes (T = 5 steps of n_x = 3, m = 2)\": h has 6 entries, expected 5 (one per step; the initial state is not returned).", result.Messages[0]);
    }

    [Fact]
    public void Lstm_forward_with_h_and_c_swapped_is_recognised()
    {
        var result = Check.LstmForward((xs, h0, c0, w) => { var (hs, cs) = Forward(xs, h0, c0, w); return (cs, hs); });
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("It looks like the h and c lists are swapped.", result.Messages);
    }

    // ---- the backward step, as the lecture derives it ----

    private sealed record BackOptions(bool NoPathThroughH = false, bool MeanBias = false, bool NoForgetInCPrev = false,
        bool SigmoidOfGateAgain = false, bool NoOutputTermInDh = false);

    private static LstmCellGradients<double> Backward(Matrix<double> dh, Matrix<double> dc, Matrix<double> x, Matrix<double> hPrev,
        Matrix<double> cPrev, LstmStep<double> step, LstmWeights<double> w, BackOptions? options = null)
    {
        var o = options ?? new BackOptions();
        var (ft, it, cct, ot) = step.Gates;
        var concat = hPrev.Stack(x);
        var tanhC = Tanh(step.C);
        Matrix<double> Dsig(Matrix<double> g) => o.SigmoidOfGateAgain ? Sigmoid(g).PointwiseMultiply(1 - Sigmoid(g)) : g.PointwiseMultiply(1 - g);
        var dcTotal = o.NoPathThroughH ? dc : dc + dh.PointwiseMultiply(ot).PointwiseMultiply(1 - tanhC.PointwiseMultiply(tanhC));
        var dot = dh.PointwiseMultiply(tanhC).PointwiseMultiply(Dsig(ot));
        var dft = dcTotal.PointwiseMultiply(cPrev).PointwiseMultiply(Dsig(ft));
        var dit = dcTotal.PointwiseMultiply(cct).PointwiseMultiply(Dsig(it));
        var dcct = dcTotal.PointwiseMultiply(it).PointwiseMultiply(1 - cct.PointwiseMultiply(cct));
        var dconcat = w.Wf.Transpose() * dft + w.Wi.Transpose() * dit + w.Wc.Transpose() * dcct;
        if (!o.NoOutputTermInDh) dconcat += w.Wo.Transpose() * dot;
        int nh = hPrev.RowCount;
        Matrix<double> Db(Matrix<double> d) => o.MeanBias ? SumColumns(d) / d.ColumnCount : SumColumns(d);
        return new LstmCellGradients<double>(
            DX: dconcat.SubMatrix(nh, x.RowCount, 0, x.ColumnCount),
            DHPrev: dconcat.SubMatrix(0, nh, 0, x.ColumnCount),
            DCPrev: o.NoForgetInCPrev ? dcTotal : dcTotal.PointwiseMultiply(ft),
            DWf: dft * concat.Transpose(), DWi: dit * concat.Transpose(), DWc: dcct * concat.Transpose(), DWo: dot * concat.Transpose(),
            DBf: Db(dft), DBi: Db(dit), DBc: Db(dcct), DBo: Db(dot));
    }

    [Fact]
    public void Lstm_backward_passes_a_correct_function() =>
        Assert.Equal(CheckStatus.Passed, Check.LstmCellBackward((dh, dc, x, h, c, s, w) => Backward(dh, dc, x, h, c, s, w)).Status);

    [Fact]
    public void Lstm_backward_that_is_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.LstmCellBackward((_, _, _, _, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Lstm_backward_with_transposed_weight_gradients_fails_on_the_shape_first()
    {
        var result = Check.LstmCellBackward((dh, dc, x, h, c, s, w) =>
        {
            var g = Backward(dh, dc, x, h, c, s, w);
            return g with { DWo = g.DWo.Transpose() };
        });
        Assert.Equal("Case \"shapes (n_x = 3, n_h = 4, m = 2)\": dWo (output gate) has shape (7 × 4), expected (4 × 7) (transposed?).", result.Messages[0]);
    }

    [Fact]
    public void Lstm_backward_without_the_path_through_h_is_caught_at_the_forget_gate()
    {
        var result = Check.LstmCellBackward((dh, dc, x, h, c, s, w) => Backward(dh, dc, x, h, c, s, w, new BackOptions(NoPathThroughH: true)));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"gradient from h⟨t⟩ only (dc⟨t⟩ = 0)\": dWf (forget gate) differs at", result.Messages[0]);
        Assert.Contains("It looks like dc⟨t⟩ is used as it comes, without the path through h⟨t⟩ (add dh ⊙ o ⊙ (1 − tanh²(c⟨t⟩))).", result.Messages);
    }

    [Fact]
    public void Lstm_backward_with_averaged_bias_gradients_is_recognised()
    {
        var result = Check.LstmCellBackward((dh, dc, x, h, c, s, w) => Backward(dh, dc, x, h, c, s, w, new BackOptions(MeanBias: true)));
        Assert.StartsWith("Case \"gradient from the next step only (dh⟨t⟩ = 0)\": dbf (forget gate) differs at", result.Messages[0]);
        Assert.Contains("It looks like the bias gradients are averaged over the batch instead of summed.", result.Messages);
    }

    [Fact]
    public void Lstm_backward_without_the_forget_factor_on_the_cell_gradient_is_recognised()
    {
        var result = Check.LstmCellBackward((dh, dc, x, h, c, s, w) => Backward(dh, dc, x, h, c, s, w, new BackOptions(NoForgetInCPrev: true)));
        Assert.StartsWith("Case \"gradient from the next step only (dh⟨t⟩ = 0)\": dc⟨t−1⟩ differs at", result.Messages[0]);
        Assert.Contains("It looks like dc⟨t−1⟩ = dc is missing the forget gate's factor (dc⟨t−1⟩ = dc ⊙ f).", result.Messages);
    }

    [Fact]
    public void Lstm_backward_applying_sigma_to_the_gate_again_is_recognised()
    {
        var result = Check.LstmCellBackward((dh, dc, x, h, c, s, w) => Backward(dh, dc, x, h, c, s, w, new BackOptions(SigmoidOfGateAgain: true)));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("It looks like σ′ is computed as σ(g)(1 − σ(g)) of the gate value g, which is already σ(z): use g(1 − g).", result.Messages);
    }

    [Fact]
    public void Lstm_backward_missing_the_output_gate_term_in_dh_names_that_gate()
    {
        var result = Check.LstmCellBackward((dh, dc, x, h, c, s, w) => Backward(dh, dc, x, h, c, s, w, new BackOptions(NoOutputTermInDh: true)));
        Assert.StartsWith("Case \"the output gate's weights alone\": dh⟨t−1⟩ differs at", result.Messages[0]);
        Assert.Contains("= Woᵀ·dz_o", result.Messages[1]);
    }

    // ---- backpropagation through time, as a student would loop over the cell backward above ----

    private sealed record BpttOptions(bool CarryC = true, bool CarryH = true, bool Accumulate = true, bool StatesOffByOne = false,
        bool DxReversed = false);

    private static (LstmWeights<double> DW, Matrix<double>[] DX, Matrix<double> DH0, Matrix<double> DC0) Bptt(Matrix<double>[] xs,
        Matrix<double> h0, Matrix<double> c0, LstmWeights<double> w, Matrix<double>[] dhs, BpttOptions? options = null)
    {
        var o = options ?? new BpttOptions();
        int steps = xs.Length;
        var forward = new LstmStep<double>[steps];
        for (int t = 0; t < steps; t++)
            forward[t] = LstmCell.Forward(xs[t], t == 0 ? h0 : forward[t - 1].H, t == 0 ? c0 : forward[t - 1].C, w);
        Matrix<double> Zero(Matrix<double> m) => Matrix<double>.Build.Dense(m.RowCount, m.ColumnCount);
        var dW = new LstmWeights<double>(Zero(w.Wf), Zero(w.Wi), Zero(w.Wc), Zero(w.Wo), Zero(w.Bf), Zero(w.Bi), Zero(w.Bc), Zero(w.Bo));
        var dx = new Matrix<double>[steps];
        var (dhNext, dcNext) = (Zero(h0), Zero(c0));
        for (int t = steps - 1; t >= 0; t--)
        {
            var hPrev = o.StatesOffByOne ? forward[t].H : t == 0 ? h0 : forward[t - 1].H;
            var cPrev = o.StatesOffByOne ? forward[t].C : t == 0 ? c0 : forward[t - 1].C;
            var g = Backward(o.CarryH ? dhs[t] + dhNext : dhs[t], o.CarryC ? dcNext : Zero(c0), xs[t], hPrev, cPrev, forward[t], w);
            dW = o.Accumulate
                ? new LstmWeights<double>(dW.Wf + g.DWf, dW.Wi + g.DWi, dW.Wc + g.DWc, dW.Wo + g.DWo, dW.Bf + g.DBf, dW.Bi + g.DBi, dW.Bc + g.DBc, dW.Bo + g.DBo)
                : new LstmWeights<double>(g.DWf, g.DWi, g.DWc, g.DWo, g.DBf, g.DBi, g.DBc, g.DBo);
            dx[o.DxReversed ? steps - 1 - t : t] = g.DX;
            (dhNext, dcNext) = (g.DHPrev, g.DCPrev);
        }
        return (dW, dx, dhNext, dcNext);
    }

    private static CheckResult CheckBptt(BpttOptions options) =>
        Check.LstmBptt((xs, h0, c0, w, dhs) => Bptt(xs, h0, c0, w, dhs, options));

    [Fact]
    public void Lstm_bptt_passes_a_correct_loop()
    {
        var result = CheckBptt(new BpttOptions());
        Assert.Equal(CheckStatus.Passed, result.Status);
        Assert.Equal("All 7 cases agree with the reference implementation.", Assert.Single(result.Messages));
    }

    [Fact]
    public void Lstm_bptt_that_is_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.LstmBptt((_, _, _, _, _) => throw new NotImplementedException("Exercise 4.4: LstmBptt")).Status);

    [Fact]
    public void Lstm_bptt_with_transposed_weight_gradients_fails_on_the_shape_first()
    {
        var result = Check.LstmBptt((xs, h0, c0, w, dhs) =>
        {
            var r = Bptt(xs, h0, c0, w, dhs);
            return (r.DW with { Wc = r.DW.Wc.Transpose() }, r.DX, r.DH0, r.DC0);
        });
        Assert.Equal("Case \"shapes (T = 4, n_x = 3, n_h = 4, m = 2)\": dWc (candidate) has shape (7 × 4), expected (4 × 7) (transposed?).", result.Messages[0]);
    }

    [Fact]
    public void Lstm_bptt_that_forgets_to_carry_dc_fails_when_only_the_cell_carries_the_gradient()
    {
        var result = CheckBptt(new BpttOptions(CarryC: false));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"the gradient through the cell alone (h⟨t−1⟩ feeds no gate; a gradient at the last step only)\": dWf (forget gate) differs at", result.Messages[0]);
        Assert.StartsWith("Here every gate's h⟨t−1⟩ columns are zero", result.Messages[1]);
        Assert.Contains("It looks like dc is not carried back: every step's cell backward gets dc = 0 instead of the dc⟨t−1⟩ of the step after it.", result.Messages);
    }

    [Fact]
    public void Lstm_bptt_that_forgets_to_carry_dh_fails_when_only_h_carries_the_gradient()
    {
        var result = CheckBptt(new BpttOptions(CarryH: false));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"the gradient through h alone (the forget gate shut; a gradient at the last step only)\":", result.Messages[0]);
        Assert.Contains("It looks like dh is not carried back: every step's cell backward gets only dhs[t], without the dh⟨t−1⟩ of the step after it.", result.Messages);
    }

    [Fact]
    public void Lstm_bptt_that_does_not_sum_the_weight_gradients_over_time_is_recognised()
    {
        var result = CheckBptt(new BpttOptions(Accumulate: false));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"the gradient through the cell alone", result.Messages[0]);
        Assert.EndsWith("dWf is the DWf of every step's cell backward, summed over every step.", result.Messages[0]);
        Assert.Contains("It looks like the weight gradients keep one step instead of the sum over time (= instead of +=).", result.Messages);
    }

    [Fact]
    public void Lstm_bptt_with_the_states_off_by_one_step_fails_on_a_single_step()
    {
        var result = CheckBptt(new BpttOptions(StatesOffByOne: true));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"one step (T = 1)\":", result.Messages[0]);
        Assert.Contains("It looks like each step's backward gets h⟨t⟩ and c⟨t⟩, its own output, instead of h⟨t−1⟩ and c⟨t−1⟩ (off by one in time).", result.Messages);
    }

    [Fact]
    public void Lstm_bptt_storing_dx_in_reverse_order_names_the_step()
    {
        var result = CheckBptt(new BpttOptions(DxReversed: true));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Matches(@"^Case ""the gradient through the cell alone .*"": dx\[0\] differs at .* dx\[0\] is the DX of step 1's cell backward \(xs\[0\]'s gradient\)\.$", result.Messages[0]);
        Assert.Contains("It looks like dx is stored in reverse order (the loop runs from T down to 1, but dx[t] belongs at index t).", result.Messages);
    }

    [Fact]
    public void Lstm_bptt_calling_an_unfinished_cell_backward_names_exercise_4_3()
    {
        LstmCellGradients<double> LstmCellBackward(Matrix<double> dh, Matrix<double> dc, Matrix<double> x, Matrix<double> hPrev,
            Matrix<double> cPrev, LstmStep<double> step, LstmWeights<double> w) => throw new NotImplementedException("Exercise 4.3: LstmCellBackward");
        (LstmWeights<double>, Matrix<double>[], Matrix<double>, Matrix<double>) LstmBptt(Matrix<double>[] xs, Matrix<double> h0,
            Matrix<double> c0, LstmWeights<double> w, Matrix<double>[] dhs)
        {
            var step = LstmCell.Forward(xs[0], h0, c0, w);
            var g = LstmCellBackward(dhs[0], c0 * 0, xs[0], h0, c0, step, w);
            return (new LstmWeights<double>(g.DWf, g.DWi, g.DWc, g.DWo, g.DBf, g.DBi, g.DBc, g.DBo), [g.DX], g.DHPrev, g.DCPrev);
        }
        var result = Check.LstmBptt(LstmBptt);
        Assert.Equal(CheckStatus.NotDone, result.Status);
        Assert.StartsWith("Your LstmBptt calls your LstmCellBackward (Exercise 4.3), which is not finished.", Assert.Single(result.Messages));
    }

    [Fact]
    public void The_catalogue_lists_the_exercises_of_notebook_04_in_order() =>
        Assert.Equal(["04.lstm-cell-forward", "04.lstm-forward", "04.lstm-cell-backward", "04.lstm-bptt"], ExerciseCatalogue.ForNotebook("04").Select(e => e.Id));
}
