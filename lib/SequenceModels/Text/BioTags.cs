namespace SequenceModels.Text;

/// <summary>
/// BIO entity tags: <c>O</c> outside any entity, <c>B-type</c> at an entity's first token, <c>I-type</c> inside it.
/// Entity extraction follows the CoNLL evaluation script (conlleval): an <c>I-X</c> that does not continue an X
/// entity (after <c>O</c>, at the start of the sentence, or after a tag of another type) starts a new X entity.
/// </summary>
public static class BioTags
{
    /// <summary>The tag of tokens outside every entity.</summary>
    public const string Outside = "O";

    /// <summary>The eight entity types of the GMB corpus: geographical entity, organisation, person, geopolitical
    /// entity (nationalities), time, artifact, event, natural phenomenon.</summary>
    public static IReadOnlyList<string> GmbTypes { get; } = ["geo", "org", "per", "gpe", "tim", "art", "eve", "nat"];

    /// <summary>The 17 GMB tags: <c>O</c>, then <c>B-</c> and <c>I-</c> for each of <see cref="GmbTypes"/>.</summary>
    public static IReadOnlyList<string> Gmb { get; } = ForTypes(GmbTypes);

    /// <summary><c>O</c> followed by <c>B-t</c>, <c>I-t</c> for each type t, in the given order.</summary>
    public static string[] ForTypes(IEnumerable<string> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return [Outside, .. types.SelectMany(t => new[] { "B-" + t, "I-" + t })];
    }

    /// <summary>
    /// Splits a tag into its prefix ('O', 'B' or 'I') and entity type ("" for O). False when the tag is not
    /// <c>O</c>, <c>B-type</c> or <c>I-type</c> with a non-empty type.
    /// </summary>
    public static bool TryParse(string tag, out char prefix, out string type)
    {
        ArgumentNullException.ThrowIfNull(tag);
        (prefix, type) = ('O', "");
        if (tag == Outside) return true;
        if (tag.Length < 3 || tag[1] != '-' || tag[0] is not ('B' or 'I')) return false;
        (prefix, type) = (tag[0], tag[2..]);
        return true;
    }

    /// <summary>True for <c>O</c>, <c>B-type</c> and <c>I-type</c>.</summary>
    public static bool IsValid(string tag) => TryParse(tag, out _, out _);

    /// <summary>The entity type of a tag: "per" for <c>B-per</c> and <c>I-per</c>, "" for <c>O</c>.</summary>
    public static string TypeOf(string tag) =>
        TryParse(tag, out _, out var type) ? type : throw new ArgumentException($"\"{tag}\" is not a BIO tag.", nameof(tag));

    /// <summary>
    /// True when <paramref name="tag"/> is <c>I-X</c> and the previous tag (null at the start of the sentence) is
    /// <c>B-X</c> or <c>I-X</c>: the only place an I- tag may stand in well-formed BIO.
    /// </summary>
    public static bool ContinuesEntity(string? previous, string tag)
    {
        if (!TryParse(tag, out char prefix, out string type) || prefix != 'I' || previous is null) return false;
        return TryParse(previous, out char p, out string previousType) && p != 'O' && previousType == type;
    }

    /// <summary>
    /// Converts IOB1 tags (CoNLL-2003: an entity starts with <c>I-</c>; <c>B-</c> only separates two adjacent
    /// entities of the same type) to BIO: every <c>I-X</c> that does not continue an X entity becomes <c>B-X</c>.
    /// Well-formed BIO comes back unchanged, and ill-formed BIO is repaired the way conlleval reads it.
    /// </summary>
    public static string[] FromIob1(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var bio = new string[tags.Count];
        for (int i = 0; i < tags.Count; i++)
        {
            string tag = Require(tags, i);
            bio[i] = tag[0] == 'I' && !ContinuesEntity(i > 0 ? tags[i - 1] : null, tag) ? "B" + tag[1..] : tag;
        }
        return bio;
    }

    /// <summary>
    /// The entities in one sentence's tags, in order, with conlleval's rules: <c>B-X</c> starts an entity;
    /// <c>I-X</c> continues the entity before it when that entity has type X and starts a new X entity otherwise
    /// (after <c>O</c>, at the start, or after another type); <c>O</c> ends the current entity.
    /// </summary>
    /// <exception cref="ArgumentException">A tag is not O, B-type or I-type.</exception>
    public static IReadOnlyList<Entity> Entities(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var entities = new List<Entity>();
        string? type = null; // type of the open entity
        int start = 0;
        for (int i = 0; i < tags.Count; i++)
        {
            Require(tags, i);
            TryParse(tags[i], out char prefix, out string tagType);
            if (prefix == 'I' && tagType == type) continue;
            if (type is not null) entities.Add(new Entity(type, start, i));
            (type, start) = prefix == 'O' ? (null, i) : (tagType, i);
        }
        if (type is not null) entities.Add(new Entity(type, start, tags.Count));
        return entities;
    }

    /// <summary>
    /// Groups tokens by their (predicted) tags into entities with their text, for example
    /// <c>(per [0, 2), "Angela Merkel")</c>. Uses <see cref="Entities"/>, so ill-formed tag sequences are read
    /// as conlleval reads them.
    /// </summary>
    public static IReadOnlyList<(Entity Entity, string Text)> Group(IReadOnlyList<string> tokens, IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(tags);
        if (tokens.Count != tags.Count)
            throw new ArgumentException($"{tokens.Count} tokens but {tags.Count} tags.", nameof(tags));
        return Entities(tags).Select(e => (e, e.Text(tokens))).ToArray();
    }

    private static string Require(IReadOnlyList<string> tags, int i) =>
        tags[i] is { } tag && IsValid(tag)
            ? tag
            : throw new ArgumentException($"Tag {i} (\"{tags[i]}\") is not a BIO tag (O, B-type or I-type).", nameof(tags));
}
