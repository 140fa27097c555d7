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
/// <param name="Predicted">The predicted tags of each sentence, written in <see cref="Scheme"/>.</param>
public sealed record TaggerEvaluation(double MaskedAccuracy, double AllOBaseline, EntityScores? Entities, ConfusionMatrix Confusion,
    IReadOnlyList<IReadOnlyList<string>> Predicted)
{
    /// <summary>The scheme the entity tags were written in when they were scored (BIO unless the data had another).</summary>
    public TagScheme Scheme { get; init; } = TagScheme.Bio;

    /// <summary>Scores predicted tags against gold tags, sentence by sentence.</summary>
    /// <param name="gold">The reference tags of each sentence.</param>
    /// <param name="predicted">The predicted tags, one per token.</param>
    /// <param name="labels">The confusion matrix's labels (a tag map's tags); gold or predicted tags missing from
    /// them are added at the end.</param>
    public static TaggerEvaluation Compute(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted,
        IReadOnlyList<string> labels) => Compute(gold, predicted, labels, TagScheme.Bio);

    /// <summary>
    /// Scores BIO tags in the scheme the data was written in, as conlleval would score the original files: gold and
    /// predicted tags are first written in <paramref name="scheme"/> (<see cref="TagSchemes.FromBio"/>), then
    /// accuracy, entities and the confusion matrix are computed on those tags. With <see cref="TagScheme.Bio"/>, or
    /// tags that are not entity tags, nothing is converted.
    /// </summary>
    /// <param name="gold">The reference tags of each sentence, BIO.</param>
    /// <param name="predicted">The predicted tags, BIO, one per token.</param>
    /// <param name="labels">The confusion matrix's labels, BIO (converted with the tags).</param>
    /// <param name="scheme">The scheme of the original data: Bio, Iob1 or Bioes.</param>
    public static TaggerEvaluation Compute(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted,
        IReadOnlyList<string> labels, TagScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(labels);
        var all = labels.Concat(gold.Concat(predicted).SelectMany(t => t)).Distinct(StringComparer.Ordinal).ToArray();
        bool entityTags = all.All(BioTags.IsValid);
        if (entityTags && scheme != TagScheme.Bio)
        {
            gold = gold.Select(g => (IReadOnlyList<string>)TagSchemes.FromBio(g, scheme)).ToArray();
            predicted = predicted.Select(p => (IReadOnlyList<string>)TagSchemes.FromBio(p, scheme)).ToArray();
            var types = all.Where(t => t != BioTags.Outside).Select(BioTags.TypeOf).Distinct(StringComparer.Ordinal);
            all = TagSchemes.TagsFor(types, scheme).Concat(gold.Concat(predicted).SelectMany(t => t)).Distinct(StringComparer.Ordinal).ToArray();
        }
        var entities = entityTags ? EntityScores.Compute(gold, predicted, scheme) : null;
        return new TaggerEvaluation(NerMetrics.TokenAccuracy(gold, predicted), NerMetrics.AllOBaseline(gold), entities,
            ConfusionMatrix.From(gold, predicted, all), predicted) { Scheme = entityTags ? scheme : TagScheme.Bio };
    }

    /// <summary>The summary lines, for example <c>masked accuracy: 0.9612</c>, then the per-type entity table.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"masked accuracy: {MaskedAccuracy:F4}{Environment.NewLine}all-O baseline: {AllOBaseline:F4}{Environment.NewLine}") +
        (Entities is null ? "" : FormattableString.Invariant($"entity F1: {Entities.Overall.F1:F4}{Environment.NewLine}{Entities}"));
}
