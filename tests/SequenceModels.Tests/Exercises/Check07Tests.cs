using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Exercises;

namespace SequenceModels.Tests.Exercises;

public class Check07Tests
{
    // Written the way a student would, independently of the library's layers.
    private static Matrix<double> Cell(Matrix<double> x, Matrix<double> h, (Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> Bh) w) =>
        (w.Wxh * x + w.Whh * h).MapIndexed((i, _, v) => Math.Tanh(v + w.Bh[i, 0]));

    private static Matrix<double>[] Run(Matrix<double>[] xs, (Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> Bh) w)
    {
        var h = Matrix<double>.Build.Dense(w.Whh.RowCount, xs[0].ColumnCount);
        var states = new Matrix<double>[xs.Length];
        for (int t = 0; t < xs.Length; t++) states[t] = h = Cell(xs[t], h, w);
        return states;
    }

    private static Matrix<double>[] Reverse(Matrix<double>[] steps, int[] lengths)
    {
        var reversed = steps.Select(s => Matrix<double>.Build.Dense(s.RowCount, s.ColumnCount)).ToArray();
        for (int b = 0; b < lengths.Length; b++)
            for (int t = 0; t < lengths[b]; t++)
                for (int i = 0; i < steps[0].RowCount; i++)
                    reversed[t][i, b] = steps[lengths[b] - 1 - t][i, b];
        return reversed;
    }

    private static Matrix<double>[] Stack(Matrix<double>[] top, Matrix<double>[] bottom) =>
        top.Zip(bottom, (f, b) => f.Stack(b)).ToArray();

    private static Matrix<double>[] Bidirectional(Matrix<double>[] xs, int[] lengths,
        (Matrix<double>, Matrix<double>, Matrix<double>) fwd, (Matrix<double>, Matrix<double>, Matrix<double>) bwd) =>
        Stack(Run(xs, fwd), Reverse(Run(Reverse(xs, lengths), bwd), lengths));

    [Fact]
    public void Bidirectional_forward_passes_two_runs_with_per_length_reversal() =>
        Assert.Equal(CheckStatus.Passed, Check.BidirectionalForward(Bidirectional).Status);

    [Fact]
    public void Bidirectional_forward_that_is_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.BidirectionalForward((_, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Bidirectional_forward_returning_one_half_fails_on_the_shape()
    {
        var result = Check.BidirectionalForward((xs, lengths, fwd, bwd) => Run(xs, fwd));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Equal("Case \"shapes (T = 4 steps of n_x = 3, m = 2, n_h = 4 per direction)\": a[0] has shape (4 × 2), expected (8 × 2).", result.Messages[0]);
    }

    [Fact]
    public void Bidirectional_forward_with_the_halves_swapped_is_recognised()
    {
        var result = Check.BidirectionalForward((xs, lengths, fwd, bwd) =>
            Stack(Reverse(Run(Reverse(xs, lengths), bwd), lengths), Run(xs, fwd)));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"forward half alone (the backward weights are zero)\": →a⟨0⟩ (rows 0..3 of a[0]) differs at", result.Messages[0]);
        Assert.Contains("It looks like the halves are in the wrong order ([←a; →a] instead of [→a; ←a]).", result.Messages);
    }

    [Fact]
    public void Bidirectional_forward_not_reversed_back_fails_in_the_backward_half()
    {
        var result = Check.BidirectionalForward((xs, lengths, fwd, bwd) => Stack(Run(xs, fwd), Run(Reverse(xs, lengths), bwd)));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"backward half alone (the forward weights are zero)\": ←a⟨0⟩ (rows 4..7 of a[0]) differs at", result.Messages[0]);
        Assert.Contains("It looks like the backward run's states were not reversed back (←a of step t is stored at step lengths[b]−1−t).", result.Messages);
    }

    [Fact]
    public void Bidirectional_forward_without_any_reversal_is_recognised()
    {
        var result = Check.BidirectionalForward((xs, lengths, fwd, bwd) => Stack(Run(xs, fwd), Run(xs, bwd)));
        Assert.StartsWith("Case \"backward half alone (the forward weights are zero)\"", result.Messages[0]);
        Assert.Contains("It looks like the backward weights read the sequence forwards (nothing was reversed).", result.Messages);
    }

    [Fact]
    public void Bidirectional_forward_reversed_over_the_padding_is_caught_by_the_padded_case()
    {
        static Matrix<double>[] Whole(Matrix<double>[] steps) => Enumerable.Reverse(steps).ToArray();
        var result = Check.BidirectionalForward((xs, lengths, fwd, bwd) => Stack(Run(xs, fwd), Whole(Run(Whole(xs), bwd))));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"backward half alone over a padded batch (lengths 5, 3, 1)\": ←a⟨", result.Messages[0]);
        Assert.Contains("reverse each sequence within its own length", result.Messages[1]);
        Assert.Contains("It looks like each sequence was reversed over the whole padded length T instead of its own length (the backward run starts at the padding).",
            result.Messages);
    }

    [Fact]
    public void Bidirectional_forward_with_the_forward_weights_twice_is_recognised()
    {
        var result = Check.BidirectionalForward((xs, lengths, fwd, bwd) => Bidirectional(xs, lengths, fwd, fwd));
        Assert.StartsWith("Case \"forward half alone (the backward weights are zero)\": ←a⟨0⟩", result.Messages[0]);
        Assert.Contains("It looks like the backward run used the forward weights.", result.Messages);
    }

    [Fact]
    public void Bidirectional_forward_ignores_what_is_written_at_padded_positions()
    {
        var result = Check.BidirectionalForward((xs, lengths, fwd, bwd) =>
        {
            var a = Bidirectional(xs, lengths, fwd, bwd);
            for (int t = 0; t < a.Length; t++)
                for (int b = 0; b < lengths.Length; b++)
                    if (t >= lengths[b]) a[t].SetColumn(b, Enumerable.Repeat(42.0, a[t].RowCount).ToArray());
            return a;
        });
        Assert.Equal(CheckStatus.Passed, result.Status);
    }

    private static Matrix<double>[] Deep(Matrix<double>[] xs, (Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> Bh)[] layers)
    {
        var a = xs;
        foreach (var layer in layers) a = Run(a, layer);
        return a;
    }

    [Fact]
    public void Deep_rnn_forward_passes_a_loop_over_layers() =>
        Assert.Equal(CheckStatus.Passed, Check.DeepRnnForward(Deep).Status);

    [Fact]
    public void Deep_rnn_forward_that_is_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.DeepRnnForward((_, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Deep_rnn_forward_returning_the_first_layer_is_recognised()
    {
        var result = Check.DeepRnnForward((xs, layers) => Run(xs, layers[0]));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"two layers, the second without its recurrent term (Whh[2] = 0)\": a[L][0] differs at", result.Messages[0]);
        Assert.Contains("It looks like the states of layer 1 were returned, not those of the top layer.", result.Messages);
    }

    [Fact]
    public void Deep_rnn_forward_where_every_layer_reads_x_fails_on_the_shapes()
    {
        var result = Check.DeepRnnForward((xs, layers) => layers.Select(layer => Run(xs, layer)).Last());
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("Case \"shapes (2 layers, T = 5 steps of n_x = 3, n_h = 4, m = 2)\": your function threw", result.Messages[0]);
        Assert.Contains("every layer above reads the states of the layer below it (n_h rows), not x", result.Messages[1]);
    }

    [Fact]
    public void Deep_rnn_forward_reading_the_previous_step_below_is_recognised()
    {
        var result = Check.DeepRnnForward((xs, layers) =>
        {
            var a = Run(xs, layers[0]);
            for (int l = 1; l < layers.Length; l++)
            {
                var delayed = a.Select((_, t) => t == 0 ? Matrix<double>.Build.Dense(a[0].RowCount, a[0].ColumnCount) : a[t - 1]).ToArray();
                a = Run(delayed, layers[l]);
            }
            return a;
        });
        Assert.StartsWith("Case \"two layers, the second without its recurrent term (Whh[2] = 0)\"", result.Messages[0]);
        Assert.Contains("It looks like layer l reads the state of the step before, a[l−1]⟨t−1⟩, instead of a[l−1]⟨t⟩.", result.Messages);
    }

    [Fact]
    public void Deep_rnn_forward_whose_upper_layers_forget_their_state_is_caught_by_the_two_layer_case()
    {
        var result = Check.DeepRnnForward((xs, layers) =>
        {
            var a = Run(xs, layers[0]);
            for (int l = 1; l < layers.Length; l++)
            {
                var zero = Matrix<double>.Build.Dense(layers[l].Whh.RowCount, xs[0].ColumnCount);
                a = a.Select(x => Cell(x, zero, layers[l])).ToArray();
            }
            return a;
        });
        Assert.StartsWith("Case \"two layers\": a[L][1] differs at", result.Messages[0]);
        Assert.Contains("It looks like the upper layers do not carry their state from step to step (each step starts from zeros).", result.Messages);
    }

    [Fact]
    public void Deep_rnn_forward_with_a_residual_connection_is_recognised()
    {
        var result = Check.DeepRnnForward((xs, layers) =>
        {
            var a = Run(xs, layers[0]);
            for (int l = 1; l < layers.Length; l++) a = Run(a, layers[l]).Zip(a, (s, x) => s + x).ToArray();
            return a;
        });
        Assert.StartsWith("Case \"two layers, the second without its recurrent term (Whh[2] = 0)\"", result.Messages[0]);
        Assert.Contains("It looks like a residual connection was added (a[l] + a[l−1]); this deep RNN has none.", result.Messages);
    }

    [Fact]
    public void The_catalogue_lists_the_exercises_of_notebook_07_in_order() =>
        Assert.Equal(["07.bidirectional-forward", "07.deep-rnn-forward"], ExerciseCatalogue.ForNotebook("07").Select(e => e.Id));
}
