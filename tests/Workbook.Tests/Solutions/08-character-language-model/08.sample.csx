int SampleNext(double[] logits, double temperature, Random rng)
{
    int best = 0;
    for (int k = 1; k < logits.Length; k++)
        if (logits[k] > logits[best]) best = k;
    if (temperature == 0) return best;

    double max = logits[best] / temperature, sum = 0;
    var p = new double[logits.Length];
    for (int k = 0; k < p.Length; k++)
    {
        p[k] = Math.Exp(logits[k] / temperature - max);
        sum += p[k];
    }
    double u = rng.NextDouble(), cumulative = 0;
    for (int k = 0; k < p.Length; k++)
    {
        cumulative += p[k] / sum;
        if (u < cumulative) return k;
    }
    return p.Length - 1; // u fell past the sum only by rounding
}
