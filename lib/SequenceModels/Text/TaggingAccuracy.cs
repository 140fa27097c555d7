namespace SequenceModels.Text;

/// <summary>
/// Token accuracy of a tagger on a tagged test set, split into words seen in training (known) and not (unknown),
/// where taggers differ most.
/// </summary>
/// <param name="Correct">Words tagged correctly.</param>
/// <param name="Total">Words in the test set.</param>
/// <param name="KnownCorrect">Known words tagged correctly.</param>
/// <param name="KnownTotal">Known words in the test set.</param>
public sealed record TaggingAccuracy(int Correct, int Total, int KnownCorrect, int KnownTotal)
{
    /// <summary>Correct / Total (0 for an empty test set).</summary>
    public double Accuracy => Ratio(Correct, Total);

    /// <summary>Accuracy on words seen in training.</summary>
    public double KnownAccuracy => Ratio(KnownCorrect, KnownTotal);

    /// <summary>Accuracy on words not seen in training.</summary>
    public double UnknownAccuracy => Ratio(Correct - KnownCorrect, UnknownTotal);

    /// <summary>Words in the test set not seen in training.</summary>
    public int UnknownTotal => Total - KnownTotal;

    /// <summary>
    /// Tags every sentence of <paramref name="test"/> with <paramref name="tagger"/> and compares with its tags;
    /// <paramref name="isKnown"/> says whether a word was seen in training.
    /// </summary>
    public static TaggingAccuracy Measure(IEnumerable<TaggedSentence> test, Func<IReadOnlyList<string>, IReadOnlyList<string>> tagger, Func<string, bool> isKnown)
    {
        int correct = 0, total = 0, knownCorrect = 0, knownTotal = 0;
        foreach (var sentence in test)
        {
            var predicted = tagger(sentence.Tokens);
            if (predicted.Count != sentence.Length)
                throw new InvalidOperationException($"The tagger returned {predicted.Count} tags for {sentence.Length} words.");
            for (int k = 0; k < sentence.Length; k++)
            {
                bool right = predicted[k] == sentence.Tags[k], known = isKnown(sentence.Tokens[k]);
                total++;
                if (right) correct++;
                if (known) knownTotal++;
                if (known && right) knownCorrect++;
            }
        }
        return new TaggingAccuracy(correct, total, knownCorrect, knownTotal);
    }

    static double Ratio(int a, int b) => b > 0 ? (double)a / b : 0.0;
}
