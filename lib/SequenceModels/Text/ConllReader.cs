namespace SequenceModels.Text;

/// <summary>How the entity tags of a CoNLL file mark where an entity begins.</summary>
public enum TagScheme
{
    /// <summary>
    /// Detect from the file (<see cref="TagSchemes.Detect"/>): BIOES when it has E- or S- tags; otherwise IOB1 when
    /// some <c>I-X</c> begins an entity (after <c>O</c>, at the start of a sentence, or after another type);
    /// otherwise BIO. Every tag is read conlleval-style and converted to BIO: converting well-formed BIO changes
    /// nothing, so this never misreads a scheme, and a BIO file with a stray ill-formed <c>I-X</c> is read the way
    /// conlleval reads it (that I-X starts an entity).
    /// </summary>
    Auto,

    /// <summary>BIO, kept as is and checked: an <c>I-X</c> that does not continue an X entity is an error.</summary>
    Bio,

    /// <summary>IOB1, as in CoNLL-2003 (an entity may start with <c>I-</c>; <c>B-</c> only separates two adjacent
    /// entities of the same type), converted to BIO with <see cref="BioTags.FromIob1"/>.</summary>
    Iob1,

    /// <summary>BIOES (also called IOBES): B- begins an entity of two or more tokens, I- continues it, E- ends it,
    /// S- is an entity of a single token. Checked (every I-/E- continues a B- or I- of its type, every entity is closed
    /// by E- or S-) and converted to BIO with <see cref="TagSchemes.ToBio"/>.</summary>
    Bioes,
}

/// <summary>The sentences of a CoNLL file, with BIO tags, and the scheme the file was written in.</summary>
/// <param name="Sentences">The sentences, tags converted to BIO.</param>
/// <param name="Scheme">The file's scheme: <see cref="TagScheme.Bio"/>, <see cref="TagScheme.Iob1"/> or
/// <see cref="TagScheme.Bioes"/> (never Auto); convert results back with <see cref="TagSchemes.FromBio"/>.</param>
public sealed record ConllCorpus(IReadOnlyList<TaggedSentence> Sentences, TagScheme Scheme);

/// <summary>
/// Reads CoNLL column files of named entities (IOB1, BIO or BIOES tags) into BIO-tagged sentences.
/// <list type="bullet">
/// <item>One token per line: the token in the first column, its entity tag in the last; any columns between
/// (part of speech, chunk) are ignored. A line containing a tab is split at every tab (so tokens may contain
/// spaces); any other line is split at runs of spaces. Trailing spaces and tabs are ignored.</item>
/// <item>A blank line ends a sentence; <c>-DOCSTART-</c> lines are skipped and also end a sentence.</item>
/// <item>A line starting with <c>#</c> before a sentence's first token is a comment (<c># text = ...</c>,
/// <c>#begin document</c>) unless it reads as a token row, that is, its last column is an allowed tag:
/// so a sentence may still begin with the token <c>#</c>.</item>
/// <item>Files are read as strict UTF-8 (a byte-order mark is allowed), or in the <see cref="DataEncoding"/> given.</item>
/// </list>
/// Every problem is a <see cref="DataFormatException"/> naming the file and line: bytes that are not UTF-8, a row
/// with no tag column, an empty token, a row whose column count differs from its sentence's first row, a tag that is
/// not <c>O</c>, <c>B-type</c> or <c>I-type</c> (or E-/S- in BIOES), a tag outside the tag set when one is given
/// (checked as written in the file, before any conversion), with <see cref="TagScheme.Bio"/> an I- tag that continues
/// nothing, and with <see cref="TagScheme.Bioes"/> any transition BIOES does not allow.
/// </summary>
public static class ConllReader
{
    /// <summary>Reads a CoNLL file (UTF-8 unless <paramref name="encoding"/> says otherwise).</summary>
    /// <param name="path">The file; messages name it as given.</param>
    /// <param name="scheme">The file's tagging scheme; the result is always BIO.</param>
    /// <param name="tagSet">When given, every tag in the file must be one of these.</param>
    /// <param name="encoding">The file's character encoding, decoded strictly.</param>
    public static IReadOnlyList<TaggedSentence> Read(string path, TagScheme scheme = TagScheme.Auto, IReadOnlyCollection<string>? tagSet = null,
        DataEncoding encoding = DataEncoding.Utf8) =>
        ReadCorpus(path, scheme, tagSet, encoding).Sentences;

    /// <summary>Reads CoNLL text from a reader; <paramref name="fileName"/> is the name messages use.</summary>
    public static IReadOnlyList<TaggedSentence> Read(TextReader reader, string fileName, TagScheme scheme = TagScheme.Auto,
        IReadOnlyCollection<string>? tagSet = null) => ReadCorpus(reader, fileName, scheme, tagSet).Sentences;

    /// <summary>Reads a CoNLL file and says which scheme it is written in (the one given, or the one detected).</summary>
    /// <param name="path">The file; messages name it as given.</param>
    /// <param name="scheme">The file's tagging scheme, or Auto to detect it; the sentences are always BIO.</param>
    /// <param name="tagSet">When given, every tag in the file must be one of these.</param>
    /// <param name="encoding">The file's character encoding (UTF-8 by default), decoded strictly: a byte it cannot
    /// decode is an error naming the line.</param>
    public static ConllCorpus ReadCorpus(string path, TagScheme scheme = TagScheme.Auto, IReadOnlyCollection<string>? tagSet = null,
        DataEncoding encoding = DataEncoding.Utf8) =>
        Parse(NumberedLines.Read(path, DataEncodings.Strict(encoding)), path, scheme, tagSet);

    /// <summary>Reads CoNLL text from a reader and says which scheme it is written in.</summary>
    public static ConllCorpus ReadCorpus(TextReader reader, string fileName, TagScheme scheme = TagScheme.Auto,
        IReadOnlyCollection<string>? tagSet = null)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return Parse(NumberedLines.Read(reader), fileName, scheme, tagSet);
    }

    /// <summary>
    /// <see cref="TagScheme.Bioes"/> when an E- or S- tag occurs, else <see cref="TagScheme.Iob1"/> when some I- tag
    /// begins an entity (the mark of IOB1, ill-formed in BIO), otherwise <see cref="TagScheme.Bio"/>
    /// (<see cref="TagSchemes.Detect"/>).
    /// </summary>
    public static TagScheme DetectScheme(IEnumerable<IReadOnlyList<string>> tagSequences) => TagSchemes.Detect(tagSequences);

    private static ConllCorpus Parse(IEnumerable<(int Number, string Text)> lines, string file, TagScheme scheme,
        IReadOnlyCollection<string>? tagSet)
    {
        var allowed = tagSet is null ? null : tagSet as IReadOnlySet<string> ?? new HashSet<string>(tagSet, StringComparer.Ordinal);
        if (!Enum.IsDefined(scheme)) throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Not a tag scheme.");
        var sentences = new List<TaggedSentence>();
        var written = new List<string[]>(); // the tags as the file has them, for detection
        var tokens = new List<string>();
        var tags = new List<string>();
        int firstColumns = 0, firstLine = 0, lastLine = 0;

        void EndSentence()
        {
            if (tokens.Count == 0) return;
            if (scheme == TagScheme.Bioes && !TagSchemes.Allows(tags[^1], null, TagScheme.Bioes))
                throw new DataFormatException(file, lastLine, $"the sentence ends inside an entity (\"{tags[^1]}\"), which BIOES does not allow " +
                                                              "(every entity ends with E- or S-)");
            string[] bio = scheme switch
            {
                TagScheme.Bio => [.. tags],
                TagScheme.Iob1 => BioTags.FromIob1(tags),
                _ => TagSchemes.ToBio(tags, TagScheme.Bioes), // conlleval-style reading of BIO, IOB1 and BIOES alike
            };
            sentences.Add(new TaggedSentence(tokens.ToArray(), bio));
            if (scheme == TagScheme.Auto) written.Add([.. tags]);
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
            bool tagAllowed = allowed?.Contains(tag) ?? TagSchemes.IsValid(tag, scheme);
            if (tokens.Count == 0 && text[0] == '#' && !(columns.Length >= 2 && tagAllowed)) continue; // a comment

            DataFormatException Error(string problem) => new(file, number, problem);
            if (columns.Length < 2) throw Error("expected a token and a tag, found 1 column");
            if (columns[0].Length == 0) throw Error("empty token");
            if (tokens.Count == 0) (firstColumns, firstLine) = (columns.Length, number);
            else if (columns.Length != firstColumns)
                throw Error($"{columns.Length} columns, but the sentence's first row (line {firstLine}) has {firstColumns}");
            if (!tagAllowed && allowed is not null) throw Error($"tag \"{tag}\" is not in the tag set");
            if (!TagSchemes.IsValid(tag, scheme))
                throw Error(scheme is TagScheme.Bio or TagScheme.Iob1
                    ? $"tag \"{tag}\" is not a BIO tag (O, B-type or I-type)"
                    : $"tag \"{tag}\" is not an entity tag (O, or B-, I-, E-, S- and a type)");
            if (scheme == TagScheme.Bio && tag[0] == 'I' && !BioTags.ContinuesEntity(tags.Count > 0 ? tags[^1] : null, tag))
            {
                string after = tags.Count > 0 ? $"\"{tags[^1]}\"" : "the start of the sentence";
                throw Error($"tag \"{tag}\" after {after} does not continue an entity, which BIO does not allow " +
                            "(read IOB1 files with TagScheme.Iob1 or TagScheme.Auto)");
            }
            if (scheme == TagScheme.Bioes && !TagSchemes.Allows(tags.Count > 0 ? tags[^1] : null, tag, TagScheme.Bioes))
            {
                string after = tags.Count > 0 ? $"\"{tags[^1]}\"" : "the start of the sentence";
                throw Error(tag[0] is 'I' or 'E'
                    ? $"tag \"{tag}\" after {after} does not continue an entity, which BIOES does not allow"
                    : $"tag \"{tag}\" after {after}, which BIOES does not allow (every entity ends with E- or S-)");
            }
            tokens.Add(columns[0]);
            tags.Add(tag);
            lastLine = number;
        }
        EndSentence();
        return new ConllCorpus(sentences, scheme == TagScheme.Auto ? TagSchemes.Detect(written) : scheme);
    }
}
