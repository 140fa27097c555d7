using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class SentenceBatchesTests
{
    private static TaggedSentence S(string tokens, string tags) => new(tokens.Split(' '), tags.Split(' '));

    [Fact]
    public void Pad_fills_rows_to_the_longest_sequence_and_masks_the_padding()
    {
        var (ids, mask) = SentenceBatches.Pad([[5, 6, 7], [8], []], padId: 0);
        Assert.Equal(new[,] { { 5, 6, 7 }, { 8, 0, 0 }, { 0, 0, 0 } }, ids);
        Assert.Equal(new[,] { { true, true, true }, { true, false, false }, { false, false, false } }, mask);
        Assert.Equal(new int[0, 0], SentenceBatches.Pad([]).Ids);
    }

    [Fact]
    public void Encode_pads_words_and_tags_step_major_with_the_same_lengths()
    {
        TaggedSentence[] sentences = [S("Oslo is cold", "B-geo O O"), S("Hi", "O")];
        var vocab = Vocabulary.Build(sentences);
        var tags = TagMap.Gmb;
        var (words, tagIds) = SentenceBatches.Encode(sentences, vocab, tags);
        Assert.Equal((3, 2), (words.Steps, words.BatchSize));
        Assert.Equal([3, 1], words.Lengths);
        Assert.Equal(tagIds.Lengths, words.Lengths);
        // step-major: (t, b) at t·2 + b
        Assert.Equal(new[] { vocab["Oslo"], vocab["Hi"], vocab["is"], Vocabulary.PadId, vocab["cold"], Vocabulary.PadId }, words.Ids);
        Assert.Equal(new[] { tags.IdOf("B-geo"), 0, 0, TagMap.PadId, 0, TagMap.PadId }, tagIds.Ids);
        Assert.Equal(Vocabulary.UnkId, SentenceBatches.Encode([S("Rome", "B-geo")], vocab, tags).Words[0, 0]);
    }

    [Fact]
    public void Plan_without_random_keeps_file_order()
    {
        Assert.Equal([[0, 1], [2, 3], [4]], SentenceBatches.Plan([5, 1, 4, 2, 3], batchSize: 2));
    }

    [Fact]
    public void Bucketing_without_random_sorts_by_length()
    {
        Assert.Equal([[1, 3], [4, 2], [0]], SentenceBatches.Plan([5, 1, 4, 2, 3], batchSize: 2, bucketByLength: true));
    }

    [Fact]
    public void Seeded_shuffle_is_reproducible_and_a_permutation()
    {
        int[] lengths = [.. Enumerable.Range(0, 50).Select(i => 1 + i % 7)];
        var a = SentenceBatches.Plan(lengths, 8, new Random(3));
        var b = SentenceBatches.Plan(lengths, 8, new Random(3));
        var c = SentenceBatches.Plan(lengths, 8, new Random(4));
        Assert.Equal(a, b);
        Assert.NotEqual(a.SelectMany(x => x), c.SelectMany(x => x));
        Assert.Equal(Enumerable.Range(0, 50), a.SelectMany(x => x).Order());
        Assert.Equal([8, 8, 8, 8, 8, 8, 2], a.Select(x => x.Length));
        Assert.NotEqual(Enumerable.Range(0, 50), a.SelectMany(x => x));
    }

    [Fact]
    public void Bucketed_batches_do_not_overlap_in_length()
    {
        var rng = new Random(5);
        int[] lengths = [.. Enumerable.Range(0, 200).Select(_ => rng.Next(1, 41))];
        var plan = SentenceBatches.Plan(lengths, 16, new Random(6), bucketByLength: true);
        Assert.Equal(Enumerable.Range(0, 200), plan.SelectMany(x => x).Order());
        var ranges = plan.Select(batch => (Min: batch.Min(i => lengths[i]), Max: batch.Max(i => lengths[i]))).OrderBy(r => r.Min).ThenBy(r => r.Max).ToArray();
        for (int k = 1; k < ranges.Length; k++) Assert.True(ranges[k - 1].Max <= ranges[k].Min);
        Assert.Equal(plan, SentenceBatches.Plan(lengths, 16, new Random(6), bucketByLength: true));
        int Padding(int[][] p) => p.Sum(batch => batch.Length * batch.Max(i => lengths[i]) - batch.Sum(i => lengths[i]));
        Assert.True(Padding(plan) < Padding(SentenceBatches.Plan(lengths, 16, new Random(6))));
    }

    [Fact]
    public void Make_encodes_every_sentence_once()
    {
        TaggedSentence[] sentences = [.. Enumerable.Range(1, 7).Select(n => S(string.Join(' ', Enumerable.Repeat("w", n)), string.Join(' ', Enumerable.Repeat("O", n))))];
        var vocab = Vocabulary.Build(sentences);
        var batches = SentenceBatches.Make(sentences, vocab, TagMap.Gmb, 3, new Random(1), bucketByLength: true);
        Assert.Equal([3, 3, 1], batches.Select(b => b.Words.BatchSize).OrderDescending());
        Assert.Equal(Enumerable.Range(1, 7), batches.SelectMany(b => b.Words.Lengths).Order());
        Assert.All(batches, b => Assert.Equal(b.Words.Lengths.Max(), b.Words.Steps));
    }
}
