namespace SequenceModels;

/// <summary>
/// Perplexity, the usual score of a language model: the exponential of the mean negative log-likelihood per token
/// on held-out text, <c>PP = exp(−(1/N) Σ_t log ŷ⟨t⟩[y⟨t⟩])</c>. It reads as the number of tokens the model is as
/// unsure between as a uniform choice would be: a model that gives every one of V tokens probability 1/V has
/// perplexity exactly V, and a perfect model has 1. Lower is better; it depends on the vocabulary, so compare only
/// models over the same tokens (characters here).
/// </summary>
public static class Perplexity
{
    /// <summary>exp(mean NLL): <paramref name="meanLoss"/> is the mean negative log-likelihood per token, in nats.</summary>
    public static double FromMeanLoss(double meanLoss) => Math.Exp(meanLoss);

    /// <summary>exp of the mean of per-token losses −log ŷ⟨t⟩[y⟨t⟩] (at least one).</summary>
    public static double FromLosses(IReadOnlyList<double> losses)
    {
        ArgumentNullException.ThrowIfNull(losses);
        if (losses.Count == 0) throw new ArgumentException("Perplexity needs at least one loss.", nameof(losses));
        return Math.Exp(losses.Sum() / losses.Count);
    }

    /// <summary>
    /// From per-batch mean losses: the mean per token weights each batch's mean by its number of tokens, so a short
    /// last batch counts for what it holds.
    /// </summary>
    /// <param name="batchLosses">Each batch's mean loss per token.</param>
    /// <param name="tokenCounts">Each batch's number of tokens.</param>
    public static double FromBatchLosses(IReadOnlyList<double> batchLosses, IReadOnlyList<int> tokenCounts)
    {
        ArgumentNullException.ThrowIfNull(batchLosses);
        ArgumentNullException.ThrowIfNull(tokenCounts);
        if (batchLosses.Count != tokenCounts.Count)
            throw new ArgumentException($"{batchLosses.Count} losses but {tokenCounts.Count} counts.", nameof(tokenCounts));
        double sum = 0;
        long tokens = 0;
        for (int i = 0; i < batchLosses.Count; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(tokenCounts[i], nameof(tokenCounts));
            sum += batchLosses[i] * tokenCounts[i];
            tokens += tokenCounts[i];
        }
        if (tokens == 0) throw new ArgumentException("Perplexity needs at least one token.", nameof(tokenCounts));
        return Math.Exp(sum / tokens);
    }
}
