namespace SequenceModels.Text;

/// <summary>
/// How a tagger does on test entities that occur in its training data and on those that do not, the split of
/// Augenstein, Derczynski and Bontcheva (2017), "Generalisation in named entity recognition". A test entity is
/// <em>seen</em> when some training entity has the same type and the same words (compared without case: <c>new york</c>
/// and <c>New York</c> are one name), and <em>found</em> when the prediction has it exactly, type and both boundaries,
/// as entity F1 counts it. A test set whose entities are mostly seen rewards remembering names; on one whose entities
/// are new (WNUT-17 was built that way) only what a model infers from spelling and context counts.
/// </summary>
/// <param name="Seen">Test entities whose words and type occur as an entity in training.</param>
/// <param name="SeenFound">Of those, the ones predicted exactly.</param>
/// <param name="Unseen">The other test entities.</param>
/// <param name="UnseenFound">Of those, the ones predicted exactly.</param>
public sealed record EntityNovelty(int Seen, int SeenFound, int Unseen, int UnseenFound)
{
    /// <summary>Test entities in all.</summary>
    public int Gold => Seen + Unseen;

    /// <summary>The share of test entities seen in training (0 when there are none).</summary>
    public double SeenShare => Gold == 0 ? 0 : (double)Seen / Gold;

    /// <summary>Recall on the seen entities; NaN when there are none.</summary>
    public double SeenRecall => Seen == 0 ? double.NaN : (double)SeenFound / Seen;

    /// <summary>Recall on the unseen entities; NaN when there are none.</summary>
    public double UnseenRecall => Unseen == 0 ? double.NaN : (double)UnseenFound / Unseen;

    /// <summary>
    /// Sorts the entities of <paramref name="test"/> into seen and unseen by the entities of <paramref name="train"/>,
    /// and counts those of each kind that <paramref name="predicted"/> has exactly.
    /// </summary>
    /// <param name="train">The training sentences (BIO tags).</param>
    /// <param name="test">The test sentences with their gold tags (BIO).</param>
    /// <param name="predicted">The predicted tags of each test sentence, written in <paramref name="scheme"/> and read
    /// as conlleval reads that scheme (for example <see cref="TaggerEvaluation.Predicted"/> with its
    /// <see cref="TaggerEvaluation.Scheme"/>).</param>
    /// <param name="scheme">The scheme of <paramref name="predicted"/>: Bio, Iob1 or Bioes.</param>
    /// <exception cref="ArgumentException">The sentence counts or a sentence's lengths differ, or a tag is not an
    /// entity tag of its scheme.</exception>
    public static EntityNovelty Compute(IEnumerable<TaggedSentence> train, IReadOnlyList<TaggedSentence> test,
        IReadOnlyList<IReadOnlyList<string>> predicted, TagScheme scheme = TagScheme.Bio)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(predicted);
        if (test.Count != predicted.Count)
            throw new ArgumentException($"{test.Count} test sentences but {predicted.Count} predicted tag sequences.", nameof(predicted));
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sentence in train)
            foreach (var entity in TagSchemes.Entities(sentence.Tags, TagScheme.Bio))
                known.Add(Key(entity, sentence.Tokens));
        int seen = 0, seenFound = 0, unseen = 0, unseenFound = 0;
        for (int i = 0; i < test.Count; i++)
        {
            var (tokens, gold, guess) = (test[i].Tokens, test[i].Tags, predicted[i]);
            if (gold.Count != tokens.Count || guess.Count != tokens.Count)
                throw new ArgumentException($"Test sentence {i} has {tokens.Count} tokens, {gold.Count} gold tags and {guess.Count} predicted tags.", nameof(predicted));
            var found = TagSchemes.Entities(guess, scheme).ToHashSet();
            foreach (var entity in TagSchemes.Entities(gold, TagScheme.Bio))
            {
                bool hit = found.Contains(entity);
                if (known.Contains(Key(entity, tokens))) (seen, seenFound) = (seen + 1, seenFound + (hit ? 1 : 0));
                else (unseen, unseenFound) = (unseen + 1, unseenFound + (hit ? 1 : 0));
            }
        }
        return new EntityNovelty(seen, seenFound, unseen, unseenFound);
    }

    /// <summary>One line, for example <c>24 of 1,079 test entities (2.2%) occur in training with the same type; recall 0.5417 on those, 0.1640 on the other 1,055</c>.</summary>
    public override string ToString() => FormattableString.Invariant(
        $"{Seen:N0} of {Gold:N0} test entities ({100 * SeenShare:F1}%) occur in training with the same type; recall {SeenRecall:F4} on those, {UnseenRecall:F4} on the other {Unseen:N0}");

    private static string Key(Entity entity, IReadOnlyList<string> tokens) =>
        entity.Type + "\t" + entity.Text(tokens).ToLowerInvariant();
}
