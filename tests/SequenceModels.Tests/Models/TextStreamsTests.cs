using SequenceModels;
using SequenceModels.Text;

namespace SequenceModels.Tests.Models;

public class TextStreamsTests
{
    private static readonly CharVocabulary Letters = CharVocabulary.Build("abcdefghijk");

    /// <summary>A batch's ids as letters, step by step: "af bg" is step 0 = (a, f), step 1 = (b, g).</summary>
    private static string Show(TokenBatch batch) =>
        string.Join(' ', Enumerable.Range(0, batch.Steps).Select(t =>
            Letters.Decode(Enumerable.Range(0, batch.BatchSize).Select(b => batch[t, b]))));

    [Fact]
    public void Two_streams_of_two_steps_read_each_half_of_the_text_in_order()
    {
        // 11 letters, 2 streams: L = 5, stream 0 = abcde, stream 1 = fghij ('k' is left over).
        var streams = new TextStreams(Letters.Encode("abcdefghijk"), streams: 2, steps: 2);
        Assert.Equal(5, streams.StreamLength);
        Assert.Equal(2, streams.BatchCount);
        Assert.Equal(8, streams.TargetCount);
        var (x0, y0) = streams.Batch(0);
        var (x1, y1) = streams.Batch(1);
        Assert.Equal("af bg", Show(x0));
        Assert.Equal("bg ch", Show(y0)); // each target is the next letter of the same stream
        Assert.Equal("ch di", Show(x1)); // batch 1 continues where batch 0 stopped
        Assert.Equal("di ej", Show(y1));
        // Position (t, b) sits at t·m + b, the TokenBatch layout.
        Assert.Equal(Letters.Encode("afbg"), x0.Ids);
    }

    [Fact]
    public void The_last_batch_is_shorter_when_the_steps_do_not_divide_the_stream()
    {
        var streams = new TextStreams(Letters.Encode("abcdefghijk"), streams: 2, steps: 3);
        Assert.Equal(2, streams.BatchCount);
        Assert.Equal(1, streams.FullBatchCount);
        var (x0, y0) = streams.Batch(0);
        var (x1, y1) = streams.Batch(1);
        Assert.Equal("af bg ch", Show(x0));
        Assert.Equal("bg ch di", Show(y0));
        Assert.Equal("di", Show(x1));
        Assert.Equal("ej", Show(y1));
        Assert.Equal(x0.RealCount + x1.RealCount, streams.TargetCount);
    }

    [Fact]
    public void An_offset_skips_the_first_ids()
    {
        var streams = new TextStreams(Letters.Encode("abcdefghijk"), streams: 2, steps: 2, offset: 1);
        Assert.Equal("bg ch", Show(streams.Batch(0).Inputs));
        Assert.Equal('k', Letters.CharOf(streams.At(1, 4)));
    }

    [Fact]
    public void Every_character_after_the_first_of_each_stream_is_a_target_exactly_once()
    {
        var ids = Enumerable.Range(0, 1000).ToArray(); // id = position, so each target names itself
        var streams = new TextStreams(ids, streams: 7, steps: 9);
        var seen = new List<int>();
        for (int k = 0; k < streams.BatchCount; k++) seen.AddRange(streams.Batch(k).Targets.Ids);
        int l = streams.StreamLength; // 142
        var expected = Enumerable.Range(0, 7).SelectMany(b => Enumerable.Range(b * l + 1, l - 1));
        Assert.Equal(expected.Order(), seen.Order());
    }

    [Fact]
    public void A_text_too_short_for_the_streams_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new TextStreams([1, 2, 3], streams: 2, steps: 4));
        Assert.Contains("too short for 2 streams", e.Message);
    }
}
