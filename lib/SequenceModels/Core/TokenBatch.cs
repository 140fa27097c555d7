namespace SequenceModels;

/// <summary>
/// A padded batch of integer sequences (word ids, character ids or tag ids), laid out like
/// <see cref="SequenceBatch{T}"/>: position (t, b) is <c>Ids[t·BatchSize + b]</c>. Sequence b is real for steps
/// t &lt; Lengths[b]; padded positions hold <see cref="PadId"/>.
/// </summary>
public sealed class TokenBatch
{
    /// <summary>Wraps ids in step-major order (no copy).</summary>
    /// <param name="ids">Steps·BatchSize ids; position (t, b) at index t·batchSize + b.</param>
    /// <param name="steps">T, the padded length.</param>
    /// <param name="batchSize">m, the number of sequences.</param>
    /// <param name="lengths">The real length of each sequence (each in 1..steps).</param>
    /// <param name="padId">The id at padded positions.</param>
    public TokenBatch(int[] ids, int steps, int batchSize, IReadOnlyList<int> lengths, int padId = 0)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (ids.Length != steps * batchSize)
            throw new ArgumentException($"ids has {ids.Length} entries, expected steps·batch = {steps}·{batchSize}.", nameof(ids));
        if (lengths.Count != batchSize)
            throw new ArgumentException($"lengths has {lengths.Count} entries, expected {batchSize}.", nameof(lengths));
        for (int b = 0; b < batchSize; b++)
            if (lengths[b] < 0 || lengths[b] > steps)
                throw new ArgumentOutOfRangeException(nameof(lengths), lengths[b], $"lengths[{b}] must be in 0..{steps}.");
        Ids = ids;
        Steps = steps;
        BatchSize = batchSize;
        Lengths = lengths.ToArray();
        PadId = padId;
    }

    /// <summary>Pads sequences to the longest one (step-major layout, <paramref name="padId"/> at padding).</summary>
    public static TokenBatch FromSequences(IReadOnlyList<IReadOnlyList<int>> sequences, int padId = 0)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0) throw new ArgumentException("A batch needs at least one sequence.", nameof(sequences));
        int m = sequences.Count;
        int steps = Math.Max(1, sequences.Max(s => s.Count));
        var ids = new int[steps * m];
        Array.Fill(ids, padId);
        for (int b = 0; b < m; b++)
            for (int t = 0; t < sequences[b].Count; t++)
                ids[t * m + b] = sequences[b][t];
        return new TokenBatch(ids, steps, m, sequences.Select(s => s.Count).ToArray(), padId);
    }

    /// <summary>Steps·BatchSize ids, step-major: (t, b) at t·BatchSize + b.</summary>
    public int[] Ids { get; }

    /// <summary>T, the padded length.</summary>
    public int Steps { get; }

    /// <summary>m, the number of sequences.</summary>
    public int BatchSize { get; }

    /// <summary>The real length of each sequence.</summary>
    public IReadOnlyList<int> Lengths { get; }

    /// <summary>The id at padded positions.</summary>
    public int PadId { get; }

    /// <summary>The id at step t of sequence b.</summary>
    public int this[int t, int b] => Ids[t * BatchSize + b];

    /// <summary>True when step t of sequence b is real, not padding.</summary>
    public bool IsReal(int t, int b) => t < Lengths[b];

    /// <summary>The number of real positions.</summary>
    public int RealCount => Lengths.Sum();

    /// <summary>Sequence b's real ids, in order.</summary>
    public int[] Sequence(int b) => Enumerable.Range(0, Lengths[b]).Select(t => this[t, b]).ToArray();
}
