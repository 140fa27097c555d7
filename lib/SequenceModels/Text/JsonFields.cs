using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SequenceModels.Text;

/// <summary>Reads the fields of the small JSON objects that vocabularies and tag maps are saved as.</summary>
internal static class JsonFields
{
    // Model files are read by people too: keep "<PAD>" and non-ASCII words readable instead of \u003C escapes.
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Parse(string json, string what)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw new FormatException($"Not a {what}: expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not a {what}: {e.Message}", e);
        }
    }

    public static JsonObject Object(JsonNode node, string what) =>
        node as JsonObject ?? throw new FormatException($"Not a {what}: expected a JSON object.");

    public static T Value<T>(JsonObject node, string name, string what) =>
        node[name] is JsonValue v && v.TryGetValue(out T? value) && value is not null
            ? value
            : throw new FormatException($"Not a {what}: \"{name}\" is missing or not a {typeof(T).Name}.");

    public static T[] Array<T>(JsonObject node, string name, string what)
    {
        if (node[name] is not JsonArray array) throw new FormatException($"Not a {what}: \"{name}\" is missing or not an array.");
        var items = new T[array.Count];
        for (int i = 0; i < items.Length; i++)
            items[i] = array[i] is JsonValue v && v.TryGetValue(out T? item) && item is not null
                ? item
                : throw new FormatException($"Not a {what}: \"{name}\"[{i}] is not a {typeof(T).Name}.");
        return items;
    }

    public static JsonArray ArrayOf<T>(IEnumerable<T> items) => new(items.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
}
