using SequenceModels;

namespace SequenceModels.Tests.Models;

public class PerplexityTests
{
    [Fact]
    public void A_uniform_choice_among_v_tokens_has_perplexity_v()
    {
        double[] losses = Enumerable.Repeat(Math.Log(67), 10).ToArray();
        Assert.Equal(67, Perplexity.FromLosses(losses), 1e-12);
        Assert.Equal(67, Perplexity.FromMeanLoss(Math.Log(67)), 1e-12);
    }

    [Fact]
    public void A_perfect_model_has_perplexity_one() => Assert.Equal(1.0, Perplexity.FromLosses([0.0, 0.0]));

    [Fact]
    public void Perplexity_is_the_exponential_of_the_mean_loss_not_the_mean_of_exponentials()
    {
        // Probabilities 1/2 and 1/8 of the true tokens: exp((ln 2 + ln 8)/2) = √16 = 4, not (2 + 8)/2 = 5.
        Assert.Equal(4.0, Perplexity.FromLosses([Math.Log(2), Math.Log(8)]), 1e-12);
    }

    [Fact]
    public void Batch_means_are_weighted_by_their_token_counts()
    {
        // 3 tokens with mean loss ln 2 and 1 token with loss ln 16: total 3 ln 2 + 4 ln 2 = 7 ln 2 over 4 tokens.
        double expected = Math.Pow(2, 7.0 / 4);
        Assert.Equal(expected, Perplexity.FromBatchLosses([Math.Log(2), Math.Log(16)], [3, 1]), 1e-12);
        Assert.Throws<ArgumentException>(() => Perplexity.FromBatchLosses([1.0], [1, 2]));
        Assert.Throws<ArgumentException>(() => Perplexity.FromLosses([]));
    }
}
