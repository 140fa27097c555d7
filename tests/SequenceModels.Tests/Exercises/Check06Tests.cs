using SequenceModels.Exercises;
using SequenceModels.Text;

namespace SequenceModels.Tests.Exercises;

public class Check06Tests
{
    // Independent solutions, written the way a student would.
    private static (int[,] Ids, bool[,] Mask) Pad(int[][] sentences, int padId)
    {
        int m = sentences.Length, steps = sentences.Max(s => s.Length);
        var ids = new int[m, steps];
        var mask = new bool[m, steps];
        for (int b = 0; b < m; b++)
            for (int t = 0; t < steps; t++)
            {
                bool real = t < sentences[b].Length;
                ids[b, t] = real ? sentences[b][t] : padId;
                mask[b, t] = real;
            }
        return (ids, mask);
    }

    private static double Accuracy(int[,] labels, int[,] predicted, bool[,] mask)
    {
        int correct = 0, total = 0;
        for (int b = 0; b < labels.GetLength(0); b++)
            for (int t = 0; t < labels.GetLength(1); t++)
                if (mask[b, t])
                {
                    total++;
                    if (labels[b, t] == predicted[b, t]) correct++;
                }
        return (double)correct / total;
    }

    private static List<Entity> Entities(string[] tags, bool flushAtEnd = true, bool typeMustMatch = true)
    {
        var result = new List<Entity>();
        string? type = null;
        int start = 0;
        for (int i = 0; i < tags.Length; i++)
        {
            string prefix = tags[i][..1], tagType = tags[i] == "O" ? "" : tags[i][2..];
            if (prefix == "I" && type is not null && (!typeMustMatch || tagType == type)) continue;
            if (type is not null) result.Add(new Entity(type, start, i));
            type = prefix == "O" ? null : tagType;
            start = i;
        }
        if (type is not null && flushAtEnd) result.Add(new Entity(type, start, tags.Length));
        return result;
    }

    private static void AssertFailed(CheckResult result, string firstMessageStart, string? diagnosis = null)
    {
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith(firstMessageStart, result.Messages[0]);
        if (diagnosis is not null) Assert.Contains($"It looks like {diagnosis}.", result.Messages);
    }

    [Fact]
    public void Pad_batch_passes_a_correct_function() => Assert.Equal(CheckStatus.Passed, Check.PadBatch(Pad).Status);

    [Fact]
    public void Pad_batch_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.PadBatch((_, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Pad_batch_transposed_fails_on_the_shape()
    {
        var result = Check.PadBatch((s, p) =>
        {
            var (ids, mask) = Pad(s, p);
            var (ti, tm) = (new int[ids.GetLength(1), ids.GetLength(0)], new bool[ids.GetLength(1), ids.GetLength(0)]);
            for (int b = 0; b < ids.GetLength(0); b++)
                for (int t = 0; t < ids.GetLength(1); t++) (ti[t, b], tm[t, b]) = (ids[b, t], mask[b, t]);
            return (ti, tm);
        });
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Equal("Case \"shapes: 3 sentences of lengths 3, 2, 5\": Ids has shape (5 × 3), expected (3 × 5) = m × T " +
                     "(transposed? rows are sentences, columns are steps).", result.Messages[0]);
    }

    [Fact]
    public void Pad_batch_padding_with_zero_is_recognised() =>
        AssertFailed(Check.PadBatch((s, _) => Pad(s, 0)), "Case \"a padding id other than 0 (99)\": Ids[0, 2] is 0, expected 99 (padding).",
            "the padding is 0 instead of padId");

    [Fact]
    public void Pad_batch_with_an_inverted_mask_is_recognised()
    {
        var result = Check.PadBatch((s, p) =>
        {
            var (ids, mask) = Pad(s, p);
            for (int b = 0; b < mask.GetLength(0); b++)
                for (int t = 0; t < mask.GetLength(1); t++) mask[b, t] = !mask[b, t];
            return (ids, mask);
        });
        AssertFailed(result, "Case \"one sentence, nothing to pad\": Mask[0, 0] is false, expected true", "the mask is inverted (true at padding)");
    }

    [Fact]
    public void Pad_batch_with_a_mask_from_the_ids_is_caught_where_a_word_equals_the_padding()
    {
        var result = Check.PadBatch((s, p) =>
        {
            var (ids, mask) = Pad(s, p);
            for (int b = 0; b < mask.GetLength(0); b++)
                for (int t = 0; t < mask.GetLength(1); t++) mask[b, t] = ids[b, t] != p;
            return (ids, mask);
        });
        AssertFailed(result, "Case \"the padding id is also a word (5)\": Mask[0, 0] is false, expected true (a word of sentence 0).",
            "the mask compares ids with padId instead of using the lengths");
    }

    [Fact]
    public void Pad_batch_padded_on_the_left_is_recognised()
    {
        var result = Check.PadBatch((s, p) =>
        {
            var (ids, mask) = (new int[s.Length, s.Max(x => x.Length)], new bool[s.Length, s.Max(x => x.Length)]);
            for (int b = 0; b < s.Length; b++)
                for (int t = 0; t < ids.GetLength(1); t++)
                {
                    int k = t - (ids.GetLength(1) - s[b].Length);
                    (ids[b, t], mask[b, t]) = k >= 0 ? (s[b][k], true) : (p, false);
                }
            return (ids, mask);
        });
        AssertFailed(result, "Case \"sentences of different lengths\": Ids[1, 0] is 0, expected 2", "the padding comes before the words (left padding)");
    }

    [Fact]
    public void Masked_accuracy_passes_a_correct_function() => Assert.Equal(CheckStatus.Passed, Check.MaskedAccuracy(Accuracy).Status);

    [Fact]
    public void Masked_accuracy_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.MaskedAccuracy((_, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Masked_accuracy_ignoring_the_mask_is_caught_by_padding_predicted_as_its_label()
    {
        var result = Check.MaskedAccuracy((y, p, _) => Accuracy(y, p, new bool[y.GetLength(0), y.GetLength(1)].Fill(true)));
        AssertFailed(result, "Case \"padding whose prediction equals the padding label\": the masked accuracy: expected 0.666667, got 0.75",
            "the mask is ignored (padded positions are counted)");
    }

    [Fact]
    public void Masked_accuracy_dividing_by_every_position_is_recognised()
    {
        var result = Check.MaskedAccuracy((y, p, mask) =>
        {
            int correct = 0;
            for (int b = 0; b < y.GetLength(0); b++)
                for (int t = 0; t < y.GetLength(1); t++)
                    if (mask[b, t] && y[b, t] == p[b, t]) correct++;
            return (double)correct / y.Length;
        });
        AssertFailed(result, "Case \"padding whose prediction equals the padding label\": the masked accuracy: expected 0.666667, got 0.5",
            "the total counts every position, padding included (only the correct count is masked)");
    }

    [Fact]
    public void Masked_accuracy_with_integer_division_is_recognised()
    {
        var result = Check.MaskedAccuracy((y, p, mask) =>
        {
            int correct = 0, total = 0;
            for (int b = 0; b < y.GetLength(0); b++)
                for (int t = 0; t < y.GetLength(1); t++)
                    if (mask[b, t]) { total++; if (y[b, t] == p[b, t]) correct++; }
            return correct / total;
        });
        AssertFailed(result, "Case \"no padding: 3 of 4 tags right\": the masked accuracy: expected 0.75, got 0", "the division is an integer division");
    }

    [Fact]
    public void Masked_accuracy_returning_the_error_rate_is_recognised() =>
        AssertFailed(Check.MaskedAccuracy((y, p, m) => 1 - Accuracy(y, p, m)), "Case \"no padding: 3 of 4 tags right\": the masked accuracy: expected 0.75, got 0.25",
            "the error rate was returned (1 − accuracy)");

    [Fact]
    public void Entities_passes_a_correct_function() => Assert.Equal(CheckStatus.Passed, Check.Entities(t => Entities(t)).Status);

    [Fact]
    public void Entities_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.Entities(_ => throw new NotImplementedException()).Status);

    [Fact]
    public void Entities_forgetting_the_last_entity_is_caught_at_the_end_of_the_sentence() =>
        AssertFailed(Check.Entities(t => Entities(t, flushAtEnd: false)),
            "Case \"an entity that ends the sentence\": expected (org, 2, 4); got none.",
            "the entity still open at the end of the sentence is not added");

    [Fact]
    public void Entities_with_an_inclusive_end_are_recognised() =>
        AssertFailed(Check.Entities(t => Entities(t).Select(e => e with { End = e.End - 1 }).ToList()),
            "Case \"one entity of one token\": expected (geo, 1, 2); got (geo, 1, 1).",
            "End is the last token (inclusive) instead of one past it");

    [Fact]
    public void Entities_continuing_across_types_are_recognised() =>
        AssertFailed(Check.Entities(t => Entities(t, typeMustMatch: false)),
            "Case \"an I- tag of another type\": expected (org, 0, 1), (per, 1, 2), (gpe, 3, 5), (geo, 5, 6); got (org, 0, 2), (gpe, 3, 6).",
            "an I- tag continues any open entity, whatever its type");

    [Fact]
    public void Entities_dropping_those_that_start_with_i_are_recognised() =>
        AssertFailed(Check.Entities(t => Entities(t).Where(e => t[e.Start].StartsWith('B')).ToList()),
            "Case \"an I- tag after O\": expected (geo, 1, 3), (per, 4, 5); got (per, 4, 5).",
            "entities that begin with an I- tag are dropped");

    [Fact]
    public void Entities_returning_null_is_reported() =>
        AssertFailed(Check.Entities(_ => null!), "Case \"one entity of one token\": the list of entities is null");
}

internal static class ArrayExtensions
{
    public static bool[,] Fill(this bool[,] array, bool value)
    {
        for (int i = 0; i < array.GetLength(0); i++)
            for (int j = 0; j < array.GetLength(1); j++) array[i, j] = value;
        return array;
    }
}
