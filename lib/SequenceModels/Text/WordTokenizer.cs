namespace SequenceModels.Text;

/// <summary>
/// Splits a sentence typed by a user into tokens the way the GMB corpus is tokenised (Penn Treebank style), so the
/// words match the vocabulary a tagger learned: <c>Mr. Smith's car, in London.</c> →
/// <c>Mr.</c> <c>Smith</c> <c>'s</c> <c>car</c> <c>,</c> <c>in</c> <c>London</c> <c>.</c>
/// <para>The rules, applied to each whitespace-separated chunk:</para>
/// <list type="number">
/// <item>Typographic quotes and apostrophes become ASCII (“ ” → ", ‘ ’ → '), as in the corpus.</item>
/// <item>Opening punctuation <c>( [ { " ' $ #</c> splits off the front, one character per token.</item>
/// <item>Closing punctuation <c>, ; : ! ? ) ] } " ' %</c>, <c>...</c> and <c>…</c> split off the end.</item>
/// <item>A final period splits off unless the word is an abbreviation: it has another period inside
/// and letters before it and no digits (<c>U.S.</c>, <c>a.m.</c>, but not <c>3.5.</c>), it is a single letter (<c>W.</c>), or it is a common title or short form
/// (<c>Mr.</c>, <c>Dr.</c>, <c>Gen.</c>, <c>Inc.</c>, <c>Jan.</c>, ...). An abbreviation ending a sentence keeps
/// its period and gets no separate one.</item>
/// <item>Clitics split off: <c>n't</c> (<c>don't</c> → <c>do n't</c>), <c>'s 're 've 'll 'm 'd</c>.</item>
/// <item><c>--</c> is a token of its own. Anything else stays whole: hyphens (<c>al-Qaida</c>), inner
/// apostrophes (<c>O'Connor</c>), numbers with commas or points (<c>10,000</c>, <c>3.5</c>).</item>
/// </list>
/// </summary>
public static class WordTokenizer
{
    // Case matters: "Gen." is a title, "gen." is not.
    private static readonly HashSet<string> Abbreviations = new(StringComparer.Ordinal)
    {
        "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Mt", "Gen", "Lt", "Col", "Maj", "Capt", "Sgt", "Cmdr",
        "Adm", "Gov", "Sen", "Rep", "Rev", "Pres", "Amb", "Corp", "Inc", "Co", "Ltd", "Bros", "Dept", "vs", "etc",
        "Jan", "Feb", "Mar", "Apr", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
    };

    private const string Opening = "([{\"'$#";
    private const string Closing = ",;:!?)]}\"'%…";
    private static readonly string[] Clitics = ["'s", "'re", "'ve", "'ll", "'m", "'d"];

    /// <summary>The tokens of a sentence (see the rules on the class).</summary>
    public static IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        foreach (var chunk in Normalize(text).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = chunk.Split("--");
            for (int i = 0; i < parts.Length; i++)
            {
                if (i > 0) tokens.Add("--");
                if (parts[i].Length > 0) SplitWord(parts[i], tokens);
            }
        }
        return tokens;
    }

    private static string Normalize(string text) =>
        text.Replace('\u201C', '"').Replace('\u201D', '"').Replace('\u2018', '\'').Replace('\u2019', '\'');

    private static void SplitWord(string word, List<string> tokens)
    {
        int start = 0, end = word.Length;
        while (end - start > 1 && Opening.Contains(word[start]) && !IsClitic(word[start..end])) tokens.Add(word[start++].ToString());

        var closing = new Stack<string>(); // peeled from the end, so pushed in reverse
        while (end > start)
        {
            var w = word.AsSpan(start, end - start);
            if (w.Length > 3 && w.EndsWith("...")) { closing.Push("..."); end -= 3; }
            else if (w.Length > 1 && Closing.Contains(w[^1]) && !IsClitic(w.ToString())) { closing.Push(w[^1].ToString()); end--; }
            else if (w.Length > 1 && w[^1] == '.' && !IsAbbreviation(w)) { closing.Push("."); end--; }
            else break;
        }

        string core = word[start..end];
        string? clitic = core.Length > 3 && core.EndsWith("n't", StringComparison.OrdinalIgnoreCase) ? core[^3..]
            : Clitics.FirstOrDefault(c => core.Length > c.Length && core.EndsWith(c, StringComparison.OrdinalIgnoreCase)) is { } c ? core[^c.Length..]
            : null;
        if (clitic is null) tokens.Add(core);
        else tokens.AddRange([core[..^clitic.Length], clitic]);
        tokens.AddRange(closing);
    }

    private static bool IsClitic(string w) =>
        w.Equals("n't", StringComparison.OrdinalIgnoreCase) || Clitics.Contains(w, StringComparer.OrdinalIgnoreCase);

    private static bool IsAbbreviation(ReadOnlySpan<char> w)
    {
        var stem = w[..^1];
        bool dotted = stem.Contains('.') && char.IsLetter(stem[^1]) && !stem.ContainsAnyInRange('0', '9'); // U.S. but not 3.5.
        return dotted || (stem.Length == 1 && char.IsLetter(stem[0])) || Abbreviations.Contains(stem.ToString());
    }
}
