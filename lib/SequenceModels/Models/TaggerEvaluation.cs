using SequenceModels.Text;

namespace SequenceModels;

/// <summary>
/// How well predicted tags match gold ones over a set of sentences: the masked token accuracy (real tokens only),
/// the all-O baseline it has to beat, entity-level precision/recall/F1 with conlleval semantics, and the confusion
/// matrix of tags.
/// </summary>
/// <param name="MaskedAccuracy">The fraction of real tokens whose predicted tag is the gold tag.</param>
/// <param name="AllOBaseline">The accuracy of tagging every token O.</param>
/// <param name="Entities">Entity precision, recall and F1, overall and per type; null when the tags are not BIO entity
/// tags (part-of-speech tags, for example).</param>
/// <param name="Confusion">Gold tag (rows) × predicted tag (columns) counts.</param>
/// <param name="Predicted">The predicted tags of each sentence.</param>
public sealed record TaggerEvaluation(double MaskedAccuracy, double AllOBaseline, EntityScores? Entities, ConfusionMatrix Confusion,
    IReadOnlyList<IReadOnlyList<string>> Predicted)
{
    /// <summary>Scores predicted tags against gold tags, sentence by sentence.</summary>
    /// <param name="gold">The reference tags of each sentence.</param>
    /// <param name="predicted">The predicted tags, one per token.</param>
    /// <param name="labels">The confusion matrix's labels (a tag map's tags); gold or predicted tags missing from
    /// them are added at the end.</param>
    public static TaggerEvaluation Compute(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted,
        IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(labels);
        var all = labels.Concat(gold.Concat(predicted).SelectMany(t => t)).Distinct(StringComparer.Ordinal).ToArray();
        var entities = all.All(BioTags.IsValid) ? NerMetrics.Entities(gold, predicted) : null;
        return new TaggerEvaluation(NerMetrics.TokenAccuracy(gold, predicted), NerMetrics.AllOBaseline(gold), entities,
            ConfusionMatrix.From(gold, predicted, all), predicted);
    }

    /// <summary>The summary lines, for example <c>masked accuracy: 0.9612</c>, then the per-type entity table.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"masked accuracy: {MaskedAccuracy:F4}{Environment.NewLine}all-O baseline: {AllOBaseline:F4}{Environment.NewLine}") +
        (Entities is null ? "" : FormattableString.Invariant($"entity F1: {Entities.Overall.F1:F4}{Environment.NewLine}{Entities}"));
}
