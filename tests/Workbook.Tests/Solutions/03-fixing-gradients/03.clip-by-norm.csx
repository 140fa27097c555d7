Matrix<double>[] ClipByGlobalNorm(Matrix<double>[] gradients, double maxNorm)
{
    double sumOfSquares = 0;
    for (int k = 0; k < gradients.Length; k++)
        for (int i = 0; i < gradients[k].RowCount; i++)
            for (int j = 0; j < gradients[k].ColumnCount; j++)
            {
                double v = gradients[k][i, j];
                if (!double.IsFinite(v)) throw new NonFiniteGradientException($"gradient {k}", i, j, v);
                sumOfSquares += v * v;
            }
    double norm = Math.Sqrt(sumOfSquares);
    if (norm <= maxNorm) return gradients;
    return gradients.Select(g => g * (maxNorm / norm)).ToArray();
}
