namespace SequenceModels.Text;

/// <summary>
/// Turns tagged sentences into padded batches of word ids and tag ids. Each batch is padded to its own longest
/// sentence; its <see cref="TokenBatch.Lengths"/> are the mask (step t of sentence b is real when t &lt; Lengths[b]).
/// Words are padded with <see cref="Vocabulary.PadId"/>, tags with <see cref="TagMap.PadId"/>.
/// </summary>
public static class SentenceBatches
{
    /// <summary>
    /// Pads id sequences into one batch, one row per sequence as in the lecture: Ids is m × T (T the longest
    /// length) with <paramref name="padId"/> after each sequence's end, and Mask[b, t] is true exactly at real
    /// positions (t &lt; length of sequence b). An all-empty batch has T = 0.
    /// </summary>
    public static (int[,] Ids, bool[,] Mask) Pad(IReadOnlyList<IReadOnlyList<int>> sequences, int padId = Vocabulary.PadId)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        int m = sequences.Count;
        int steps = m == 0 ? 0 : sequences.Max(s => s.Count);
        var ids = new int[m, steps];
        var mask = new bool[m, steps];
        for (int b = 0; b < m; b++)
            for (int t = 0; t < steps; t++)
            {
                mask[b, t] = t < sequences[b].Count;
                ids[b, t] = mask[b, t] ? sequences[b][t] : padId;
            }
        return (ids, mask);
    }

    /// <summary>
    /// One batch from sentences: word ids (unknown words → <see cref="Vocabulary.UnkId"/>) and tag ids, both
    /// Steps × m step-major <see cref="TokenBatch"/>es padded to the longest sentence, with the same lengths.
    /// </summary>
    /// <exception cref="KeyNotFoundException">A tag is not in <paramref name="tagMap"/>.</exception>
    public static (TokenBatch Words, TokenBatch Tags) Encode(IReadOnlyList<TaggedSentence> sentences, Vocabulary vocabulary, TagMap tagMap)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(tagMap);
        var words = new IReadOnlyList<int>[sentences.Count];
        var tags = new IReadOnlyList<int>[sentences.Count];
        for (int b = 0; b < sentences.Count; b++)
        {
            var s = sentences[b].Validate();
            words[b] = vocabulary.Encode(s.Tokens);
            tags[b] = tagMap.Encode(s.Tags);
        }
        return (TokenBatch.FromSequences(words, Vocabulary.PadId), TokenBatch.FromSequences(tags, TagMap.PadId));
    }

    /// <summary>
    /// Which sentences go into which batch, as indices: consecutive groups of <paramref name="batchSize"/> (the last
    /// group may be smaller). With <paramref name="random"/>, the sentences are first put in a random order.
    /// With <paramref name="bucketByLength"/>, they are then sorted by length (a stable sort, so equal lengths keep
    /// the random order) before grouping, so each batch holds sentences of similar length and little padding, and,
    /// with <paramref name="random"/>, the order of the batches is shuffled too. The same seed gives the same plan.
    /// </summary>
    public static int[][] Plan(IReadOnlyList<int> lengths, int batchSize, Random? random = null, bool bucketByLength = false)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var order = Enumerable.Range(0, lengths.Count).ToArray();
        random?.Shuffle(order);
        if (bucketByLength) order = [.. order.OrderBy(i => lengths[i])];
        var batches = order.Chunk(batchSize).ToArray();
        if (bucketByLength) random?.Shuffle(batches);
        return batches;
    }

    /// <summary>
    /// All the batches of an epoch: <see cref="Plan"/> then <see cref="Encode"/> for each group. Pass a new or
    /// continuing <paramref name="random"/> each epoch for a new order; pass none to keep file order.
    /// </summary>
    public static IReadOnlyList<(TokenBatch Words, TokenBatch Tags)> Make(IReadOnlyList<TaggedSentence> sentences,
        Vocabulary vocabulary, TagMap tagMap, int batchSize, Random? random = null, bool bucketByLength = false)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var plan = Plan(sentences.Select(s => s.Length).ToArray(), batchSize, random, bucketByLength);
        return plan.Select(group => Encode(group.Select(i => sentences[i]).ToArray(), vocabulary, tagMap)).ToArray();
    }
}
