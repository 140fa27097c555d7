Matrix<double> EmissionMatrix(int[][] tags, int[][] words, int tagCount, int vocabularySize, double alpha)
{
    var counts = Matrix<double>.Build.Dense(tagCount, vocabularySize);
    for (int s = 0; s < tags.Length; s++)
        for (int k = 0; k < tags[s].Length; k++)
            counts[tags[s][k], words[s][k]] += 1;

    var B = Matrix<double>.Build.Dense(tagCount, vocabularySize);
    for (int i = 0; i < tagCount; i++)
    {
        double total = counts.Row(i).Sum();
        for (int w = 0; w < vocabularySize; w++)
            B[i, w] = (counts[i, w] + alpha) / (total + alpha * vocabularySize);
    }
    return B;
}
