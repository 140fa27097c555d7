namespace SequenceModels;

/// <summary>
/// Drawing the next token from a model's output distribution, the step that turns a language model into a
/// generator: ŷ = softmax(z / τ), then one index k with probability ŷ_k. The temperature τ reshapes the distribution
/// without changing its order: τ = 1 is the model's own distribution, τ → 0 puts all the mass on the most likely
/// token (greedy, argmax), τ → ∞ makes every token equally likely.
/// </summary>
public static class Sampling
{
    /// <summary>
    /// Draws index k with probability p_k by inverting the cumulative distribution: one uniform u in [0, 1) from
    /// <paramref name="rng"/>, then the first k with u·Σp &lt; p_0 + … + p_k. The probabilities need not sum to
    /// exactly 1 (they are scaled by their sum), but none may be negative or NaN, and some must be positive.
    /// </summary>
    /// <param name="probabilities">p_0 … p_{K−1}.</param>
    /// <param name="rng">The seeded generator; exactly one number is drawn from it.</param>
    public static int SampleIndex(ReadOnlySpan<double> probabilities, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double total = 0;
        for (int k = 0; k < probabilities.Length; k++)
        {
            if (!(probabilities[k] >= 0) || double.IsInfinity(probabilities[k]))
                throw new ArgumentException($"probabilities[{k}] is {probabilities[k]}; probabilities must be finite and non-negative.",
                    nameof(probabilities));
            total += probabilities[k];
        }
        if (!(total > 0)) throw new ArgumentException("The probabilities must not all be zero.", nameof(probabilities));
        double u = rng.NextDouble() * total, cumulative = 0;
        int last = 0;
        for (int k = 0; k < probabilities.Length; k++)
        {
            if (probabilities[k] == 0) continue;
            cumulative += probabilities[k];
            if (u < cumulative) return k;
            last = k;
        }
        return last; // u fell past the sum only by rounding: the last possible index
    }

    /// <summary>
    /// softmax(z / τ): the distribution sampled at temperature τ, computed stably (the maximum is subtracted first).
    /// τ = 0 gives the one-hot vector of the argmax (the first one if several logits tie).
    /// </summary>
    /// <param name="logits">z, the model's scores (any finite numbers).</param>
    /// <param name="temperature">τ ≥ 0.</param>
    public static double[] Softmax(ReadOnlySpan<double> logits, double temperature = 1.0)
    {
        if (!(temperature >= 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be finite and ≥ 0.");
        if (logits.IsEmpty) throw new ArgumentException("There must be at least one logit.", nameof(logits));
        var p = new double[logits.Length];
        int best = Argmax(logits);
        if (temperature == 0)
        {
            p[best] = 1;
            return p;
        }
        double max = logits[best], sum = 0;
        for (int k = 0; k < p.Length; k++) sum += p[k] = Math.Exp((logits[k] - max) / temperature);
        for (int k = 0; k < p.Length; k++) p[k] /= sum;
        return p;
    }

    /// <summary>One sampling step: <see cref="SampleIndex"/> of <see cref="Softmax"/>(z, τ).</summary>
    /// <param name="logits">z, the model's scores.</param>
    /// <param name="temperature">τ ≥ 0; 0 returns the argmax without drawing from <paramref name="rng"/>.</param>
    /// <param name="rng">The seeded generator.</param>
    public static int SampleWithTemperature(ReadOnlySpan<double> logits, double temperature, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (temperature == 0) return Argmax(logits);
        return SampleIndex(Softmax(logits, temperature), rng);
    }

    /// <summary>The index of the largest entry (the first one if several tie).</summary>
    public static int Argmax(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty) throw new ArgumentException("There must be at least one value.", nameof(values));
        int best = 0;
        for (int k = 0; k < values.Length; k++)
        {
            if (double.IsNaN(values[k])) throw new ArgumentException($"values[{k}] is NaN.", nameof(values));
            if (values[k] > values[best]) best = k;
        }
        return best;
    }
}
