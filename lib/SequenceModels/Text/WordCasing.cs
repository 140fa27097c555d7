using System.Text;

namespace SequenceModels.Text;

/// <summary>
/// What a lowercased vocabulary forgets about a word, given back to the tagger as a feature: its casing class
/// (Reimers and Gurevych 2017). "Paris", "PARIS" and "paris" share one word vector, and the class tells them apart;
/// in social-media text, where names are often written in lowercase, the vector still carries what "paris" means.
/// </summary>
public static class WordCasing
{
    /// <summary>
    /// The classes by id. Id 0 is padding (its vector stays zero); then <c>numeric</c> (only digits),
    /// <c>mainly-numeric</c> (more than half digits: "1,250", "3.5"), <c>lower</c>, <c>upper</c> (every letter a
    /// capital: "NATO"), <c>initial-upper</c> ("Paris", "McDonald"), <c>contains-digit</c> ("mp3"), <c>other</c>
    /// (punctuation, mixed case such as "iPhone").
    /// </summary>
    public static IReadOnlyList<string> Classes { get; } =
        ["<pad>", "numeric", "mainly-numeric", "lower", "upper", "initial-upper", "contains-digit", "other"];

    /// <summary>The id of the padding class.</summary>
    public const int PadId = 0;

    /// <summary>The casing class id of a word (see <see cref="Classes"/>).</summary>
    public static int Of(string word)
    {
        ArgumentException.ThrowIfNullOrEmpty(word);
        int digits = 0, letters = 0, upper = 0;
        foreach (char c in word)
        {
            if (char.IsDigit(c)) digits++;
            else if (char.IsLetter(c))
            {
                letters++;
                if (char.IsUpper(c)) upper++;
            }
        }
        if (digits == word.Length) return 1;
        if (digits * 2 > word.Length) return 2;
        if (letters == word.Length && upper == 0) return 3;
        if (letters == word.Length && upper == letters) return 4;
        if (char.IsUpper(word[0])) return 5;
        if (digits > 0) return 6;
        return 7;
    }

    /// <summary>
    /// The form a word is looked up under in a lowercased vocabulary: lowercase (invariant culture) with every
    /// digit written as 0, so "1996" and "2003" share one vector, as do "Paris" and "PARIS" (Lample et al. 2016).
    /// </summary>
    public static string Key(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var key = new StringBuilder(word.Length);
        foreach (char c in word) key.Append(char.IsDigit(c) ? '0' : char.ToLowerInvariant(c));
        return key.ToString();
    }
}
