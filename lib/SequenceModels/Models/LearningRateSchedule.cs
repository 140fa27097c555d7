namespace SequenceModels;

/// <summary>
/// Learning-rate schedules as functions of training progress p in [0, 1] (steps done over steps planned, or time
/// spent over the time budget), so the same schedule serves a run of N steps and a run of M minutes.
/// </summary>
public static class LearningRateSchedule
{
    /// <summary>
    /// Linear warm-up, then cosine decay (Loshchilov and Hutter, 2017; the warm-up as in Goyal et al., 2017):
    /// <code>
    /// p &lt; w:  η = η_max · p / w
    /// p ≥ w:  η = η_min + (η_max − η_min) · (1 + cos(π · (p − w) / (1 − w))) / 2,   η_min = f · η_max
    /// </code>
    /// The warm-up keeps Adam's first steps small while its moment estimates are still noisy; the decay lets the
    /// weights settle at the end, which lowers the final loss noticeably at the same number of steps.
    /// </summary>
    /// <param name="progress">p, clamped to [0, 1].</param>
    /// <param name="peak">η_max.</param>
    /// <param name="warmup">w in [0, 1): the fraction of training spent warming up.</param>
    /// <param name="finalFraction">f in [0, 1]: the learning rate at the end, as a fraction of the peak.</param>
    public static double WarmupCosine(double progress, double peak, double warmup = 0.02, double finalFraction = 0.02)
    {
        if (!(warmup >= 0 && warmup < 1)) throw new ArgumentOutOfRangeException(nameof(warmup), warmup, "Must be in [0, 1).");
        if (!(finalFraction >= 0 && finalFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(finalFraction), finalFraction, "Must be in [0, 1].");
        double p = Math.Clamp(progress, 0, 1);
        if (p < warmup) return peak * p / warmup;
        double low = finalFraction * peak;
        return low + (peak - low) * (1 + Math.Cos(Math.PI * (p - warmup) / (1 - warmup))) / 2;
    }
}
