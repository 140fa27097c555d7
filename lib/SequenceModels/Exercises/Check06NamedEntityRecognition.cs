using SequenceModels.Text;

namespace SequenceModels.Exercises;

public static partial class Check
{
    /// <summary>
    /// Exercise 6.1: pad sentences of word ids into one m × T batch (T the longest length) and its mask, true exactly
    /// at real positions. The reference is <see cref="SentenceBatches.Pad"/>; <see cref="TokenBatch.FromSequences"/>
    /// pads too.
    /// </summary>
    [Reference(typeof(SentenceBatches), nameof(SentenceBatches.Pad))]
    [Reference(typeof(TokenBatch), nameof(TokenBatch.FromSequences))]
    [Exercise("06.pad-batch", "Exercise 6.1 — the padded batch and its mask")]
    public static CheckResult PadBatch(Func<int[][], int, (int[,] Ids, bool[,] Mask)> padBatch)
    {
        ArgumentNullException.ThrowIfNull(padBatch);
        const string id = "06.pad-batch", title = "Exercise 6.1 — the padded batch and its mask";
        (int[][] Sentences, int Pad)[] cases =
        [
            ([[4, 9, 2], [7, 3], [5, 8, 6, 1, 2]], 0),
            ([[3, 1, 4, 1, 5]], 0),
            ([[2, 7, 1, 8], [2, 8], [1, 8, 2, 8], [4]], 0),
            ([[12, 5], [6, 2, 9, 11], [3]], 99),
            ([[5, 5, 5], [5], [5, 5]], 5),
        ];
        (int[,], bool[,]) Reference(int c) => SentenceBatches.Pad(cases[c].Sentences, cases[c].Pad);
        (int[,], bool[,]) Student(int c) => padBatch(cases[c].Sentences.Select(s => (int[])s.Clone()).ToArray(), cases[c].Pad);
        (int[,], bool[,]) Variant(int c, Func<int[][], int, (int[,], bool[,])> f) => f(cases[c].Sentences, cases[c].Pad);
        return new ExerciseCheck<(int[,] Ids, bool[,] Mask)>(id, title, CompareBatches)
            .Case("shapes: 3 sentences of lengths 3, 2, 5", "One row per sentence and one column per step: m × T, where T is the longest length (5), for both the ids and the mask.",
                () => Student(0), () => Reference(0), CompareShapes)
            .Case("one sentence, nothing to pad", "With one sentence the batch is that sentence (1 × T) and the mask is all true.",
                () => Student(1), () => Reference(1))
            .Case("sentences of different lengths", "Row b holds sentence b from column 0, then the padding id up to T; the mask is true exactly where a word of the sentence is.",
                () => Student(2), () => Reference(2))
            .Case("a padding id other than 0 (99)", "Fill the padding with the padId argument, not a fixed 0.",
                () => Student(3), () => Reference(3))
            .Case("the padding id is also a word (5)", "The mask must come from the lengths, not from comparing ids with padId: here the real word 5 equals the padding id.",
                () => Student(4), () => Reference(4))
            .Mistake("the batch is transposed (T × m: one row per step)", c => Variant(c, (s, p) => { var (i, m) = SentenceBatches.Pad(s, p); return (Transpose(i), Transpose(m)); }))
            .Mistake("the padding is 0 instead of padId", c => Variant(c, (s, _) => { var (i, m) = SentenceBatches.Pad(s, 0); return (i, m); }))
            .Mistake("the mask is inverted (true at padding)", c => Variant(c, (s, p) => { var (i, m) = SentenceBatches.Pad(s, p); return (i, Map(m, x => !x)); }))
            .Mistake("the mask compares ids with padId instead of using the lengths", c => Variant(c, (s, p) => { var (i, _) = SentenceBatches.Pad(s, p); return (i, Map(i, x => x != p)); }))
            .Mistake("the padding comes before the words (left padding)", c => Variant(c, LeftPadded))
            .Run();
    }

    /// <summary>
    /// Exercise 6.3: masked accuracy, correct real positions over real positions, with labels, predictions and mask all
    /// m × T. The reference is <see cref="NerMetrics.MaskedAccuracy(int[,], int[,], bool[,])"/>.
    /// </summary>
    [Reference(typeof(NerMetrics), nameof(NerMetrics.MaskedAccuracy), nameof(NerMetrics.MaskedCounts))]
    [Exercise("06.masked-accuracy", "Exercise 6.3 — masked accuracy")]
    public static CheckResult MaskedAccuracy(Func<int[,], int[,], bool[,], double> maskedAccuracy)
    {
        ArgumentNullException.ThrowIfNull(maskedAccuracy);
        const string id = "06.masked-accuracy", title = "Exercise 6.3 — masked accuracy";
        // Labels and lengths; the predictions at padded positions are chosen per case to expose the usual mistakes.
        var rng = new Random(106);
        (int[,] Labels, int[,] Predicted, bool[,] Mask)[] cases =
        [
            Batch([[1, 0, 0, 2]], [[1, 0, 3, 2]]),                                                  // no padding: 3 of 4
            Batch([[1, 2, 0, 0], [0, 0]], [[1, 2, 0, 1], [0, 3]], padPrediction: 0, padLabel: 0),    // padding predicted as its label: counts nothing
            Batch([[1, 2, 0, 0], [0, 0]], [[1, 2, 0, 1], [0, 3]], padPrediction: 5, padLabel: 0),    // padding predicted wrong: counts nothing either
            Batch([[0, 0, 0], [0, 4, 4, 0, 0], [3]], [[1, 0, 0], [0, 4, 0, 0, 1], [3]], padPrediction: 0, padLabel: 0),
            RandomBatch(rng),
        ];
        double Reference(int c) => NerMetrics.MaskedAccuracy(cases[c].Labels, cases[c].Predicted, cases[c].Mask);
        double Student(int c) => maskedAccuracy((int[,])cases[c].Labels.Clone(), (int[,])cases[c].Predicted.Clone(), (bool[,])cases[c].Mask.Clone());
        double Counted(int c, bool maskNumerator, bool maskDenominator)
        {
            var (labels, predicted, mask) = cases[c];
            int correct = 0, total = 0;
            foreach (var (b, t) in Positions(labels))
            {
                if (!maskDenominator || mask[b, t]) total++;
                if ((!maskNumerator || mask[b, t]) && labels[b, t] == predicted[b, t]) correct++;
            }
            return (double)correct / total;
        }
        return new ExerciseCheck<double>(id, title, (e, a) => Compare.Scalars("the masked accuracy", e, a, 1e-12))
            .Case("no padding: 3 of 4 tags right", "Without padding this is the plain accuracy: correct positions / all positions.",
                () => Student(0), () => Reference(0))
            .Case("padding whose prediction equals the padding label", "Padded positions (mask false) count neither as right nor in the total: 4 of the 6 real tags are right here.",
                () => Student(1), () => Reference(1))
            .Case("padding whose prediction is wrong", "Padded positions count for nothing, so what the model predicts there must not change the accuracy: divide by the number of real positions.",
                () => Student(2), () => Reference(2))
            .Case("three sentences of lengths 3, 5, 1", "Count, over real positions only, how many predictions equal the label; divide by the number of real positions (as a double).",
                () => Student(3), () => Reference(3))
            .Case("a random batch", "Compare your loops with: accuracy = Σ_real [ŷ = y] / Σ_real 1.",
                () => Student(4), () => Reference(4))
            .Mistake("the mask is ignored (padded positions are counted)", c => Counted(c, false, false))
            .Mistake("the total counts every position, padding included (only the correct count is masked)", c => Counted(c, true, false))
            .Mistake("correct padded positions are counted (only the total is masked)", c => Counted(c, false, true))
            .Mistake("the division is an integer division", c => Math.Floor(Reference(c)))
            .Mistake("the error rate was returned (1 − accuracy)", c => 1 - Reference(c))
            .Run();
    }

    /// <summary>
    /// Exercise 6.4: the entities of one sentence's BIO tags, as (type, start, end) with end exclusive, read the way the
    /// CoNLL evaluation script reads them. The reference is <see cref="BioTags.Entities"/>.
    /// </summary>
    [Reference(typeof(BioTags), nameof(BioTags.Entities))]
    [Exercise("06.entities", "Exercise 6.4 — entities from BIO tags")]
    public static CheckResult Entities(Func<string[], List<Entity>> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        const string id = "06.entities", title = "Exercise 6.4 — entities from BIO tags";
        string[][] cases =
        [
            ["O", "B-geo", "O"],
            ["B-per", "I-per", "I-per", "O", "O"],
            ["O", "O", "B-org", "I-org"],
            ["B-per", "B-per", "O", "B-geo", "B-tim", "I-tim"],
            ["O", "I-geo", "I-geo", "O", "B-per"],
            ["B-org", "I-per", "O", "B-gpe", "I-gpe", "I-geo"],
            ["O", "O", "O"],
            ["B-tim", "I-tim", "O", "B-per", "I-per", "O", "B-geo", "I-geo", "I-geo", "O", "B-gpe"],
        ];
        List<Entity> Reference(int c) => [.. BioTags.Entities(cases[c])];
        List<Entity> Student(int c) => entities((string[])cases[c].Clone());
        return new ExerciseCheck<List<Entity>>(id, title, CompareEntities)
            .Case("one entity of one token", "B-geo at token 1 and O after it: one entity new Entity(\"geo\", 1, 2) — End is one past the last token, like a C# range.",
                () => Student(0), () => Reference(0))
            .Case("an entity of three tokens", "B-per starts the entity and each following I-per extends it: (per, 0, 3).",
                () => Student(1), () => Reference(1))
            .Case("an entity that ends the sentence", "An entity still open after the last tag must be added too: (org, 2, 4).",
                () => Student(2), () => Reference(2))
            .Case("adjacent entities", "Every B- starts a new entity, even right after another entity of the same type (B-per B-per is two people).",
                () => Student(3), () => Reference(3))
            .Case("an I- tag after O", "As the CoNLL evaluation script reads tags, an I-X that does not continue an X entity starts a new one: (geo, 1, 3).",
                () => Student(4), () => Reference(4))
            .Case("an I- tag of another type", "I-per after B-org does not continue the org entity: it starts a per entity. The type must match to continue.",
                () => Student(5), () => Reference(5))
            .Case("no entities", "All O: return an empty list.",
                () => Student(6), () => Reference(6))
            .Case("a longer sentence", "Compare your loop with the rules: B-X starts, I-X continues an open X entity (else starts one), O closes.",
                () => Student(7), () => Reference(7))
            .Mistake("the entity still open at the end of the sentence is not added", c => WithoutFinal(cases[c]))
            .Mistake("End is the last token (inclusive) instead of one past it", c => [.. BioTags.Entities(cases[c]).Select(e => e with { End = e.End - 1 })])
            .Mistake("a B- right after an entity of the same type extends it instead of starting a new one", c => MergedSameType(cases[c]))
            .Mistake("entities that begin with an I- tag are dropped", c => [.. BioTags.Entities(cases[c]).Where(e => cases[c][e.Start][0] == 'B')])
            .Mistake("an I- tag continues any open entity, whatever its type", c => AnyTypeContinues(cases[c]))
            .Run();
    }

    private static string? CompareShapes((int[,] Ids, bool[,] Mask) expected, (int[,] Ids, bool[,] Mask) actual)
    {
        if (actual.Ids is null) return "Ids is null.";
        if (actual.Mask is null) return "Mask is null.";
        return ShapeProblem("Ids", expected.Ids.GetLength(0), expected.Ids.GetLength(1), actual.Ids.GetLength(0), actual.Ids.GetLength(1))
            ?? ShapeProblem("Mask", expected.Mask.GetLength(0), expected.Mask.GetLength(1), actual.Mask.GetLength(0), actual.Mask.GetLength(1));
    }

    private static string? CompareBatches((int[,] Ids, bool[,] Mask) expected, (int[,] Ids, bool[,] Mask) actual)
    {
        if (CompareShapes(expected, actual) is { } shape) return shape;
        foreach (var (b, t) in Positions(expected.Ids))
            if (expected.Ids[b, t] != actual.Ids[b, t])
                return $"Ids[{b}, {t}] is {actual.Ids[b, t]}, expected {expected.Ids[b, t]} ({(expected.Mask[b, t] ? "a word of sentence " + b : "padding")}).";
        foreach (var (b, t) in Positions(expected.Mask))
            if (expected.Mask[b, t] != actual.Mask[b, t])
                return $"Mask[{b}, {t}] is {Lower(actual.Mask[b, t])}, expected {Lower(expected.Mask[b, t])} ({(expected.Mask[b, t] ? "a word of sentence " + b : "padding")}).";
        return null;
    }

    private static string? ShapeProblem(string name, int rows, int columns, int actualRows, int actualColumns)
    {
        if (actualRows == rows && actualColumns == columns) return null;
        string hint = actualRows == columns && actualColumns == rows ? " (transposed? rows are sentences, columns are steps)" : "";
        return $"{name} has shape {Shape.Of(actualRows, actualColumns)}, expected {Shape.Of(rows, columns)} = m × T{hint}.";
    }

    private static string? CompareEntities(List<Entity> expected, List<Entity> actual)
    {
        if (actual is null) return "the list of entities is null (return an empty list when there are none).";
        string Show(IEnumerable<Entity> list) => list.Any() ? string.Join(", ", list.Select(e => $"({e.Type}, {e.Start}, {e.End})")) : "none";
        if (actual.SequenceEqual(expected)) return null;
        return $"expected {Show(expected)}; got {Show(actual)}.";
    }

    private static List<Entity> WithoutFinal(string[] tags)
    {
        var all = BioTags.Entities(tags);
        return [.. all.Where(e => e.End < tags.Length)];
    }

    private static List<Entity> MergedSameType(string[] tags)
    {
        var merged = new List<Entity>();
        foreach (var e in BioTags.Entities(tags))
            if (merged.Count > 0 && merged[^1].Type == e.Type && merged[^1].End == e.Start) merged[^1] = merged[^1] with { End = e.End };
            else merged.Add(e);
        return merged;
    }

    private static List<Entity> AnyTypeContinues(string[] tags)
    {
        var result = new List<Entity>();
        string? type = null;
        int start = 0;
        for (int i = 0; i <= tags.Length; i++)
        {
            string tag = i < tags.Length ? tags[i] : "O";
            if (tag[0] == 'I' && type is not null) continue;
            if (type is not null) result.Add(new Entity(type, start, i));
            (type, start) = tag == "O" ? (null, i) : (tag[2..], i);
        }
        return result;
    }

    private static (int[,], bool[,]) LeftPadded(int[][] sentences, int pad)
    {
        int m = sentences.Length, steps = sentences.Max(s => s.Length);
        var ids = new int[m, steps];
        var mask = new bool[m, steps];
        for (int b = 0; b < m; b++)
        {
            int offset = steps - sentences[b].Length;
            for (int t = 0; t < steps; t++)
            {
                mask[b, t] = t >= offset;
                ids[b, t] = mask[b, t] ? sentences[b][t - offset] : pad;
            }
        }
        return (ids, mask);
    }

    private static (int[,] Labels, int[,] Predicted, bool[,] Mask) Batch(int[][] labels, int[][] predicted, int padPrediction = 0, int padLabel = 0)
    {
        var (y, mask) = SentenceBatches.Pad(labels, padLabel);
        var (p, _) = SentenceBatches.Pad(predicted, padPrediction);
        return (y, p, mask);
    }

    private static (int[,] Labels, int[,] Predicted, bool[,] Mask) RandomBatch(Random rng)
    {
        int[][] lengths = [[7], [3], [5], [1], [6]];
        var labels = lengths.Select(l => Enumerable.Range(0, l[0]).Select(_ => rng.Next(3) == 0 ? rng.Next(1, 5) : 0).ToArray()).ToArray();
        var predicted = labels.Select(s => s.Select(y => rng.Next(4) == 0 ? rng.Next(5) : y).ToArray()).ToArray();
        return Batch(labels, predicted, padPrediction: 2, padLabel: 0);
    }

    private static IEnumerable<(int B, int T)> Positions<TItem>(TItem[,] array)
    {
        for (int b = 0; b < array.GetLength(0); b++)
            for (int t = 0; t < array.GetLength(1); t++) yield return (b, t);
    }

    private static T2[,] Transpose<T2>(T2[,] a)
    {
        var r = new T2[a.GetLength(1), a.GetLength(0)];
        foreach (var (i, j) in Positions(a)) r[j, i] = a[i, j];
        return r;
    }

    private static TOut[,] Map<TIn, TOut>(TIn[,] a, Func<TIn, TOut> f)
    {
        var r = new TOut[a.GetLength(0), a.GetLength(1)];
        foreach (var (i, j) in Positions(a)) r[i, j] = f(a[i, j]);
        return r;
    }

    private static string Lower(bool b) => b ? "true" : "false";
}
