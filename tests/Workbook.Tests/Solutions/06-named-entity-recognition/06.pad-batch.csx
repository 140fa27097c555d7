(int[,] Ids, bool[,] Mask) PadBatch(int[][] sentences, int padId)
{
    int m = sentences.Length;
    int T = sentences.Max(s => s.Length);
    var ids = new int[m, T];
    var mask = new bool[m, T];
    for (int b = 0; b < m; b++)
    {
        for (int t = 0; t < T; t++)
        {
            if (t < sentences[b].Length)
            {
                ids[b, t] = sentences[b][t];
                mask[b, t] = true;
            }
            else
            {
                ids[b, t] = padId;
            }
        }
    }
    return (ids, mask);
}
