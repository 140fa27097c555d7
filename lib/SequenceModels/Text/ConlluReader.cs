using System.Globalization;

namespace SequenceModels.Text;

/// <summary>The CoNLL-U column that holds the part-of-speech tag.</summary>
public enum ConlluColumn
{
    /// <summary>Column 4: the universal part-of-speech tag (17 tags, see <see cref="ConlluReader.UposTags"/>).</summary>
    Upos,

    /// <summary>Column 5: the language-specific tag (Penn Treebank tags for English).</summary>
    Xpos,
}

/// <summary>
/// Reads CoNLL-U files (Universal Dependencies): one word per line in 10 tab-separated columns
/// (ID, FORM, LEMMA, UPOS, XPOS, FEATS, HEAD, DEPREL, DEPS, MISC), <c>#</c> comment lines, a blank line after each
/// sentence, strict UTF-8. Multiword-token ranges (<c>1-2</c>, "don't") and empty nodes (<c>8.1</c>) are skipped,
/// so a sentence is exactly its syntactic words, each with the tag of the chosen column.
/// </summary>
public static class ConlluReader
{
    /// <summary>The 17 universal part-of-speech tags of Universal Dependencies.</summary>
    public static IReadOnlySet<string> UposTags { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
        "SCONJ", "SYM", "VERB", "X",
    };

    /// <summary>
    /// Reads the sentences of <paramref name="path"/>. With <paramref name="tagSet"/>, a tag outside it is an error.
    /// Throws <see cref="DataFormatException"/> naming the file and line for a bad byte, a wrong column count, an empty
    /// form, a missing tag, an ID that is not a number or out of order, or a tag outside the tag set.
    /// </summary>
    public static IReadOnlyList<TaggedSentence> Read(string path, ConlluColumn column = ConlluColumn.Upos, IReadOnlySet<string>? tagSet = null) =>
        Parse(Utf8Lines.Read(path), path, column, tagSet);

    /// <summary>Reads the sentences of <paramref name="stream"/>; <paramref name="name"/> names it in errors.</summary>
    public static IReadOnlyList<TaggedSentence> Read(Stream stream, string name, ConlluColumn column = ConlluColumn.Upos, IReadOnlySet<string>? tagSet = null) =>
        Parse(Utf8Lines.Read(stream, name), name, column, tagSet);

    static List<TaggedSentence> Parse(IEnumerable<(int Number, string Text)> lines, string file, ConlluColumn column, IReadOnlySet<string>? tagSet)
    {
        var sentences = new List<TaggedSentence>();
        var words = new List<string>();
        var tags = new List<string>();
        int next = 1; // the ID the next word must have
        foreach (var (number, text) in lines)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                if (words.Count > 0) sentences.Add(new TaggedSentence(words.ToArray(), tags.ToArray()));
                words.Clear();
                tags.Clear();
                next = 1;
                continue;
            }
            if (text[0] == '#') continue;
            DataFormatException Error(string problem) => new(file, number, problem);

            var fields = text.Split('\t');
            if (fields.Length != 10) throw Error($"expected 10 tab-separated columns, found {fields.Length}");
            string id = fields[0];
            int dash = id.IndexOf('-'), dot = id.IndexOf('.');
            if (dash > 0)
            {
                // A multiword token ("don't" = do + n't) spans words that follow on their own lines.
                if (!IsNumber(id[..dash], out int first) || !IsNumber(id[(dash + 1)..], out int last) || last < first)
                    throw Error($"ID \"{id}\" is not a number or a range a-b");
                if (first != next) throw Error($"ID {id} out of order, expected {next}");
                continue;
            }
            if (dot > 0)
            {
                // An empty node (an elided word of the enhanced graph) sits after word i as i.1, i.2, ...
                if (!IsNumber(id[..dot], out int after) || !IsNumber(id[(dot + 1)..], out _))
                    throw Error($"ID \"{id}\" is not a number or a decimal i.j");
                if (after != next - 1) throw Error($"empty node {id} out of order after word {next - 1}");
                continue;
            }
            if (!IsNumber(id, out int n)) throw Error($"ID \"{id}\" is not a number");
            if (n != next) throw Error($"ID {n} out of order, expected {next}");
            next++;

            string form = fields[1];
            if (string.IsNullOrWhiteSpace(form)) throw Error("empty word form");
            string tag = fields[column == ConlluColumn.Upos ? 3 : 4];
            string columnName = column == ConlluColumn.Upos ? "UPOS" : "XPOS";
            if (tag.Length == 0 || tag == "_") throw Error($"missing {columnName} tag");
            if (tagSet is not null && !tagSet.Contains(tag)) throw Error($"tag \"{tag}\" is not in the tag set");
            words.Add(form);
            tags.Add(tag);
        }
        if (words.Count > 0) sentences.Add(new TaggedSentence(words.ToArray(), tags.ToArray()));
        return sentences;
    }

    static bool IsNumber(string s, out int value) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 0;
}
