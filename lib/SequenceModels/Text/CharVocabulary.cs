using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SequenceModels.Text;

/// <summary>
/// Character ↔ id for a character-level language model. A character is one UTF-16 code unit (<see cref="char"/>),
/// which is one letter for all the text of the course; the halves of a surrogate pair (emoji and other characters
/// beyond U+FFFF) get no id and read as UNK. Two ids are reserved, as in the lecture's word vocabularies:
/// <list type="bullet">
/// <item><see cref="EosId"/> = 0, <see cref="Eos"/>, end of sequence. A corpus of separate items (names, sentences,
/// lines) is encoded with EOS after each item (<see cref="EncodeLines"/>), so the model learns where an item ends
/// and sampling can stop there; EOS is also where sampling starts when no prime is given. A continuous text (a play)
/// is one stream in which a newline is an ordinary character, and then EOS never occurs.</item>
/// <item><see cref="UnkId"/> = 1, <see cref="Unk"/>, unknown: every character not in the vocabulary (one that
/// appears only in held-out text, or in a prime typed by a user), and characters seen fewer than the minimum count
/// times when the vocabulary was built. An alphabet is small and closed, so at character level UNK is rare (unlike
/// word level, where every new name is unknown); it keeps the model total on any input.</item>
/// </list>
/// The characters follow from id 2 in ordinal order, so the same text always gives the same ids.
/// </summary>
public sealed class CharVocabulary
{
    /// <summary>The id of end-of-sequence.</summary>
    public const int EosId = 0;

    /// <summary>The id of unknown characters.</summary>
    public const int UnkId = 1;

    /// <summary>The token string of <see cref="EosId"/> (in listings and model files).</summary>
    public const string Eos = "<EOS>";

    /// <summary>The token string of <see cref="UnkId"/>.</summary>
    public const string Unk = "<UNK>";

    /// <summary>The character <see cref="Decode"/> writes for <see cref="UnkId"/>: U+FFFD, the replacement character.</summary>
    public const char UnknownCharacter = '\uFFFD';

    private const int Reserved = 2;
    private readonly char[] _characters;
    private readonly Dictionary<char, int> _ids;

    /// <summary>A vocabulary of exactly these characters (ids 2, 3, … in the order given).</summary>
    /// <param name="characters">Distinct characters, none a surrogate.</param>
    public CharVocabulary(IEnumerable<char> characters)
    {
        ArgumentNullException.ThrowIfNull(characters);
        _characters = characters.ToArray();
        _ids = new Dictionary<char, int>(_characters.Length);
        for (int i = 0; i < _characters.Length; i++)
            if (char.IsSurrogate(_characters[i]))
                throw new ArgumentException($"{Show(_characters[i])} is half of a surrogate pair, not a character.", nameof(characters));
            else if (!_ids.TryAdd(_characters[i], Reserved + i))
                throw new ArgumentException($"The character {Show(_characters[i])} appears twice.", nameof(characters));
    }

    /// <summary>
    /// The vocabulary of a text (typically the training part only): every character seen at least
    /// <paramref name="minCount"/> times, in ordinal order, after EOS and UNK (surrogates are left out).
    /// </summary>
    public static CharVocabulary Build(string text, int minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minCount);
        var counts = new Dictionary<char, int>();
        foreach (char c in text)
            if (!char.IsSurrogate(c)) counts[c] = counts.GetValueOrDefault(c) + 1;
        return new CharVocabulary(counts.Where(kv => kv.Value >= minCount).Select(kv => kv.Key).Order());
    }

    /// <summary>The number of ids, EOS and UNK included: V, the size of the model's softmax.</summary>
    public int Count => Reserved + _characters.Length;

    /// <summary>The characters with an id of their own, in id order (ids 2, 3, …).</summary>
    public IReadOnlyList<char> Characters => _characters;

    /// <summary>Every token by id: "&lt;EOS&gt;", "&lt;UNK&gt;", then one string per character.</summary>
    public IReadOnlyList<string> Tokens => [Eos, Unk, .. _characters.Select(c => c.ToString())];

    /// <summary>True when <paramref name="c"/> has an id of its own (is not UNK).</summary>
    public bool Contains(char c) => _ids.ContainsKey(c);

    /// <summary>The id of a character; <see cref="UnkId"/> when it is not in the vocabulary.</summary>
    public int IdOf(char c) => _ids.TryGetValue(c, out int id) ? id : UnkId;

    /// <summary>The character of an id, or null for EOS and UNK.</summary>
    public char? CharOf(int id)
    {
        if ((uint)id >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(id), id, $"An id must be in 0..{Count - 1}.");
        return id < Reserved ? null : _characters[id - Reserved];
    }

    /// <summary>The id of every character of <paramref name="text"/> (unknown ones → UNK); no EOS is added.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new int[text.Length];
        for (int i = 0; i < text.Length; i++) ids[i] = IdOf(text[i]);
        return ids;
    }

    /// <summary>
    /// A corpus of separate items as one stream: each line's characters, then EOS (the line break itself is not
    /// encoded). "ab", "c" becomes a, b, EOS, c, EOS.
    /// </summary>
    public int[] EncodeLines(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var ids = new List<int>();
        foreach (var line in lines)
        {
            ids.AddRange(Encode(line));
            ids.Add(EosId);
        }
        return ids.ToArray();
    }

    /// <summary>
    /// The text of some ids: UNK becomes <see cref="UnknownCharacter"/>, EOS a line break (the end of an item).
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new StringBuilder();
        foreach (int id in ids) text.Append(CharOf(id) ?? (id == EosId ? '\n' : UnknownCharacter));
        return text.ToString();
    }

    /// <summary>
    /// The vocabulary as JSON, as model files store it:
    /// <c>{"reserved": ["&lt;EOS&gt;", "&lt;UNK&gt;"], "characters": "\n !&amp;',-.…"}</c> (the characters of ids 2, 3, …
    /// as one string).
    /// </summary>
    public JsonObject ToJson() => new()
    {
        ["reserved"] = new JsonArray(Eos, Unk),
        ["characters"] = new string(_characters),
    };

    /// <summary>The JSON text of <see cref="ToJson"/>, with non-ASCII characters left readable.</summary>
    public string ToJsonString() => ToJson().ToJsonString(JsonOptions);

    /// <summary>Reads a vocabulary written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">The JSON is not such a vocabulary.</exception>
    public static CharVocabulary FromJson(JsonNode? json)
    {
        if (json is not JsonObject o) throw new FormatException("Not a character vocabulary: expected a JSON object.");
        if (o["reserved"] is not JsonArray { Count: 2 } reserved
            || reserved[0]?.GetValueKind() != JsonValueKind.String || (string?)reserved[0] != Eos
            || reserved[1]?.GetValueKind() != JsonValueKind.String || (string?)reserved[1] != Unk)
            throw new FormatException($"Not a character vocabulary: \"reserved\" must be [\"{Eos}\", \"{Unk}\"].");
        if (o["characters"] is not JsonValue v || !v.TryGetValue(out string? characters))
            throw new FormatException("Not a character vocabulary: \"characters\" is missing or not a string.");
        try
        {
            return new CharVocabulary(characters);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Not a character vocabulary: {e.Message}", e);
        }
    }

    /// <summary>Reads the JSON text of <see cref="ToJsonString"/>.</summary>
    /// <exception cref="FormatException">The text is not such a vocabulary.</exception>
    public static CharVocabulary FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return FromJson(JsonNode.Parse(json));
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not a character vocabulary: {e.Message}", e);
        }
    }

    /// <summary>A character as people read it in messages and listings: 'a', '\n', ' '.</summary>
    public static string Show(char c) => c switch
    {
        '\n' => @"'\n'",
        '\r' => @"'\r'",
        '\t' => @"'\t'",
        _ when char.IsControl(c) || char.IsSurrogate(c) => $"U+{(int)c:X4}",
        _ => $"'{c}'",
    };

    /// <inheritdoc />
    public override string ToString() => $"CharVocabulary({Count} ids: {Eos}, {Unk} and {_characters.Length} characters)";

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
