double MaskedAccuracy(int[,] labels, int[,] predicted, bool[,] mask)
{
    int correct = 0, real = 0;
    for (int b = 0; b < labels.GetLength(0); b++)
    {
        for (int t = 0; t < labels.GetLength(1); t++)
        {
            if (!mask[b, t]) continue;
            real++;
            if (predicted[b, t] == labels[b, t]) correct++;
        }
    }
    return (double)correct / real;
}
