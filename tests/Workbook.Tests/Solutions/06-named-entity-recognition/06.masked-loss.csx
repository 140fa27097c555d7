(double Loss, double[,,] DLogits) MaskedLoss(double[,,] logits, int[,] labels, bool[,] mask)
{
    int m = logits.GetLength(0), steps = logits.GetLength(1), k = logits.GetLength(2);
    int n = 0;
    for (int b = 0; b < m; b++)
        for (int t = 0; t < steps; t++)
            if (mask[b, t]) n++;

    double loss = 0;
    var dLogits = new double[m, steps, k];
    for (int b = 0; b < m; b++)
    {
        for (int t = 0; t < steps; t++)
        {
            if (!mask[b, t]) continue;
            double max = double.NegativeInfinity;
            for (int j = 0; j < k; j++) max = Math.Max(max, logits[b, t, j]);
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.Exp(logits[b, t, j] - max);
            loss -= logits[b, t, labels[b, t]] - max - Math.Log(sum);
            for (int j = 0; j < k; j++)
            {
                double softmax = Math.Exp(logits[b, t, j] - max) / sum;
                dLogits[b, t, j] = (softmax - (j == labels[b, t] ? 1 : 0)) / n;
            }
        }
    }
    return (loss / n, dLogits);
}
