namespace SequenceModels.Text;

/// <summary>
/// The three ways entity tags mark boundaries, and the conversions between them. For "Anna Berg met Nordbank Umea
/// Energi Group in Oslo" (two organisations side by side):
/// <code>
///            Anna   Berg   met  Nordbank  Umea   Energi  Group  in  Oslo
/// IOB1       I-PER  I-PER  O    I-ORG     B-ORG  I-ORG   I-ORG  O   I-LOC     B- only between two X entities
/// BIO        B-PER  I-PER  O    B-ORG     B-ORG  I-ORG   I-ORG  O   B-LOC     every entity starts with B-
/// BIOES      B-PER  E-PER  O    S-ORG     B-ORG  I-ORG   E-ORG  O   S-LOC     E- ends it, S- is a single token
/// </code>
/// All three describe the same entities, so converting is lossless for well-formed tags; the library reads every
/// file into BIO (<see cref="ConllReader"/>), a tagger may train on BIOES, and results are written and scored in
/// the file's own scheme. Entities are read conlleval-style (<see cref="Entities"/>): an ill-formed tag starts an
/// entity rather than being dropped.
/// </summary>
public static class TagSchemes
{
    /// <summary>
    /// Splits a tag into its prefix ('O', 'B', 'I', 'E' or 'S') and entity type ("" for O). False when the tag is
    /// none of <c>O</c>, <c>B-type</c>, <c>I-type</c>, <c>E-type</c>, <c>S-type</c> with a non-empty type.
    /// </summary>
    public static bool TryParse(string tag, out char prefix, out string type)
    {
        ArgumentNullException.ThrowIfNull(tag);
        (prefix, type) = ('O', "");
        if (tag == BioTags.Outside) return true;
        if (tag.Length < 3 || tag[1] != '-' || tag[0] is not ('B' or 'I' or 'E' or 'S')) return false;
        (prefix, type) = (tag[0], tag[2..]);
        return true;
    }

    /// <summary>True when <paramref name="tag"/> is a tag of <paramref name="scheme"/>: O, B-, I- (and for BIOES or
    /// <see cref="TagScheme.Auto"/>, E- and S-) followed by a type.</summary>
    public static bool IsValid(string tag, TagScheme scheme) =>
        TryParse(tag, out char prefix, out _) && (prefix is 'O' or 'B' or 'I' || scheme is TagScheme.Bioes or TagScheme.Auto);

    /// <summary>
    /// The scheme a set of tag sequences is written in: <see cref="TagScheme.Bioes"/> when an E- or S- tag occurs,
    /// otherwise <see cref="TagScheme.Iob1"/> when some I- tag begins an entity (the mark of IOB1, ill-formed in BIO),
    /// otherwise <see cref="TagScheme.Bio"/>.
    /// </summary>
    public static TagScheme Detect(IEnumerable<IReadOnlyList<string>> tagSequences)
    {
        ArgumentNullException.ThrowIfNull(tagSequences);
        bool iob1 = false;
        foreach (var tags in tagSequences)
            for (int i = 0; i < tags.Count; i++)
            {
                if (tags[i].Length > 1 && tags[i][1] == '-' && tags[i][0] is 'E' or 'S') return TagScheme.Bioes;
                if (tags[i].StartsWith("I-", StringComparison.Ordinal) && !BioTags.ContinuesEntity(i > 0 ? tags[i - 1] : null, tags[i]))
                    iob1 = true;
            }
        return iob1 ? TagScheme.Iob1 : TagScheme.Bio;
    }

    /// <summary>
    /// Tags of <paramref name="scheme"/> as BIO, entity for entity (<see cref="Entities"/> reads the same entities
    /// from both). IOB1: an I- that begins an entity becomes B-; BIOES: S- becomes B-, E- becomes I-. Ill-formed
    /// input is repaired the way it is read: every entity starts with B- in the result.
    /// </summary>
    /// <exception cref="ArgumentException">A tag is not a tag of the scheme, or the scheme is Auto.</exception>
    public static string[] ToBio(IReadOnlyList<string> tags, TagScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var entities = Entities(tags, scheme);
        return Write(tags.Count, entities, TagScheme.Bio);
    }

    /// <summary>
    /// BIO tags written in <paramref name="scheme"/>, entity for entity: IOB1 starts an entity with I- unless the token
    /// before it belongs to an entity of the same type; BIOES ends each entity with E- and writes a one-token entity
    /// as S-. An ill-formed I- (after O) is read as conlleval reads it, as the start of an entity.
    /// </summary>
    /// <exception cref="ArgumentException">A tag is not a BIO tag, or the scheme is Auto.</exception>
    public static string[] FromBio(IReadOnlyList<string> bio, TagScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(bio);
        return Write(bio.Count, Entities(bio, TagScheme.Bio), scheme);
    }

    /// <summary>Converts tags from one scheme to another through their entities.</summary>
    public static string[] Convert(IReadOnlyList<string> tags, TagScheme from, TagScheme to)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return Write(tags.Count, Entities(tags, from), to);
    }

    /// <summary>
    /// The entities of one sentence's tags, read as the CoNLL evaluation script reads them. BIO and IOB1 follow
    /// <see cref="BioTags.Entities"/>: B-X starts an entity, I-X continues an open X entity and otherwise starts one,
    /// O closes. BIOES adds: E-X continues an open X entity (or starts one) and closes it; S-X is an entity of one
    /// token.
    /// </summary>
    /// <exception cref="ArgumentException">A tag is not a tag of the scheme, or the scheme is Auto.</exception>
    public static IReadOnlyList<Entity> Entities(IReadOnlyList<string> tags, TagScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(tags);
        RequireResolved(scheme);
        if (scheme != TagScheme.Bioes) return BioTags.Entities(tags);
        var entities = new List<Entity>();
        string? type = null; // the open entity's type
        int start = 0;
        for (int i = 0; i < tags.Count; i++)
        {
            if (!TryParse(tags[i] ?? "", out char prefix, out string tagType))
                throw new ArgumentException($"Tag {i} (\"{tags[i]}\") is not a BIOES tag (O, B-, I-, E- or S-type).", nameof(tags));
            bool continues = prefix is 'I' or 'E' && tagType == type;
            if (!continues)
            {
                if (type is not null) entities.Add(new Entity(type, start, i));
                (type, start) = prefix == 'O' ? (null, i) : (tagType, i);
            }
            if (prefix is 'E' or 'S' && type is not null)
            {
                entities.Add(new Entity(type, start, i + 1));
                type = null;
            }
        }
        if (type is not null) entities.Add(new Entity(type, start, tags.Count));
        return entities;
    }

    /// <summary>Every tag of <paramref name="scheme"/> for these entity types: O, then per type B-, I- (and E-, S-
    /// for BIOES), in the order given.</summary>
    public static string[] TagsFor(IEnumerable<string> types, TagScheme scheme)
    {
        ArgumentNullException.ThrowIfNull(types);
        RequireResolved(scheme);
        string prefixes = scheme == TagScheme.Bioes ? "BIES" : "BI";
        return [BioTags.Outside, .. types.SelectMany(t => prefixes.Select(p => $"{p}-{t}"))];
    }

    /// <summary>
    /// Whether <paramref name="next"/> may follow <paramref name="previous"/> in well-formed tags of
    /// <paramref name="scheme"/>; null stands for the sentence boundary (previous = null: the first tag; next = null:
    /// after the last tag). Tags that are not entity tags (parts of speech) are always allowed.
    /// <list type="bullet">
    /// <item>BIO: I-X only after B-X or I-X.</item>
    /// <item>IOB1: B-X only after I-X or B-X (it separates two X entities).</item>
    /// <item>BIOES: I-X and E-X only after B-X or I-X; O, B-, S- and the end only after O, E-, S- or the start.</item>
    /// </list>
    /// </summary>
    public static bool Allows(string? previous, string? next, TagScheme scheme)
    {
        RequireResolved(scheme);
        char p = 'O', n = 'O';
        string previousType = "", nextType = "";
        if (previous is not null && !TryParse(previous, out p, out previousType)) return true;
        if (next is not null && !TryParse(next, out n, out nextType)) return true;
        bool sameEntity = previous is not null && p != 'O' && previousType == nextType;
        return scheme switch
        {
            TagScheme.Bio => next is null || n != 'I' || (sameEntity && p is 'B' or 'I'),
            TagScheme.Iob1 => next is null || n != 'B' || (sameEntity && p is 'B' or 'I'),
            _ => (next is not null && n is 'I' or 'E')
                ? sameEntity && p is 'B' or 'I'
                : previous is null || p is 'O' or 'E' or 'S',
        };
    }

    /// <summary>Writes entities as the tags of a sentence of <paramref name="length"/> tokens in a scheme.</summary>
    private static string[] Write(int length, IReadOnlyList<Entity> entities, TagScheme scheme)
    {
        RequireResolved(scheme);
        var tags = new string[length];
        Array.Fill(tags, BioTags.Outside);
        Entity? before = null;
        foreach (var e in entities)
        {
            bool touchesSameType = before is { } b && b.End == e.Start && b.Type == e.Type;
            for (int i = e.Start; i < e.End; i++)
            {
                char prefix = scheme switch
                {
                    TagScheme.Bio => i == e.Start ? 'B' : 'I',
                    TagScheme.Iob1 => i == e.Start && touchesSameType ? 'B' : 'I',
                    _ => e.Length == 1 ? 'S' : i == e.Start ? 'B' : i == e.End - 1 ? 'E' : 'I',
                };
                tags[i] = $"{prefix}-{e.Type}";
            }
            before = e;
        }
        return tags;
    }

    private static void RequireResolved(TagScheme scheme)
    {
        if (scheme == TagScheme.Auto)
            throw new ArgumentException("The scheme must be Bio, Iob1 or Bioes here; detect it first (TagSchemes.Detect).", nameof(scheme));
        if (!Enum.IsDefined(scheme)) throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Not a tag scheme.");
    }
}
