namespace SequenceModels.Text;

/// <summary>
/// Scores of a tagger: masked token accuracy (padding excluded), the all-O baseline it must beat, and entity-level
/// precision, recall and F1 with conlleval semantics (see <see cref="EntityScores"/>). Accuracies over no tokens
/// are NaN.
/// </summary>
public static class NerMetrics
{
    /// <summary>
    /// The lecture's masked accuracy on one padded batch: the fraction of real positions (Mask true) where the
    /// prediction equals the label. All three arrays are m × T.
    /// </summary>
    public static double MaskedAccuracy(int[,] labels, int[,] predicted, bool[,] mask)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(mask);
        string shape = Shape.Of(labels.GetLength(0), labels.GetLength(1));
        if (predicted.GetLength(0) != labels.GetLength(0) || predicted.GetLength(1) != labels.GetLength(1))
            throw new ShapeException(nameof(predicted), shape, Shape.Of(predicted.GetLength(0), predicted.GetLength(1)));
        if (mask.GetLength(0) != labels.GetLength(0) || mask.GetLength(1) != labels.GetLength(1))
            throw new ShapeException(nameof(mask), shape, Shape.Of(mask.GetLength(0), mask.GetLength(1)));
        int correct = 0, total = 0;
        for (int b = 0; b < labels.GetLength(0); b++)
            for (int t = 0; t < labels.GetLength(1); t++)
                if (mask[b, t])
                {
                    total++;
                    if (predicted[b, t] == labels[b, t]) correct++;
                }
        return (double)correct / total;
    }

    /// <summary>
    /// Correct and real positions of one batch: <paramref name="predicted"/> holds Steps·BatchSize tag ids in the
    /// batch's step-major layout (position (t, b) at t·BatchSize + b); padded positions are skipped whatever
    /// they hold. Sum these over batches for a data set's accuracy.
    /// </summary>
    public static (int Correct, int Total) MaskedCounts(TokenBatch gold, IReadOnlyList<int> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        RequireLayout(gold, predicted);
        int correct = 0;
        for (int b = 0; b < gold.BatchSize; b++)
            for (int t = 0; t < gold.Lengths[b]; t++)
                if (predicted[t * gold.BatchSize + b] == gold[t, b]) correct++;
        return (correct, gold.RealCount);
    }

    /// <summary>The masked accuracy of one batch (see <see cref="MaskedCounts"/>).</summary>
    public static double MaskedAccuracy(TokenBatch gold, IReadOnlyList<int> predicted)
    {
        var (correct, total) = MaskedCounts(gold, predicted);
        return (double)correct / total;
    }

    /// <summary>The fraction of tokens whose predicted tag equals the gold tag, over sentences.</summary>
    public static double TokenAccuracy(IEnumerable<IReadOnlyList<string>> gold, IEnumerable<IReadOnlyList<string>> predicted)
    {
        int correct = 0, total = 0;
        foreach (var (g, p) in Pairs(gold, predicted))
            for (int i = 0; i < g.Count; i++, total++)
                if (g[i] == p[i]) correct++;
        return (double)correct / total;
    }

    /// <summary>
    /// The accuracy of always answering <c>O</c>: the fraction of gold tokens tagged O (0.8460 on the GMB test
    /// split). A tagger that does not beat it has learned nothing about entities.
    /// </summary>
    public static double AllOBaseline(IEnumerable<IReadOnlyList<string>> gold)
    {
        ArgumentNullException.ThrowIfNull(gold);
        int outside = 0, total = 0;
        foreach (var tags in gold)
        {
            total += tags.Count;
            outside += tags.Count(t => t == BioTags.Outside);
        }
        return (double)outside / total;
    }

    /// <summary>The all-O baseline over one batch's real positions, given the id of <c>O</c>.</summary>
    public static double AllOBaseline(TokenBatch gold, int outsideId)
    {
        ArgumentNullException.ThrowIfNull(gold);
        var allO = new int[gold.Ids.Length];
        Array.Fill(allO, outsideId);
        return MaskedAccuracy(gold, allO);
    }

    /// <summary>Entity-level precision, recall and F1, overall and per type (see <see cref="EntityScores"/>).</summary>
    public static EntityScores Entities(IEnumerable<IReadOnlyList<string>> gold, IEnumerable<IReadOnlyList<string>> predicted) =>
        EntityScores.Compute(gold, predicted);

    /// <summary>Gold and predicted tags sentence by sentence, checking there are as many of each.</summary>
    internal static IEnumerable<(IReadOnlyList<string> Gold, IReadOnlyList<string> Predicted)> Pairs(
        IEnumerable<IReadOnlyList<string>> gold, IEnumerable<IReadOnlyList<string>> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        using var g = gold.GetEnumerator();
        using var p = predicted.GetEnumerator();
        for (int i = 0; ; i++)
        {
            bool more = g.MoveNext();
            if (more != p.MoveNext())
                throw new ArgumentException($"{(more ? "predicted" : "gold")} has fewer sentences ({i}) than the other.");
            if (!more) yield break;
            if (g.Current.Count != p.Current.Count)
                throw new ArgumentException($"Sentence {i}: {g.Current.Count} gold tags but {p.Current.Count} predicted tags.");
            yield return (g.Current, p.Current);
        }
    }

    private static void RequireLayout(TokenBatch gold, IReadOnlyList<int> predicted)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        if (predicted.Count != gold.Ids.Length)
            throw new ArgumentException($"predicted has {predicted.Count} ids, expected steps·batch = {gold.Steps}·{gold.BatchSize}.", nameof(predicted));
    }
}
