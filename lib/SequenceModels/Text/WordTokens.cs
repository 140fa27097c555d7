using System.Text.RegularExpressions;

namespace SequenceModels.Text;

/// <summary>
/// Word-level tokens for a language model, to set beside <see cref="CharVocabulary"/> when choosing between the two:
/// a sentence becomes lowercase words and punctuation marks followed by <see cref="Eos"/>, and every word outside
/// the vocabulary becomes <see cref="Unk"/>. "The cat sat." with a vocabulary that lacks "cat" reads
/// <c>the &lt;UNK&gt; sat . &lt;EOS&gt;</c>. <see cref="Compare"/> measures the trade-off on a text.
/// </summary>
public static partial class WordTokens
{
    /// <summary>End of sentence: the model learns where sentences end, and sampling stops there.</summary>
    public const string Eos = CharVocabulary.Eos;

    /// <summary>A word not in the vocabulary (new, or rarer than the minimum count).</summary>
    public const string Unk = CharVocabulary.Unk;

    /// <summary>Lowercase words (letters, digits, inner apostrophes and hyphens) and single punctuation marks.</summary>
    public static string[] Split(string sentence)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        return Token().Matches(sentence.ToLowerInvariant()).Select(m => m.Value).ToArray();
    }

    /// <summary>
    /// The vocabulary of some sentences: <see cref="Eos"/>, <see cref="Unk"/>, then every word seen at least
    /// <paramref name="minCount"/> times, most frequent first (ties in ordinal order). Index = id.
    /// </summary>
    public static IReadOnlyList<string> Vocabulary(IEnumerable<string> sentences, int minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minCount);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var word in sentences.SelectMany(Split)) counts[word] = counts.GetValueOrDefault(word) + 1;
        return [Eos, Unk, .. counts.Where(kv => kv.Value >= minCount)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key)];
    }

    /// <summary>A sentence's tokens as the model reads them: its words, UNK for unknown ones, then EOS.</summary>
    public static string[] Encode(string sentence, IReadOnlyList<string> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var known = vocabulary.ToHashSet(StringComparer.Ordinal);
        return [.. Split(sentence).Select(w => known.Contains(w) ? w : Unk), Eos];
    }

    /// <summary>
    /// Word level against character level on the same text: vocabulary sizes (built from
    /// <paramref name="training"/>, words seen at least <paramref name="minCount"/> times), sequence lengths and the
    /// share of held-out tokens that are unknown. Words give short sequences but a large vocabulary and many UNKs;
    /// characters give a tiny vocabulary and almost no UNKs, but sequences about five times longer, so the model must
    /// remember further back.
    /// </summary>
    /// <param name="training">The text the vocabularies are built from, one sentence (or line) per entry.</param>
    /// <param name="heldOut">New text to encode with them.</param>
    /// <param name="minCount">Words rarer than this in the training text are left to UNK.</param>
    public static TokenisationComparison Compare(IReadOnlyList<string> training, IReadOnlyList<string> heldOut, int minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(heldOut);
        var words = Vocabulary(training, minCount);
        var known = words.ToHashSet(StringComparer.Ordinal);
        var heldOutWords = heldOut.SelectMany(Split).ToList();
        var characters = CharVocabulary.Build(string.Join('\n', training));
        string heldOutText = string.Join('\n', heldOut);
        return new TokenisationComparison(words.Count, characters.Count,
            heldOutWords.Count + heldOut.Count, heldOutText.Length + 1,
            Share(heldOutWords.Count(w => !known.Contains(w)), heldOutWords.Count),
            Share(heldOutText.Count(c => !characters.Contains(c)), heldOutText.Length));
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]")]
    private static partial Regex Token();
}

/// <summary>What <see cref="WordTokens.Compare"/> measured.</summary>
/// <param name="WordVocabularySize">Words in the vocabulary, EOS and UNK included.</param>
/// <param name="CharacterVocabularySize">Characters in the vocabulary, EOS and UNK included.</param>
/// <param name="HeldOutWordTokens">The held-out text's length in word tokens (EOS after each sentence included).</param>
/// <param name="HeldOutCharacterTokens">Its length in characters (line breaks between sentences, and a final EOS).</param>
/// <param name="WordUnknownRate">The share of held-out words that are UNK.</param>
/// <param name="CharacterUnknownRate">The share of held-out characters that are UNK.</param>
public sealed record TokenisationComparison(int WordVocabularySize, int CharacterVocabularySize, int HeldOutWordTokens,
    int HeldOutCharacterTokens, double WordUnknownRate, double CharacterUnknownRate)
{
    /// <summary>Characters per word token: how much longer the sequences of a character model are.</summary>
    public double LengthRatio => HeldOutWordTokens == 0 ? 0 : (double)HeldOutCharacterTokens / HeldOutWordTokens;
}
