using MathNet.Numerics.LinearAlgebra;
using SequenceModels;
using Xunit.Abstractions;

namespace SequenceModels.Tests.Training;

public class LossesTests(ITestOutputHelper output)
{
    // Three classes, two sequences of lengths 3 and 1, four steps: 4 of 8 positions are real.
    private static readonly int[] Lengths = [3, 1];

    private static TokenBatch Targets(int[] ids) => new(ids, steps: 4, batchSize: 2, lengths: Lengths);

    private static readonly int[] TargetIds = [2, 0, 1, 9, 0, -1, 7, 3]; // garbage at padded positions

    [Fact]
    public void Nll_gradient_matches_finite_differences()
    {
        var logProbs = new SequenceBatch<double>(LogSoftmax.Forward(Init.Normal<double>(3, 8, 1.0, new Random(1))), 4, 2, Lengths);
        var (_, grad) = Losses.Nll(logProbs, Targets(TargetIds));
        var check = GradientCheck.Input("logProbs", logProbs.Data, grad.Data, () => Losses.Nll(logProbs, Targets(TargetIds)).Loss);
        output.WriteLine(check.ToString());
        Assert.True(check.MaxRelativeError <= 1e-7, check.ToString());
    }

    [Fact]
    public void Fused_log_softmax_nll_gradient_matches_finite_differences()
    {
        var logits = new SequenceBatch<double>(Init.Normal<double>(3, 8, 2.0, new Random(2)), 4, 2, Lengths);
        var (_, grad) = Losses.LogSoftmaxNll(logits, Targets(TargetIds));
        var check = GradientCheck.Input("logits", logits.Data, grad.Data, () => Losses.LogSoftmaxNll(logits, Targets(TargetIds)).Loss);
        output.WriteLine(check.ToString());
        Assert.True(check.MaxRelativeError <= 1e-7, check.ToString());
    }

    [Fact]
    public void Nll_is_the_mean_negative_log_probability_of_the_real_targets()
    {
        // Real positions (t, b): (0,0) target 2, (0,1) target 0, (1,0) target 1, (2,0) target 0.
        var p = Matrix<double>.Build.Dense(3, 8, 0.25);
        p[2, 0] = 0.5; p[0, 1] = 0.8; p[1, 2] = 0.1; p[0, 4] = 0.4;
        var logProbs = new SequenceBatch<double>(p.PointwiseLog(), 4, 2, Lengths);
        var (loss, grad) = Losses.Nll(logProbs, Targets(TargetIds));
        double expected = -(Math.Log(0.5) + Math.Log(0.8) + Math.Log(0.1) + Math.Log(0.4)) / 4;
        Assert.Equal(expected, loss, 15);
        var g = Matrix<double>.Build.Dense(3, 8);
        g[2, 0] = g[0, 1] = g[1, 2] = g[0, 4] = -0.25;
        Assert.Equal(g, grad.Data);
    }

    [Fact]
    public void Masked_positions_contribute_zero_loss_and_zero_gradient()
    {
        var z = Init.Normal<double>(3, 8, 1.0, new Random(3));
        var garbage = z.Clone();
        foreach (int col in new[] { 3, 5, 6, 7 }) // the padded columns (t, b) = (1,1), (2,1), (3,0), (3,1)
            garbage.SetColumn(col, [double.NaN, 1e300, double.NegativeInfinity]);
        var clean = new SequenceBatch<double>(z, 4, 2, Lengths);
        var dirty = new SequenceBatch<double>(garbage, 4, 2, Lengths);
        int[] otherIds = [2, 0, 1, 0, 0, 0, 0, 0];
        foreach (var fused in new[] { false, true })
        {
            var a = fused ? Losses.LogSoftmaxNll(clean, Targets(otherIds)) : Losses.Nll(clean, Targets(otherIds));
            var b = fused ? Losses.LogSoftmaxNll(dirty, Targets(TargetIds)) : Losses.Nll(dirty, Targets(TargetIds));
            Assert.Equal(a.Loss, b.Loss); // bit-equal
            Assert.Equal(a.Item2.Data, b.Item2.Data);
            foreach (int col in new[] { 3, 5, 6, 7 }) Assert.All(b.Item2.Data.Column(col), g => Assert.Equal(0.0, g));
        }
    }

    [Fact]
    public void Padding_a_batch_with_more_steps_leaves_loss_and_gradients_bit_equal()
    {
        var z = Init.Normal<double>(3, 8, 1.0, new Random(4));
        var longer = Matrix<double>.Build.Dense(3, 14, 5.0); // 7 steps: three more steps of padding
        longer.SetSubMatrix(0, 0, z);
        int[] longIds = [.. TargetIds, 1, 1, 2, 2, 0, 0];
        var shortBatch = new SequenceBatch<double>(z, 4, 2, Lengths);
        var longBatch = new SequenceBatch<double>(longer, 7, 2, Lengths);
        var a = Losses.LogSoftmaxNll(shortBatch, Targets(TargetIds));
        var b = Losses.LogSoftmaxNll(longBatch, new TokenBatch(longIds, 7, 2, Lengths));
        Assert.Equal(a.Loss, b.Loss);
        Assert.Equal(a.DLogits.Data, b.DLogits.Data.SubMatrix(0, 3, 0, 8));
        Assert.Equal(0.0, b.DLogits.Data.SubMatrix(0, 3, 8, 6).Enumerate().Max(Math.Abs));
    }

    [Fact]
    public void The_fused_path_equals_log_softmax_then_nll()
    {
        var logits = new SequenceBatch<double>(Init.Normal<double>(5, 8, 3.0, new Random(5)), 4, 2, Lengths);
        int[] ids = [4, 0, 1, 0, 3, 0, 0, 0];
        var fused = Losses.LogSoftmaxNll(logits, ids);
        var logProbs = logits.With(LogSoftmax.Forward(logits.Data));
        var (loss, dLogProbs) = Losses.Nll(logProbs, ids);
        var dLogits = LogSoftmax.Backward(logProbs.Data, dLogProbs.Data);
        Assert.Equal(loss, fused.Loss, 15);
        Assert.True(Tensor.MaxAbsDifference(dLogits, fused.DLogits.Data) < 1e-16);
    }

    [Fact]
    public void Fused_loss_is_finite_at_extreme_scores()
    {
        // Scores [1000, 0]: target 0 costs log(1 + e^−1000) = 0, target 1 costs 1000.
        var logits = new SequenceBatch<double>(Tensor.FromRows<double>([1000, 1000], [0, 0]), 1, 2);
        var (loss, grad) = Losses.LogSoftmaxNll(logits, [0, 1]);
        Assert.Equal(500.0, loss);
        Assert.Equal(Tensor.FromRows<double>([0, 0.5], [0, -0.5]), grad.Data);
    }

    [Fact]
    public void A_batch_of_empty_sequences_has_zero_loss()
    {
        var logits = SequenceBatch<double>.Zeros(3, 2, 2, [0, 0]);
        var (loss, grad) = Losses.LogSoftmaxNll(logits, [9, 9, 9, 9]);
        Assert.Equal(0.0, loss);
        Assert.Equal(0.0, grad.Data.Enumerate().Max(Math.Abs));
    }

    [Fact]
    public void A_target_outside_the_classes_is_rejected_with_its_position()
    {
        var logits = SequenceBatch<double>.Zeros(3, 4, 2, Lengths);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Nll(logits, Targets([2, 0, 3, 0, 0, 0, 0, 0])));
        Assert.StartsWith("Target 3 at step 1 of sequence 0 is outside the 3 classes (0..2).", e.Message);
    }

    [Fact]
    public void Targets_of_another_batch_shape_are_rejected()
    {
        var logits = SequenceBatch<double>.Zeros(3, 4, 2, Lengths);
        var e = Assert.Throws<ShapeException>(() => Losses.Nll(logits, TokenBatch.FromSequences([[1, 2]])));
        Assert.Equal("targets has shape 2 steps × 1 sequences, expected 4 steps × 2 sequences. (Parameter 'targets')", e.Message);
    }

    [Fact]
    public void Cross_entropy_matches_hand_values_and_finite_differences()
    {
        // Equal scores over two classes: ln 2 per sequence; gradient (½ − 1, ½)/m for label 0.
        var (loss, grad) = Losses.CrossEntropy(Tensor.FromRows<double>([0, 0], [0, 0]), [0, 1]);
        Assert.Equal(Math.Log(2), loss, 15);
        Assert.Equal(Tensor.FromRows<double>([-0.25, 0.25], [0.25, -0.25]), grad);

        var z = Init.Normal<double>(4, 5, 2.0, new Random(6));
        int[] labels = [3, 0, 1, 1, 2];
        var check = GradientCheck.Input("logits", z, Losses.CrossEntropy(z, labels).DLogits, () => Losses.CrossEntropy(z, labels).Loss);
        output.WriteLine(check.ToString());
        Assert.True(check.MaxRelativeError <= 1e-7, check.ToString());
    }

    [Fact]
    public void Mean_squared_error_matches_hand_values_and_ignores_padding()
    {
        // Two features, sequences of lengths 2 and 1 over 2 steps; column (1,1) is padding.
        var prediction = new SequenceBatch<double>(Tensor.FromRows<double>([1, 2, 3, 100], [0, 0, 1, -7]), 2, 2, [2, 1]);
        var target = Tensor.FromRows<double>([0, 0, 1, 0], [0, 1, 1, 0]);
        var (loss, grad) = Losses.MeanSquaredError(prediction, target);
        // Squared errors over the 3 real columns × 2 features: 1 + 4 + 4 + 0 + 1 + 0 = 10, mean over 6.
        Assert.Equal(10.0 / 6, loss, 15);
        var expected = Tensor.FromRows<double>([1, 2, 2, 0], [0, -1, 0, 0]) * (2.0 / 6);
        Assert.True(Tensor.MaxAbsDifference(expected, grad.Data) < 1e-16);
    }

    [Fact]
    public void Mean_squared_error_gradient_matches_finite_differences()
    {
        var rng = new Random(7);
        var prediction = new SequenceBatch<double>(Init.Normal<double>(3, 8, 1.0, rng), 4, 2, Lengths);
        var target = Init.Normal<double>(3, 8, 1.0, rng);
        var masked = GradientCheck.Input("prediction", prediction.Data, Losses.MeanSquaredError(prediction, target).DPrediction.Data,
            () => Losses.MeanSquaredError(prediction, target).Loss);
        var plain = GradientCheck.Input("prediction", target, Losses.MeanSquaredError(target, prediction.Data).DPrediction,
            () => Losses.MeanSquaredError(target, prediction.Data).Loss);
        output.WriteLine(masked + Environment.NewLine + plain);
        Assert.True(masked.MaxRelativeError <= 1e-7, masked.ToString());
        Assert.True(plain.MaxRelativeError <= 1e-7, plain.ToString());
    }
}
