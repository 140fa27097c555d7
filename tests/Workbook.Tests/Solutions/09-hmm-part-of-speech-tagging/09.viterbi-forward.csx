(Matrix<double> Scores, int[,] BackPointers) ViterbiForward(Matrix<double> scores, Matrix<double> A, Matrix<double> B, int[] words)
{
    int tags = scores.RowCount, steps = scores.ColumnCount;
    var backPointers = new int[tags, steps];
    for (int t = 1; t < steps; t++)
    {
        for (int j = 0; j < tags; j++)
        {
            double best = double.NegativeInfinity;
            int bestPrevious = 0;
            for (int i = 0; i < tags; i++)
            {
                double score = scores[i, t - 1] + Math.Log(A[i, j]);
                if (score > best)
                {
                    best = score;
                    bestPrevious = i;
                }
            }
            scores[j, t] = best + Math.Log(B[j, words[t]]);
            backPointers[j, t] = bestPrevious;
        }
    }
    return (scores, backPointers);
}
