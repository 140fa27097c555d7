using System.Reflection;
using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Exercises;

namespace SequenceModels.Tests.Exercises;

/// <summary>
/// A later exercise whose function calls the student's unfinished earlier one: the check names the earlier exercise
/// instead of blaming the later one. The student's functions here are local functions, as in a notebook cell.
/// </summary>
public class EarlierExerciseTests
{
    private const string Finish = "Finish Exercise {0} first (or call the library's version in its place, as the exercise says), then run this check again.";

    [Fact]
    public void A_marker_names_its_exercise_and_function()
    {
        Assert.True(EarlierExercise.TryParse("Exercise 4.3: LstmCellBackward", out var number, out var function));
        Assert.Equal(("4.3", "LstmCellBackward"), (number, function));
        Assert.False(EarlierExercise.TryParse("The method or operation is not implemented.", out _, out _));
    }

    [Fact]
    public void The_exercises_own_marker_is_not_an_earlier_exercise()
    {
        var own = new NotImplementedException("Exercise 1.3: RnnForward");
        Assert.Null(EarlierExercise.Unfinished(own, "Exercise 1.3 — the RNN forward over a sequence"));
        Assert.Null(EarlierExercise.Unfinished(new NotImplementedException(), "1.3"));
        Assert.Null(EarlierExercise.Unfinished(new InvalidOperationException("Exercise 1.2: RnnCellForward"), "1.3"));
    }

    [Fact]
    public void A_wrapped_marker_is_found()
    {
        var wrapped = new TargetInvocationException(new NotImplementedException("Exercise 1.2: RnnCellForward"));
        Assert.StartsWith("Your function calls your RnnCellForward (Exercise 1.2), which is not finished.",
            EarlierExercise.Unfinished(wrapped, "1.3"));
    }

    [Fact]
    public void Rnn_forward_calling_an_unfinished_cell_names_exercise_1_2()
    {
        Matrix<double> RnnCellForward(Matrix<double> x, Matrix<double> hPrev, Matrix<double> wxh, Matrix<double> whh, Matrix<double> bh) =>
            throw new NotImplementedException("Exercise 1.2: RnnCellForward");
        Matrix<double>[] RnnForward(Matrix<double>[] xs, Matrix<double> h0, Matrix<double> wxh, Matrix<double> whh, Matrix<double> bh)
        {
            var hs = new Matrix<double>[xs.Length];
            var h = h0;
            for (int t = 0; t < xs.Length; t++) hs[t] = h = RnnCellForward(xs[t], h, wxh, whh, bh);
            return hs;
        }
        var result = Check.RnnForward(RnnForward);
        Assert.Equal(CheckStatus.NotDone, result.Status);
        Assert.Equal("Your RnnForward calls your RnnCellForward (Exercise 1.2), which is not finished. " + string.Format(Finish, "1.2"),
            Assert.Single(result.Messages));
    }

    [Fact]
    public void Rnn_forward_that_is_itself_unfinished_is_simply_not_done()
    {
        var result = Check.RnnForward((_, _, _, _, _) => throw new NotImplementedException("Exercise 1.3: RnnForward"));
        Assert.Equal(CheckStatus.NotDone, result.Status);
        Assert.StartsWith("Not done yet:", Assert.Single(result.Messages));
    }

    [Fact]
    public void Bptt_calling_an_unfinished_cell_backward_names_exercise_2_1()
    {
        (Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>) RnnCellBackward(Matrix<double> dh, Matrix<double> x,
            Matrix<double> hPrev, Matrix<double> h, Matrix<double> wxh, Matrix<double> whh) =>
            throw new NotImplementedException("Exercise 2.1: RnnCellBackward");
        (Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>) Bptt(Matrix<double>[] xs, Matrix<double> h0, Matrix<double> wxh,
            Matrix<double> whh, Matrix<double> bh, Matrix<double>[] dhs)
        {
            var hs = RnnCell.Unroll(xs, h0, wxh, whh, bh);
            var step = RnnCellBackward(dhs[^1], xs[^1], xs.Length > 1 ? hs[^2] : h0, hs[^1], wxh, whh);
            return (step.Item3, step.Item4, step.Item5, step.Item2);
        }
        var result = Check.Bptt(Bptt);
        Assert.Equal(CheckStatus.NotDone, result.Status);
        Assert.StartsWith("Your Bptt calls your RnnCellBackward (Exercise 2.1), which is not finished.", Assert.Single(result.Messages));

        // The gradient check of Exercise 2.3 runs the student's own BPTT too, and says the same about it.
        var withOwnBptt = Check.BpttGradientCheck(Check.ReferenceGradientCheck, Bptt);
        Assert.Equal(CheckStatus.Passed, withOwnBptt.Status);
        Assert.Equal("Your BPTT from Exercise 2.2 could not be checked: Your Bptt calls your RnnCellBackward (Exercise 2.1), " +
                     "which is not finished. " + string.Format(Finish, "2.1"), withOwnBptt.Messages[^1]);
    }

    [Fact]
    public void Lstm_forward_calling_an_unfinished_cell_names_exercise_4_1()
    {
        (Matrix<double> h, Matrix<double> c) LstmCellForward(Matrix<double> x, Matrix<double> hPrev, Matrix<double> cPrev, LstmWeights<double> w) =>
            throw new NotImplementedException("Exercise 4.1: LstmCellForward");
        (Matrix<double>[] h, Matrix<double>[] c) LstmForward(Matrix<double>[] xs, Matrix<double> h0, Matrix<double> c0, LstmWeights<double> w)
        {
            var (hs, cs) = (new Matrix<double>[xs.Length], new Matrix<double>[xs.Length]);
            var (h, c) = (h0, c0);
            for (int t = 0; t < xs.Length; t++) (hs[t], cs[t]) = (h, c) = LstmCellForward(xs[t], h, c, w);
            return (hs, cs);
        }
        var result = Check.LstmForward(LstmForward);
        Assert.Equal(CheckStatus.NotDone, result.Status);
        Assert.StartsWith("Your LstmForward calls your LstmCellForward (Exercise 4.1), which is not finished.", Assert.Single(result.Messages));
    }

    [Fact]
    public void Gru_forward_calling_an_unfinished_cell_names_exercise_5_1()
    {
        Matrix<double> GruCellForward(Matrix<double> x, Matrix<double> cPrev, GruWeights<double> w) =>
            throw new NotImplementedException("Exercise 5.1: GruCellForward");
        Matrix<double>[] GruForward(Matrix<double>[] xs, Matrix<double> c0, GruWeights<double> w)
        {
            var cs = new Matrix<double>[xs.Length];
            var c = c0;
            for (int t = 0; t < xs.Length; t++) cs[t] = c = GruCellForward(xs[t], c, w);
            return cs;
        }
        var result = Check.GruForward(GruForward);
        Assert.Equal(CheckStatus.NotDone, result.Status);
        Assert.StartsWith("Your GruForward calls your GruCellForward (Exercise 5.1), which is not finished.", Assert.Single(result.Messages));
    }
}
