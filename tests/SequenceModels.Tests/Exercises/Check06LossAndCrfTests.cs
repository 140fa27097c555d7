using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Exercises;

namespace SequenceModels.Tests.Exercises;

/// <summary>The checkers of exercises 6.2 (the masked loss) and 6.5 (the CRF forward algorithm).</summary>
public class Check06LossAndCrfTests
{
    /// <summary>An independent masked loss, written the way a student would, with switches for typical mistakes.</summary>
    private static (double Loss, double[,,] DLogits) MaskedLoss(double[,,] z, int[,] y, bool[,] mask,
        bool divideBySentences = false, bool useMask = true, bool shift = true, bool zeroPadding = true, bool minusOnehot = true)
    {
        int m = z.GetLength(0), steps = z.GetLength(1), k = z.GetLength(2);
        int n = 0;
        for (int b = 0; b < m; b++)
            for (int t = 0; t < steps; t++)
                if (mask[b, t] || !useMask) n++;
        double divisor = divideBySentences ? m : n;
        double loss = 0;
        var d = new double[m, steps, k];
        for (int b = 0; b < m; b++)
            for (int t = 0; t < steps; t++)
            {
                bool real = mask[b, t] || !useMask;
                double max = double.NegativeInfinity;
                for (int j = 0; j < k; j++) max = Math.Max(max, z[b, t, j]);
                if (!shift) max = 0;
                double sum = 0;
                for (int j = 0; j < k; j++) sum += Math.Exp(z[b, t, j] - max);
                if (real) loss += Math.Log(sum) + max - z[b, t, y[b, t]];
                if (!real && zeroPadding) continue;
                for (int j = 0; j < k; j++)
                    d[b, t, j] = (Math.Exp(z[b, t, j] - max) / sum - (j == y[b, t] && minusOnehot ? 1 : 0)) / divisor;
            }
        return (loss / divisor, d);
    }

    private static void AssertFailed(CheckResult result, string firstMessageStart, string? diagnosis = null)
    {
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith(firstMessageStart, result.Messages[0]);
        if (diagnosis is not null) Assert.Contains($"It looks like {diagnosis}.", result.Messages);
    }

    [Fact]
    public void Masked_loss_passes_a_correct_function() =>
        Assert.Equal(CheckStatus.Passed, Check.MaskedLoss((z, y, mask) => MaskedLoss(z, y, mask)).Status);

    [Fact]
    public void Masked_loss_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.MaskedLoss((_, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Masked_loss_with_a_gradient_of_the_wrong_shape_fails_on_the_shape() =>
        AssertFailed(Check.MaskedLoss((z, y, mask) => (MaskedLoss(z, y, mask).Loss, new double[z.GetLength(1), z.GetLength(0), z.GetLength(2)])),
            "Case \"shapes: 2 sentences of lengths 3 and 2, 4 tags\": DLogits has shape 3 × 2 × 4, expected m × T × K = 2 × 3 × 4.");

    [Fact]
    public void Masked_loss_ignoring_the_mask_fails_on_the_padding_case() =>
        AssertFailed(Check.MaskedLoss((z, y, mask) => MaskedLoss(z, y, mask, useMask: false)),
            "Case \"padding holding large scores (2 sentences, 2 real positions)\": the loss: expected",
            "the mask is ignored: padded positions count in the loss and get a gradient");

    [Fact]
    public void Masked_loss_divided_by_the_batch_size_is_named_as_cs231n_convention() =>
        AssertFailed(Check.MaskedLoss((z, y, mask) => MaskedLoss(z, y, mask, divideBySentences: true)),
            "Case \"the normalisation: 4 real positions in 2 sentences\": the loss: expected",
            "the mean runs over the m sentences instead of the N real positions (CS231n's temporal_softmax_loss divides by the batch size; the lecture by N)");

    [Fact]
    public void Masked_loss_with_a_gradient_at_padding_names_the_padded_position() =>
        AssertFailed(Check.MaskedLoss((z, y, mask) => MaskedLoss(z, y, mask, zeroPadding: false)),
            "Case \"padding holding large scores (2 sentences, 2 real positions)\": the loss is right, but the gradient DLogits[0, 1, 0] (a padded position) is ",
            "the gradient is not zero at padded positions");

    [Fact]
    public void Masked_loss_without_the_onehot_term_names_the_label_entry()
    {
        var result = Check.MaskedLoss((z, y, mask) => (MaskedLoss(z, y, mask).Loss, MaskedLoss(z, y, mask, minusOnehot: false).DLogits));
        AssertFailed(result, "Case \"one position\": the loss is right, but the gradient DLogits[0, 0, 2] (the label's entry: (softmax − 1)/N) is ");
    }

    [Fact]
    public void Masked_loss_without_the_max_shift_fails_on_large_scores() =>
        AssertFailed(Check.MaskedLoss((z, y, mask) => MaskedLoss(z, y, mask, shift: false)),
            "Case \"scores near ±1000\": the loss: expected",
            "the scores are exponentiated without subtracting their maximum, which overflows");

    /// <summary>An independent forward algorithm with switches for typical mistakes.</summary>
    private static double LogZ(Matrix<double> e, Matrix<double> a, Vector<double> start, Vector<double> end,
        bool max = false, bool useEnd = true, bool transposed = false, bool shift = true)
    {
        int k = e.RowCount;
        double Reduce(IEnumerable<double> xs)
        {
            var x = xs.ToArray();
            if (max) return x.Max();
            double m = shift ? x.Max() : 0;
            return m + Math.Log(x.Sum(v => Math.Exp(v - m)));
        }
        var alpha = new double[k];
        for (int j = 0; j < k; j++) alpha[j] = start[j] + e[j, 0];
        for (int t = 1; t < e.ColumnCount; t++)
        {
            var previous = alpha;
            alpha = new double[k];
            for (int j = 0; j < k; j++)
                alpha[j] = e[j, t] + Reduce(Enumerable.Range(0, k).Select(i => previous[i] + (transposed ? a[j, i] : a[i, j])));
        }
        return Reduce(Enumerable.Range(0, k).Select(j => alpha[j] + (useEnd ? end[j] : 0)));
    }

    [Fact]
    public void Crf_forward_passes_a_correct_function() =>
        Assert.Equal(CheckStatus.Passed, Check.CrfLogPartition((e, a, s, end) => LogZ(e, a, s, end)).Status);

    [Fact]
    public void Crf_forward_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.CrfLogPartition((_, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Crf_forward_reading_emissions_the_wrong_way_round_fails_on_the_shapes() =>
        AssertFailed(Check.CrfLogPartition((e, a, s, end) => LogZ(e.Transpose(), a, s, end)),
            "Case \"shapes: 3 tags, 5 words, emissions only\": your function threw");

    [Fact]
    public void Crf_forward_with_max_is_recognised_as_viterbi() =>
        AssertFailed(Check.CrfLogPartition((e, a, s, end) => LogZ(e, a, s, end, max: true)),
            "Case \"shapes: 3 tags, 5 words, emissions only\": log Z: expected",
            "max was used instead of log-sum-exp: that is the Viterbi score of the best sequence, not log Z");

    [Fact]
    public void Crf_forward_without_end_scores_fails_on_the_end_case() =>
        AssertFailed(Check.CrfLogPartition((e, a, s, end) => LogZ(e, a, s, end, useEnd: false)),
            "Case \"end scores only\": log Z: expected", "the end scores are left out");

    [Fact]
    public void Crf_forward_with_transposed_transitions_is_recognised() =>
        AssertFailed(Check.CrfLogPartition((e, a, s, end) => LogZ(e, a, s, end, transposed: true)),
            "Case \"start and transition scores\": log Z: expected", "the transitions are read the wrong way round (A[j, i] instead of A[i, j])");

    [Fact]
    public void Crf_forward_without_the_shift_overflows_on_large_scores() =>
        AssertFailed(Check.CrfLogPartition((e, a, s, end) => LogZ(e, a, s, end, shift: false)),
            "Case \"scores near ±800\": log Z: expected", "the exponentials are taken without subtracting the maximum, which overflows");
}
