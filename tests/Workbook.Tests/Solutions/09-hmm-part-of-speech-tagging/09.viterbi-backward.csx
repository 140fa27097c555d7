int[] ViterbiBackward(Matrix<double> scores, int[,] backPointers)
{
    int steps = scores.ColumnCount;
    var path = new int[steps];
    path[steps - 1] = scores.Column(steps - 1).MaximumIndex();
    for (int t = steps - 1; t > 0; t--)
        path[t - 1] = backPointers[path[t], t];
    return path;
}
