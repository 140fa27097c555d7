using System.Text.Json.Nodes;

namespace SequenceModels.Text;

/// <summary>
/// Word ↔ id. Id 0 is <see cref="Pad"/> (the filler of padded positions), id 1 is <see cref="Unk"/> (every word
/// not in the vocabulary, and every word seen fewer than the minimum frequency times); the words follow from id 2,
/// most frequent first, ties in ordinal order, so the same sentences always give the same ids.
/// With <see cref="Lowercase"/>, words are lowercased (invariant culture) when built and when looked up.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The id of padding.</summary>
    public const int PadId = 0;

    /// <summary>The id of unknown words.</summary>
    public const int UnkId = 1;

    /// <summary>The token string of <see cref="PadId"/>.</summary>
    public const string Pad = "<PAD>";

    /// <summary>The token string of <see cref="UnkId"/>.</summary>
    public const string Unk = "<UNK>";

    private readonly string[] _tokens;
    private readonly int[] _counts;
    private readonly Dictionary<string, int> _ids;

    private Vocabulary(string[] tokens, int[] counts, bool lowercase, int minFrequency)
    {
        _tokens = tokens;
        _counts = counts;
        Lowercase = lowercase;
        MinFrequency = minFrequency;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
            if (!_ids.TryAdd(tokens[i], i)) throw new FormatException($"Not a vocabulary: the token \"{tokens[i]}\" appears twice (ids {_ids[tokens[i]]} and {i}).");
    }

    /// <summary>
    /// Builds a vocabulary from sentences' tokens (typically the training set only). Words seen fewer than
    /// <paramref name="minFrequency"/> times are left out and so map to <see cref="UnkId"/>. The reserved strings
    /// <see cref="Pad"/> and <see cref="Unk"/> in the text count as the reserved ids.
    /// </summary>
    public static Vocabulary Build(IEnumerable<IEnumerable<string>> sentences, int minFrequency = 1, bool lowercase = false)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minFrequency);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var sentence in sentences)
            foreach (var token in sentence)
            {
                string key = lowercase ? token.ToLowerInvariant() : token;
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        var kept = counts.Where(kv => kv.Value >= minFrequency && kv.Key is not (Pad or Unk))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        int unknown = counts.Where(kv => kv.Value < minFrequency || kv.Key == Unk).Sum(kv => kv.Value);
        return new Vocabulary([Pad, Unk, .. kept.Select(kv => kv.Key)], [0, unknown, .. kept.Select(kv => kv.Value)], lowercase, minFrequency);
    }

    /// <summary>Builds a vocabulary from the tokens of tagged sentences.</summary>
    public static Vocabulary Build(IEnumerable<TaggedSentence> sentences, int minFrequency = 1, bool lowercase = false)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        return Build(sentences.Select(s => s.Tokens), minFrequency, lowercase);
    }

    /// <summary>The number of ids, <see cref="Pad"/> and <see cref="Unk"/> included.</summary>
    public int Count => _tokens.Length;

    /// <summary>Whether words are lowercased before lookup.</summary>
    public bool Lowercase { get; }

    /// <summary>The minimum frequency the vocabulary was built with.</summary>
    public int MinFrequency { get; }

    /// <summary>The tokens by id.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>The id of a word, <see cref="UnkId"/> when it is not in the vocabulary.</summary>
    public int this[string token] => IdOf(token);

    /// <summary>The id of a word, <see cref="UnkId"/> when it is not in the vocabulary.</summary>
    public int IdOf(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _ids.TryGetValue(Lowercase ? token.ToLowerInvariant() : token, out int id) ? id : UnkId;
    }

    /// <summary>True when the word has its own id (not <see cref="UnkId"/>).</summary>
    public bool Contains(string token) => IdOf(token) > UnkId;

    /// <summary>The token of an id.</summary>
    public string TokenOf(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, Count);
        return _tokens[id];
    }

    /// <summary>
    /// How often the word of this id occurred when the vocabulary was built; for <see cref="UnkId"/>, the number of
    /// occurrences of words left out; 0 for <see cref="PadId"/>. Useful to find rare words (for example to replace
    /// words seen once by UNK at random during training).
    /// </summary>
    public int Frequency(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, Count);
        return _counts[id];
    }

    /// <summary>The ids of a sentence's words.</summary>
    public int[] Encode(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var ids = new int[tokens.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = IdOf(tokens[i]);
        return ids;
    }

    /// <summary>The tokens of ids.</summary>
    public string[] Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Select(TokenOf).ToArray();
    }

    /// <summary>
    /// The vocabulary as a JSON object: <c>{"lowercase": false, "minFrequency": 1, "tokens": ["&lt;PAD&gt;",
    /// "&lt;UNK&gt;", ...], "counts": [0, 12, ...]}</c>, tokens in id order.
    /// </summary>
    public JsonObject ToJsonNode() => new()
    {
        ["lowercase"] = Lowercase,
        ["minFrequency"] = MinFrequency,
        ["tokens"] = JsonFields.ArrayOf(_tokens),
        ["counts"] = JsonFields.ArrayOf(_counts),
    };

    /// <summary>The vocabulary as JSON text (see <see cref="ToJsonNode"/>).</summary>
    public string ToJson() => ToJsonNode().ToJsonString(JsonFields.Options);

    /// <summary>Reads a vocabulary written by <see cref="ToJsonNode"/>.</summary>
    /// <exception cref="FormatException">A field is missing or wrong, the reserved tokens are not first, or a token repeats.</exception>
    public static Vocabulary FromJsonNode(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        const string what = "vocabulary";
        var o = JsonFields.Object(node, what);
        var tokens = JsonFields.Array<string>(o, "tokens", what);
        var counts = JsonFields.Array<int>(o, "counts", what);
        if (tokens.Length < 2 || tokens[PadId] != Pad || tokens[UnkId] != Unk)
            throw new FormatException($"Not a vocabulary: the first tokens must be {Pad} and {Unk}.");
        if (counts.Length != tokens.Length)
            throw new FormatException($"Not a vocabulary: {tokens.Length} tokens but {counts.Length} counts.");
        return new Vocabulary(tokens, counts, JsonFields.Value<bool>(o, "lowercase", what), JsonFields.Value<int>(o, "minFrequency", what));
    }

    /// <summary>Reads a vocabulary from JSON text written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">The text is not a vocabulary.</exception>
    public static Vocabulary FromJson(string json) => FromJsonNode(JsonFields.Parse(json, "vocabulary"));
}
