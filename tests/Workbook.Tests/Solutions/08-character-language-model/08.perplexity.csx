double PerplexityOf(double[] logProbabilities)
{
    double negativeLogLikelihood = 0;
    foreach (double logP in logProbabilities)
        negativeLogLikelihood -= logP;
    return Math.Exp(negativeLogLikelihood / logProbabilities.Length);
}
