namespace SequenceModels.Text;

/// <summary>
/// Reads and writes <c>word&lt;TAB&gt;tag</c> files: one token per line, a blank line between sentences, strict
/// UTF-8. The simplest tagged-corpus format; <c>data/pos/</c> uses it.
/// </summary>
public static class TaggedTextReader
{
    /// <summary>
    /// Reads the sentences of <paramref name="path"/>. With <paramref name="tagSet"/>, a tag outside it is an error.
    /// Throws <see cref="DataFormatException"/> naming the file and line for a bad byte, a line that is not exactly
    /// word, tab, tag, an empty word or tag, or a tag outside the tag set.
    /// </summary>
    public static IReadOnlyList<TaggedSentence> Read(string path, IReadOnlySet<string>? tagSet = null) =>
        Parse(Utf8Lines.Read(path), path, tagSet);

    /// <summary>Reads the sentences of <paramref name="stream"/>; <paramref name="name"/> names it in errors.</summary>
    public static IReadOnlyList<TaggedSentence> Read(Stream stream, string name, IReadOnlySet<string>? tagSet = null) =>
        Parse(Utf8Lines.Read(stream, name), name, tagSet);

    /// <summary>Writes <paramref name="sentences"/> in the same format (the inverse of <see cref="Read(string, IReadOnlySet{string}?)"/>).</summary>
    public static void Write(TextWriter writer, IEnumerable<TaggedSentence> sentences)
    {
        foreach (var sentence in sentences)
        {
            for (int i = 0; i < sentence.Length; i++) writer.Write($"{sentence.Tokens[i]}\t{sentence.Tags[i]}\n");
            writer.Write('\n');
        }
    }

    static List<TaggedSentence> Parse(IEnumerable<(int Number, string Text)> lines, string file, IReadOnlySet<string>? tagSet)
    {
        var sentences = new List<TaggedSentence>();
        var words = new List<string>();
        var tags = new List<string>();
        foreach (var (number, text) in lines)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                if (words.Count > 0) sentences.Add(new TaggedSentence(words.ToArray(), tags.ToArray()));
                words.Clear();
                tags.Clear();
                continue;
            }
            DataFormatException Error(string problem) => new(file, number, problem);

            var fields = text.Split('\t');
            if (fields.Length == 1) throw Error("expected word<TAB>tag, found no tab");
            if (fields.Length > 2) throw Error($"expected word<TAB>tag, found {fields.Length} tab-separated columns");
            var (word, tag) = (fields[0], fields[1]);
            if (string.IsNullOrWhiteSpace(word)) throw Error("empty word");
            if (string.IsNullOrWhiteSpace(tag)) throw Error("empty tag");
            if (tagSet is not null && !tagSet.Contains(tag)) throw Error($"tag \"{tag}\" is not in the tag set");
            words.Add(word);
            tags.Add(tag);
        }
        if (words.Count > 0) sentences.Add(new TaggedSentence(words.ToArray(), tags.ToArray()));
        return sentences;
    }
}
