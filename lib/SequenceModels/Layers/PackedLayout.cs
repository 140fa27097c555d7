namespace SequenceModels;

/// <summary>
/// Where the real positions of a padded batch go when padding is left out: the sequences are ordered by length,
/// longest first (ties in batch order), so the sequences still running at step t are the first n_t of that order,
/// and the real positions are packed step after step, n_t columns for step t from column o_t on (as cuDNN's and
/// PyTorch's packed sequences). A recurrent layer then multiplies only real columns at every step.
/// </summary>
internal sealed class PackedLayout
{
    private PackedLayout(int steps, int batchSize, int[] order, int[] count, int[] offset, bool identity)
    {
        Steps = steps;
        BatchSize = batchSize;
        Order = order;
        Count = count;
        Offset = offset;
        Identity = identity;
    }

    /// <summary>T, the padded length.</summary>
    public int Steps { get; }

    /// <summary>m, the sequences.</summary>
    public int BatchSize { get; }

    /// <summary>Order[s] = b: the s-th longest sequence is sequence b of the batch.</summary>
    public int[] Order { get; }

    /// <summary>n_t: how many sequences are real at step t (the first n_t of <see cref="Order"/>).</summary>
    public int[] Count { get; }

    /// <summary>o_t: the first packed column of step t; Offset[Steps] is the number of real positions.</summary>
    public int[] Offset { get; }

    /// <summary>N, the number of real positions.</summary>
    public int Real => Offset[Steps];

    /// <summary>True when there is no padding and the packed layout is the batch's own (column t·m + b).</summary>
    public bool Identity { get; }

    /// <summary>The layout of a batch with these lengths (each in 0..steps).</summary>
    public static PackedLayout For(IReadOnlyList<int> lengths, int steps)
    {
        int m = lengths.Count;
        var order = new int[m];
        for (int b = 0; b < m; b++) order[b] = b;
        var keys = new int[m];
        for (int b = 0; b < m; b++) keys[b] = -lengths[b];
        // A stable order: Array.Sort is not stable, so ties are broken by the batch index.
        Array.Sort(order, (x, y) => keys[x] != keys[y] ? keys[x].CompareTo(keys[y]) : x.CompareTo(y));
        var count = new int[steps];
        var offset = new int[steps + 1];
        int running = m;
        for (int t = 0; t < steps; t++)
        {
            while (running > 0 && lengths[order[running - 1]] <= t) running--;
            count[t] = running;
            offset[t + 1] = offset[t] + running;
        }
        bool identity = count.Length == 0 || count[^1] == m; // every sequence is full, so the order is 0..m−1
        return new PackedLayout(steps, m, order, count, offset, identity);
    }

    /// <summary>The padded column (t·m + b) of the s-th sequence of the order at step t.</summary>
    public int Column(int t, int s) => t * BatchSize + Order[s];

    /// <summary>
    /// Copies packed columns (rows numbers each, column stride <paramref name="ldPacked"/>) to their padded places in
    /// <paramref name="padded"/> (column stride <paramref name="ldPadded"/>, from row <paramref name="row"/>);
    /// padded positions are left as they are.
    /// </summary>
    public void Scatter<T>(ReadOnlySpan<T> packed, int ldPacked, int rows, Span<T> padded, int ldPadded, int row = 0)
    {
        for (int t = 0; t < Steps; t++)
            for (int s = 0; s < Count[t]; s++)
                packed.Slice((Offset[t] + s) * ldPacked, rows).CopyTo(padded.Slice(Column(t, s) * ldPadded + row, rows));
    }
}
