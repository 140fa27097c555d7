Matrix<double> TransitionMatrix(int[][] tags, int tagCount, double alpha)
{
    var counts = Matrix<double>.Build.Dense(tagCount, tagCount);
    foreach (var sentence in tags)
        for (int k = 1; k < sentence.Length; k++)
            counts[sentence[k - 1], sentence[k]] += 1;

    var A = Matrix<double>.Build.Dense(tagCount, tagCount);
    for (int i = 0; i < tagCount; i++)
    {
        double total = counts.Row(i).Sum();
        for (int j = 0; j < tagCount; j++)
            A[i, j] = (counts[i, j] + alpha) / (total + alpha * tagCount);
    }
    return A;
}
