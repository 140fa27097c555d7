using SequenceModels.Text;

namespace SequenceModels.Taggers;

/// <summary>
/// The baseline every tagger must beat: each known word gets the tag it had most often in training, ignoring its
/// neighbours; an unknown word gets the most frequent tag of the training words seen once that share its
/// <see cref="WordShape.Classify">class</see>, or the most frequent tag overall when no such word was seen.
/// Ties go to the tag that comes first in ordinal order.
/// </summary>
public sealed class MostFrequentTagBaseline
{
    readonly Dictionary<string, string> byWord;
    readonly Dictionary<string, string> byClass;

    MostFrequentTagBaseline(Dictionary<string, string> byWord, Dictionary<string, string> byClass, string mostFrequentTag)
    {
        this.byWord = byWord;
        this.byClass = byClass;
        MostFrequentTag = mostFrequentTag;
    }

    /// <summary>The most frequent tag of the training corpus.</summary>
    public string MostFrequentTag { get; }

    /// <summary>Counts the most frequent tag of every word, of every word class and overall in <paramref name="corpus"/>.</summary>
    public static MostFrequentTagBaseline Train(IEnumerable<TaggedSentence> corpus)
    {
        var pairs = corpus.SelectMany(s => s.Validate().Tokens.Zip(s.Tags)).ToList();
        if (pairs.Count == 0) throw new ArgumentException("The corpus has no words.", nameof(corpus));
        var wordCounts = pairs.CountBy(p => p.First).ToDictionary();
        static string Best(IEnumerable<string> tags) =>
            tags.CountBy(t => t).OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).First().Key;
        var byWord = pairs.GroupBy(p => p.First).ToDictionary(g => g.Key, g => Best(g.Select(p => p.Second)));
        var byClass = pairs.Where(p => wordCounts[p.First] == 1).GroupBy(p => WordShape.Classify(p.First))
            .ToDictionary(g => g.Key, g => Best(g.Select(p => p.Second)));
        return new MostFrequentTagBaseline(byWord, byClass, Best(pairs.Select(p => p.Second)));
    }

    /// <summary>Whether <paramref name="word"/> occurs in the training corpus.</summary>
    public bool IsKnown(string word) => byWord.ContainsKey(word);

    /// <summary>The tag of each word of <paramref name="words"/>, word by word.</summary>
    public string[] Tag(IReadOnlyList<string> words) =>
        words.Select(w => byWord.GetValueOrDefault(w) ?? byClass.GetValueOrDefault(WordShape.Classify(w)) ?? MostFrequentTag).ToArray();
}
