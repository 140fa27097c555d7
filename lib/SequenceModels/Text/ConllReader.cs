namespace SequenceModels.Text;

/// <summary>How the entity tags of a CoNLL file mark where an entity begins.</summary>
public enum TagScheme
{
    /// <summary>
    /// Detect from the file: when some <c>I-X</c> begins an entity (after <c>O</c>, at the start of a sentence, or
    /// after another type), the file is IOB1 and is converted to BIO; otherwise it is BIO and is kept as is.
    /// Converting well-formed BIO changes nothing, so this never misreads either scheme, and a BIO file with a
    /// stray ill-formed <c>I-X</c> is read the way conlleval reads it (that I-X starts an entity).
    /// </summary>
    Auto,

    /// <summary>BIO, kept as is and checked: an <c>I-X</c> that does not continue an X entity is an error.</summary>
    Bio,

    /// <summary>IOB1, as in CoNLL-2003 (an entity may start with <c>I-</c>; <c>B-</c> only separates two adjacent
    /// entities of the same type), converted to BIO with <see cref="BioTags.FromIob1"/>.</summary>
    Iob1,
}

/// <summary>
/// Reads CoNLL column files of named entities into BIO-tagged sentences.
/// <list type="bullet">
/// <item>One token per line: the token in the first column, its entity tag in the last; any columns between
/// (part of speech, chunk) are ignored. A line containing a tab is split at every tab (so tokens may contain
/// spaces); any other line is split at runs of spaces. Trailing spaces and tabs are ignored.</item>
/// <item>A blank line ends a sentence; <c>-DOCSTART-</c> lines are skipped and also end a sentence.</item>
/// <item>A line starting with <c>#</c> before a sentence's first token is a comment (<c># text = ...</c>,
/// <c>#begin document</c>) unless it reads as a token row, that is, its last column is an allowed tag:
/// so a sentence may still begin with the token <c>#</c>.</item>
/// <item>Files are read as strict UTF-8 (a byte-order mark is allowed).</item>
/// </list>
/// Every problem is a <see cref="DataFormatException"/> naming the file and line: bytes that are not UTF-8, a row
/// with no tag column, an empty token, a row whose column count differs from its sentence's first row, a tag that is
/// not <c>O</c>, <c>B-type</c> or <c>I-type</c>, a tag outside the tag set when one is given (checked as written in
/// the file, before any IOB1 conversion), and, with <see cref="TagScheme.Bio"/>, an I- tag that continues nothing.
/// </summary>
public static class ConllReader
{
    /// <summary>Reads a UTF-8 CoNLL file.</summary>
    /// <param name="path">The file; messages name it as given.</param>
    /// <param name="scheme">The file's tagging scheme; the result is always BIO.</param>
    /// <param name="tagSet">When given, every tag in the file must be one of these.</param>
    public static IReadOnlyList<TaggedSentence> Read(string path, TagScheme scheme = TagScheme.Auto, IReadOnlyCollection<string>? tagSet = null) =>
        Parse(NumberedLines.Read(path, NumberedLines.StrictUtf8), path, scheme, tagSet);

    /// <summary>Reads CoNLL text from a reader; <paramref name="fileName"/> is the name messages use.</summary>
    public static IReadOnlyList<TaggedSentence> Read(TextReader reader, string fileName, TagScheme scheme = TagScheme.Auto,
        IReadOnlyCollection<string>? tagSet = null)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return Parse(NumberedLines.Read(reader), fileName, scheme, tagSet);
    }

    /// <summary>
    /// <see cref="TagScheme.Iob1"/> when some I- tag begins an entity (the mark of IOB1, ill-formed in BIO),
    /// otherwise <see cref="TagScheme.Bio"/>.
    /// </summary>
    public static TagScheme DetectScheme(IEnumerable<IReadOnlyList<string>> tagSequences)
    {
        ArgumentNullException.ThrowIfNull(tagSequences);
        foreach (var tags in tagSequences)
            for (int i = 0; i < tags.Count; i++)
                if (tags[i].StartsWith("I-", StringComparison.Ordinal) && !BioTags.ContinuesEntity(i > 0 ? tags[i - 1] : null, tags[i]))
                    return TagScheme.Iob1;
        return TagScheme.Bio;
    }

    private static List<TaggedSentence> Parse(IEnumerable<(int Number, string Text)> lines, string file, TagScheme scheme,
        IReadOnlyCollection<string>? tagSet)
    {
        var allowed = tagSet is null ? null : tagSet as IReadOnlySet<string> ?? new HashSet<string>(tagSet, StringComparer.Ordinal);
        var sentences = new List<TaggedSentence>();
        var tokens = new List<string>();
        var tags = new List<string>();
        int firstColumns = 0, firstLine = 0;

        void EndSentence()
        {
            if (tokens.Count == 0) return;
            string[] bio = scheme == TagScheme.Bio ? [.. tags] : BioTags.FromIob1(tags);
            sentences.Add(new TaggedSentence(tokens.ToArray(), bio));
            tokens.Clear();
            tags.Clear();
        }

        foreach (var (number, line) in lines)
        {
            string text = line.TrimEnd(' ', '\t');
            if (string.IsNullOrWhiteSpace(text)) { EndSentence(); continue; }
            string[] columns = text.Contains('\t') ? text.Split('\t')
                : text[0] == ' ' ? ["", .. text.Split(' ', StringSplitOptions.RemoveEmptyEntries)] // an empty token
                : text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns[0] == "-DOCSTART-") { EndSentence(); continue; }
            string tag = columns[^1];
            bool tagAllowed = allowed?.Contains(tag) ?? BioTags.IsValid(tag);
            if (tokens.Count == 0 && text[0] == '#' && !(columns.Length >= 2 && tagAllowed)) continue; // a comment

            DataFormatException Error(string problem) => new(file, number, problem);
            if (columns.Length < 2) throw Error("expected a token and a tag, found 1 column");
            if (columns[0].Length == 0) throw Error("empty token");
            if (tokens.Count == 0) (firstColumns, firstLine) = (columns.Length, number);
            else if (columns.Length != firstColumns)
                throw Error($"{columns.Length} columns, but the sentence's first row (line {firstLine}) has {firstColumns}");
            if (!tagAllowed && allowed is not null) throw Error($"tag \"{tag}\" is not in the tag set");
            if (!BioTags.IsValid(tag)) throw Error($"tag \"{tag}\" is not a BIO tag (O, B-type or I-type)");
            if (scheme == TagScheme.Bio && tag[0] == 'I' && !BioTags.ContinuesEntity(tags.Count > 0 ? tags[^1] : null, tag))
            {
                string after = tags.Count > 0 ? $"\"{tags[^1]}\"" : "the start of the sentence";
                throw Error($"tag \"{tag}\" after {after} does not continue an entity, which BIO does not allow " +
                            "(read IOB1 files with TagScheme.Iob1 or TagScheme.Auto)");
            }
            tokens.Add(columns[0]);
            tags.Add(tag);
        }
        EndSentence();
        return sentences;
    }
}
