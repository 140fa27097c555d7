Matrix<double> OneHotEncode(int[] indices, int vocabularySize)
{
    var result = Matrix<double>.Build.Dense(vocabularySize, indices.Length);
    for (int t = 0; t < indices.Length; t++)
        result[indices[t], t] = 1.0;
    return result;
}
