namespace SequenceModels.Text;

/// <summary>
/// What went wrong with the entities a tagger missed, sorted the way an error analysis reads them. Each gold entity
/// that is not predicted exactly falls in the first class that fits: <see cref="WrongType"/> (a predicted entity
/// has the same span but another type), <see cref="WrongBoundary"/> (a predicted entity of the same type overlaps it),
/// <see cref="WrongBoth"/> (only predicted entities of another type overlap it), or <see cref="Missed"/> (nothing
/// predicted overlaps it). A predicted entity that overlaps no gold entity is <see cref="Spurious"/>.
/// </summary>
/// <param name="Gold">Gold entities.</param>
/// <param name="Predicted">Predicted entities.</param>
/// <param name="Correct">Gold entities predicted exactly (type and both boundaries).</param>
/// <param name="WrongType">Right span, wrong type.</param>
/// <param name="WrongBoundary">Right type, overlapping span.</param>
/// <param name="WrongBoth">Overlapped only by entities of another type and span.</param>
/// <param name="Missed">No predicted entity overlaps it.</param>
/// <param name="Spurious">Predicted entities that overlap no gold entity.</param>
public sealed record EntityErrors(int Gold, int Predicted, int Correct, int WrongType, int WrongBoundary, int WrongBoth, int Missed, int Spurious)
{
    /// <summary>Sorts the entities of gold and predicted tag sequences, sentence by sentence, read in <paramref name="scheme"/>.</summary>
    public static EntityErrors Compute(IEnumerable<IReadOnlyList<string>> gold, IEnumerable<IReadOnlyList<string>> predicted,
        TagScheme scheme = TagScheme.Bio)
    {
        int g = 0, p = 0, correct = 0, type = 0, boundary = 0, both = 0, missed = 0, spurious = 0;
        foreach (var (goldTags, predictedTags) in NerMetrics.Pairs(gold, predicted))
        {
            var goldEntities = TagSchemes.Entities(goldTags, scheme);
            var predictedEntities = TagSchemes.Entities(predictedTags, scheme);
            g += goldEntities.Count;
            p += predictedEntities.Count;
            static bool Overlap(Entity a, Entity b) => a.Start < b.End && b.Start < a.End;
            foreach (var e in goldEntities)
            {
                var overlapping = predictedEntities.Where(x => Overlap(x, e)).ToArray();
                if (overlapping.Contains(e)) correct++;
                else if (overlapping.Any(x => x.Start == e.Start && x.End == e.End)) type++;
                else if (overlapping.Any(x => x.Type == e.Type)) boundary++;
                else if (overlapping.Length > 0) both++;
                else missed++;
            }
            spurious += predictedEntities.Count(x => !goldEntities.Any(e => Overlap(x, e)));
        }
        return new EntityErrors(g, p, correct, type, boundary, both, missed, spurious);
    }
}
