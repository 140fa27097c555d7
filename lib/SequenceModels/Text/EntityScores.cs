using System.Globalization;
using System.Text;

namespace SequenceModels.Text;

/// <summary>
/// Entity counts for precision, recall and F1: <paramref name="Gold"/> entities in the reference,
/// <paramref name="Predicted"/> entities in the prediction, <paramref name="Correct"/> predicted entities that match
/// a gold entity exactly (type, start and end).
/// </summary>
/// <param name="Gold">Entities in the reference tags.</param>
/// <param name="Predicted">Entities in the predicted tags.</param>
/// <param name="Correct">Predicted entities equal to a gold entity.</param>
public sealed record EntityCounts(int Gold, int Predicted, int Correct)
{
    /// <summary>Correct / Predicted, 0 when nothing was predicted (as conlleval reports it).</summary>
    public double Precision => Predicted == 0 ? 0 : (double)Correct / Predicted;

    /// <summary>Correct / Gold, 0 when there is no gold entity.</summary>
    public double Recall => Gold == 0 ? 0 : (double)Correct / Gold;

    /// <summary>The harmonic mean 2PR / (P + R), 0 when P + R = 0.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>Adds two sets of counts.</summary>
    public static EntityCounts operator +(EntityCounts a, EntityCounts b) =>
        new(a.Gold + b.Gold, a.Predicted + b.Predicted, a.Correct + b.Correct);
}

/// <summary>
/// Entity-level scores with the CoNLL evaluation script's semantics: entities are read from BIO tags by
/// <see cref="BioTags.Entities"/>, and a predicted entity is correct only when a gold entity has the same type and
/// the same two boundaries; a partial overlap counts as one miss (recall) and one false alarm (precision).
/// </summary>
/// <param name="Overall">All types together (micro-averaged, as conlleval's overall line).</param>
/// <param name="PerType">Each type seen in the gold or the predicted tags, in ordinal order.</param>
public sealed record EntityScores(EntityCounts Overall, IReadOnlyDictionary<string, EntityCounts> PerType)
{
    /// <summary>Scores the entities of predicted tag sequences against gold ones, sentence by sentence.</summary>
    /// <param name="gold">The reference tags of each sentence.</param>
    /// <param name="predicted">The predicted tags of the same sentences, one per token.</param>
    public static EntityScores Compute(IEnumerable<IReadOnlyList<string>> gold, IEnumerable<IReadOnlyList<string>> predicted) =>
        Compute(gold, predicted, TagScheme.Bio);

    /// <summary>
    /// Scores tags written in <paramref name="scheme"/> (IOB1, BIO or BIOES), reading their entities with
    /// <see cref="TagSchemes.Entities"/>: the CoNLL evaluation script's rules, applied to the scheme the data is in.
    /// </summary>
    public static EntityScores Compute(IEnumerable<IReadOnlyList<string>> gold, IEnumerable<IReadOnlyList<string>> predicted, TagScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        var perType = new SortedDictionary<string, EntityCounts>(StringComparer.Ordinal);
        void Add(string type, EntityCounts c) => perType[type] = perType.GetValueOrDefault(type, new(0, 0, 0)) + c;
        foreach (var (g, p) in NerMetrics.Pairs(gold, predicted))
        {
            var goldEntities = TagSchemes.Entities(g, scheme);
            var predictedEntities = TagSchemes.Entities(p, scheme);
            var goldSet = goldEntities.ToHashSet();
            foreach (var e in goldEntities) Add(e.Type, new(1, 0, 0));
            foreach (var e in predictedEntities) Add(e.Type, new(0, 1, goldSet.Contains(e) ? 1 : 0));
        }
        var overall = perType.Values.Aggregate(new EntityCounts(0, 0, 0), (a, b) => a + b);
        return new EntityScores(overall, perType);
    }

    /// <summary>A table like conlleval's: one row per type and an overall row, scores as fractions.</summary>
    public override string ToString()
    {
        int width = Math.Max("overall".Length, PerType.Keys.DefaultIfEmpty("").Max(k => k.Length));
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"type".PadRight(width)}  precision  recall      F1    gold  predicted  correct");
        void Row(string name, EntityCounts c) => text.AppendLine(CultureInfo.InvariantCulture,
            $"{name.PadRight(width)}  {c.Precision,9:F4}  {c.Recall,6:F4}  {c.F1,6:F4}  {c.Gold,6}  {c.Predicted,9}  {c.Correct,7}");
        foreach (var (type, counts) in PerType) Row(type, counts);
        Row("overall", Overall);
        return text.ToString();
    }
}
