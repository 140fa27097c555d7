Matrix<double> ViterbiInitialize(Vector<double> pi, Matrix<double> B, int[] words)
{
    int tags = pi.Count, steps = words.Length;
    var scores = Matrix<double>.Build.Dense(tags, steps, double.NegativeInfinity);
    for (int j = 0; j < tags; j++)
        scores[j, 0] = Math.Log(pi[j]) + Math.Log(B[j, words[0]]);
    return scores;
}
