namespace SequenceModels;

/// <summary>
/// A long text cut into batches for truncated backpropagation through time (stateful batches). The text (its ids) is
/// split into <see cref="Streams"/> equal, contiguous parts, one per column of the batch, and each part is read
/// <see cref="Steps"/> characters at a time:
/// <code>
/// stream b = ids[offset + b·L, offset + (b+1)·L),     L = ⌊(ids.Length − offset) / Streams⌋
/// batch k:  input (t, b) = stream b at k·Steps + t,    target (t, b) = stream b at k·Steps + t + 1
/// </code>
/// So column b of batch k + 1 continues exactly where column b of batch k stopped, and the final state of one batch
/// is the right initial state of the next: the state is carried across batches (the model sees the whole history)
/// while gradients flow back at most <see cref="Steps"/> steps (the truncation). The last L·Streams ≤ text length
/// characters are used; fewer than Streams characters at the end are left out.
/// </summary>
public sealed class TextStreams
{
    private readonly int[] _ids;
    private readonly int _offset;

    /// <summary>Lays out <paramref name="ids"/> as <paramref name="streams"/> parallel streams.</summary>
    /// <param name="ids">The text's token ids (not copied; leave them unchanged).</param>
    /// <param name="streams">m, the batch size: the number of parallel streams.</param>
    /// <param name="steps">T, the steps per batch (the truncation length of BPTT).</param>
    /// <param name="offset">Ids to skip at the start (a training loop varies it from epoch to epoch so that batch
    /// boundaries fall in new places).</param>
    public TextStreams(int[] ids, int streams, int steps, int offset = 0)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(streams);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        StreamLength = (ids.Length - offset) / streams;
        if (StreamLength < 2)
            throw new ArgumentException(
                $"A text of {ids.Length} ids (offset {offset}) is too short for {streams} streams: each needs at least 2 ids (an input and its target).",
                nameof(ids));
        _ids = ids;
        _offset = offset;
        Streams = streams;
        Steps = steps;
    }

    /// <summary>m, the number of parallel streams (the batch size).</summary>
    public int Streams { get; }

    /// <summary>T, the steps of a full batch.</summary>
    public int Steps { get; }

    /// <summary>L, the ids in each stream.</summary>
    public int StreamLength { get; }

    /// <summary>
    /// The number of batches, the last one possibly shorter: together they predict every id of every stream but its
    /// first, (L − 1)·Streams targets.
    /// </summary>
    public int BatchCount => (StreamLength - 1 + Steps - 1) / Steps;

    /// <summary>The number of batches with all <see cref="Steps"/> steps.</summary>
    public int FullBatchCount => (StreamLength - 1) / Steps;

    /// <summary>The number of targets over all batches, (L − 1)·Streams.</summary>
    public long TargetCount => (long)(StreamLength - 1) * Streams;

    /// <summary>The id at position <paramref name="position"/> (0..L−1) of stream <paramref name="stream"/>.</summary>
    public int At(int stream, int position) => _ids[_offset + stream * StreamLength + position];

    /// <summary>
    /// Batch k: inputs and targets, each Steps' × Streams in the <see cref="TokenBatch"/> layout ((t, b) at
    /// t·Streams + b), where Steps' = Steps except for a shorter last batch. No position is padding.
    /// </summary>
    public (TokenBatch Inputs, TokenBatch Targets) Batch(int k)
    {
        if ((uint)k >= (uint)BatchCount) throw new ArgumentOutOfRangeException(nameof(k), k, $"The batch must be in 0..{BatchCount - 1}.");
        int first = k * Steps, steps = Math.Min(Steps, StreamLength - 1 - first), m = Streams;
        var inputs = new int[steps * m];
        var targets = new int[steps * m];
        for (int b = 0; b < m; b++)
        {
            int start = _offset + b * StreamLength + first;
            for (int t = 0; t < steps; t++)
            {
                inputs[t * m + b] = _ids[start + t];
                targets[t * m + b] = _ids[start + t + 1];
            }
        }
        var lengths = Enumerable.Repeat(steps, m).ToArray();
        return (new TokenBatch(inputs, steps, m, lengths), new TokenBatch(targets, steps, m, lengths));
    }
}
