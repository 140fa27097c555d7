using System.Text.Json.Nodes;

namespace SequenceModels.Text;

/// <summary>
/// Tag ↔ id for the output layer. Every id 0..<see cref="Count"/>−1 is a real tag, so a tagger's output layer
/// has exactly <see cref="Count"/> rows (17 for GMB). Padding has no tag: padded positions of a tag batch hold
/// <see cref="PadId"/> (−1), which indexes nothing, so code that forgets the mask fails at once instead of
/// quietly training on padding. Built from data, the order is <c>O</c> first, then each entity type (ordinal
/// order) with <c>B-</c> before <c>I-</c>, then any non-BIO tags in ordinal order.
/// </summary>
public sealed class TagMap
{
    /// <summary>The id at padded positions of a tag batch: not a tag.</summary>
    public const int PadId = -1;

    private readonly string[] _tags;
    private readonly Dictionary<string, int> _ids;

    private TagMap(string[] tags)
    {
        if (tags.Length == 0) throw new ArgumentException("A tag map needs at least one tag.", nameof(tags));
        _tags = tags;
        _ids = new Dictionary<string, int>(tags.Length, StringComparer.Ordinal);
        for (int i = 0; i < tags.Length; i++)
        {
            if (string.IsNullOrEmpty(tags[i])) throw new ArgumentException($"Tag {i} is empty.", nameof(tags));
            if (!_ids.TryAdd(tags[i], i)) throw new ArgumentException($"The tag \"{tags[i]}\" appears twice.", nameof(tags));
        }
    }

    /// <summary>A tag map with exactly these tags, in this order (id i is tags[i]).</summary>
    public static TagMap FromTags(IEnumerable<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return new TagMap(tags.ToArray());
    }

    /// <summary>The 17 GMB tags in <see cref="BioTags.Gmb"/> order: O, B-geo, I-geo, B-org, I-org, ...</summary>
    public static TagMap Gmb => FromTags(BioTags.Gmb);

    /// <summary>
    /// The tags of sentences (typically the training set), in the order described on the class. For each entity
    /// type seen, both its <c>B-</c> and <c>I-</c> tags are included, and <c>O</c> always is, so a development set
    /// whose entities happen to take a form missing from training can still be encoded.
    /// </summary>
    public static TagMap Build(IEnumerable<IEnumerable<string>> tagSequences)
    {
        ArgumentNullException.ThrowIfNull(tagSequences);
        var seen = new HashSet<string>(StringComparer.Ordinal) { BioTags.Outside };
        foreach (var tags in tagSequences)
            foreach (var tag in tags)
                if (BioTags.TryParse(tag, out char prefix, out string type) && prefix != 'O') seen.UnionWith(["B-" + type, "I-" + type]);
                else seen.Add(tag);
        return new TagMap(Order(seen));
    }

    /// <summary>The tags of tagged sentences (see <see cref="Build(IEnumerable{IEnumerable{string}})"/>).</summary>
    public static TagMap Build(IEnumerable<TaggedSentence> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        return Build(sentences.Select(s => s.Tags));
    }

    /// <summary>Tags in the order described on the class: O, then B-/I- by type, then other tags.</summary>
    internal static string[] Order(IEnumerable<string> tags)
    {
        var distinct = tags.Distinct(StringComparer.Ordinal).ToArray();
        var bio = distinct.Where(t => t != BioTags.Outside && BioTags.IsValid(t))
            .OrderBy(BioTags.TypeOf, StringComparer.Ordinal).ThenBy(t => t[0] == 'B' ? 0 : 1);
        var other = distinct.Where(t => t != BioTags.Outside && !BioTags.IsValid(t)).Order(StringComparer.Ordinal);
        return [.. distinct.Contains(BioTags.Outside) ? [BioTags.Outside] : Array.Empty<string>(), .. bio, .. other];
    }

    /// <summary>The number of tags (the output layer's size).</summary>
    public int Count => _tags.Length;

    /// <summary>The tags by id.</summary>
    public IReadOnlyList<string> Tags => _tags;

    /// <summary>The id of <c>O</c>, or −1 when the map has no <c>O</c>.</summary>
    public int OutsideId => _ids.GetValueOrDefault(BioTags.Outside, -1);

    /// <summary>The id of a tag.</summary>
    /// <exception cref="KeyNotFoundException">The tag is not in the map.</exception>
    public int IdOf(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return _ids.TryGetValue(tag, out int id) ? id : throw new KeyNotFoundException($"The tag \"{tag}\" is not in the tag map ({Count} tags).");
    }

    /// <summary>True when the tag is in the map.</summary>
    public bool Contains(string tag) => _ids.ContainsKey(tag);

    /// <summary>The tag of an id.</summary>
    public string TagOf(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, Count);
        return _tags[id];
    }

    /// <summary>The ids of a sentence's tags.</summary>
    public int[] Encode(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var ids = new int[tags.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = IdOf(tags[i]);
        return ids;
    }

    /// <summary>The tags of ids.</summary>
    public string[] Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Select(TagOf).ToArray();
    }

    /// <summary>The map as a JSON object: <c>{"tags": ["O", "B-geo", ...]}</c>, tags in id order.</summary>
    public JsonObject ToJsonNode() => new() { ["tags"] = JsonFields.ArrayOf(_tags) };

    /// <summary>The map as JSON text (see <see cref="ToJsonNode"/>).</summary>
    public string ToJson() => ToJsonNode().ToJsonString(JsonFields.Options);

    /// <summary>Reads a tag map written by <see cref="ToJsonNode"/>.</summary>
    /// <exception cref="FormatException">The tags are missing, empty or repeated.</exception>
    public static TagMap FromJsonNode(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var tags = JsonFields.Array<string>(JsonFields.Object(node, "tag map"), "tags", "tag map");
        try { return new TagMap(tags); }
        catch (ArgumentException e) { throw new FormatException($"Not a tag map: {e.Message}", e); }
    }

    /// <summary>Reads a tag map from JSON text written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">The text is not a tag map.</exception>
    public static TagMap FromJson(string json) => FromJsonNode(JsonFields.Parse(json, "tag map"));
}
