namespace SequenceModels.Text;

/// <summary>
/// Word-shape classes for words the tagger never saw in training. An unknown word still shows how it is written:
/// "1,250" is a number, "Leipzig" is capitalised, "ACLU" is all capitals, "re-elected" is hyphenated, and the ending
/// of a lowercase word is a strong hint of its part of speech (-ing, -ed: verbs; -ly: adverbs; -tion, -ness: nouns;
/// -able, -al, -ous: adjectives). The first-order <see cref="Taggers.HiddenMarkovModel"/> gives each class its own column of
/// the emission matrix B; the second-order model uses the coarse <see cref="Shape"/> as the root of its suffix model.
/// </summary>
public static class WordShape
{
    // Lowercase endings in the order they are tried: longer and more specific endings before the ones they contain
    // ("-ness" and "-less" before "-s"). Each group maps to the class named after its first ending.
    static readonly string[][] Suffixes =
    [
        ["ing"], ["ed"], ["ly"], ["tion", "sion"], ["ness"], ["ment"], ["able", "ible"], ["ity"], ["ous"], ["ful"],
        ["less"], ["ive"], ["ize", "ise"], ["ist"], ["ism"], ["ic"], ["al"], ["est"], ["er", "or"], ["s"], ["y"],
    ];

    /// <summary>
    /// Every class <see cref="Classify"/> can return: the shapes, then one class per lowercase ending, and
    /// <c>&lt;lower&gt;</c> for other lowercase words.
    /// </summary>
    public static IReadOnlyList<string> Classes { get; } =
    [
        "<web>", "<number>", "<digits>", "<punct>", "<hyphen>", "<allcaps>", "<capitalised>",
        .. Suffixes.Select(endings => $"<-{endings[0]}>"), "<lower>",
    ];

    /// <summary>
    /// The coarse shape of a word, tried in this order: <c>&lt;web&gt;</c> (URL or e-mail address),
    /// <c>&lt;number&gt;</c> (digits with . , : / - only: "1,250", "3.5", "10:30"), <c>&lt;digits&gt;</c> (other words
    /// with a digit: "3rd", "mp3"), <c>&lt;punct&gt;</c> (no letter or digit), <c>&lt;hyphen&gt;</c> (a letter and a
    /// hyphen), <c>&lt;allcaps&gt;</c> (two or more letters, all capitals), <c>&lt;capitalised&gt;</c> (a capital first
    /// letter), and <c>&lt;lower&gt;</c> for the rest.
    /// </summary>
    public static string Shape(string word)
    {
        ArgumentException.ThrowIfNullOrEmpty(word);
        if ((word.StartsWith("http", StringComparison.OrdinalIgnoreCase) && word.Contains("://"))
            || word.StartsWith("www.", StringComparison.OrdinalIgnoreCase)
            || (word.IndexOf('@') > 0 && word.IndexOf('.', word.IndexOf('@')) > 0))
            return "<web>";
        bool digit = false, letter = false, other = false;
        int upper = 0;
        foreach (char c in word)
        {
            if (char.IsDigit(c)) digit = true;
            else if (char.IsLetter(c)) { letter = true; if (char.IsUpper(c)) upper++; }
            else if (c is not ('.' or ',' or ':' or '/' or '-')) other = true;
        }
        if (digit) return letter || other ? "<digits>" : "<number>";
        if (!letter) return "<punct>";
        if (word.Contains('-')) return "<hyphen>";
        int letters = word.Count(char.IsLetter);
        if (upper == letters && letters >= 2) return "<allcaps>";
        if (char.IsUpper(word[0])) return "<capitalised>";
        return "<lower>";
    }

    /// <summary>
    /// The unknown-word class of a word: its <see cref="Shape"/>, except that a <c>&lt;lower&gt;</c> word is refined by
    /// its ending (<c>&lt;-ing&gt;</c>, <c>&lt;-ed&gt;</c>, <c>&lt;-ly&gt;</c>, <c>&lt;-tion&gt;</c> also for -sion,
    /// <c>&lt;-able&gt;</c> also for -ible, <c>&lt;-s&gt;</c> but not -ss/-us/-is, ...). The ending must leave at least two
    /// letters in front of it, so "red" and "sing" stay <c>&lt;lower&gt;</c>. One of <see cref="Classes"/>.
    /// </summary>
    public static string Classify(string word)
    {
        string shape = Shape(word);
        if (shape != "<lower>") return shape;
        foreach (var endings in Suffixes)
        {
            foreach (var ending in endings)
            {
                if (word.Length < ending.Length + 2 || !word.EndsWith(ending, StringComparison.Ordinal)) continue;
                if (ending == "s" && (word.EndsWith("ss", StringComparison.Ordinal) || word.EndsWith("us", StringComparison.Ordinal) || word.EndsWith("is", StringComparison.Ordinal))) continue;
                return $"<-{endings[0]}>";
            }
        }
        return "<lower>";
    }
}
