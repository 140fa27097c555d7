using System.Text.Json.Nodes;

namespace Workbook.Notebooks;

/// <summary>
/// Turns the kernel events of a cell into nbformat outputs the way the .NET Interactive Jupyter kernel does
/// (Microsoft.DotNet.Interactive.Jupyter's ExecuteRequestHandler), so an executed notebook holds what Jupyter would
/// save: displayed values as display_data (an update replaces the display it names, in any earlier cell), the
/// trailing expression as execute_result, console text as stream outputs (consecutive text on one stream joined),
/// compiler diagnostics — warnings too — as stderr text, and a failure as an error output that names the cell and,
/// for a compile error, the line and column.
/// </summary>
public sealed class KernelOutputs
{
    private readonly Dictionary<string, JsonObject> _displays = new(StringComparer.Ordinal);

    /// <summary>nbformat outputs of one cell's events; <paramref name="cell"/> is the 1-based cell position.</summary>
    public JsonArray Build(IReadOnlyList<JsonObject> events, int cell, int executionCount)
    {
        var outputs = new JsonArray();
        var errors = new List<string>();
        foreach (var e in events)
        {
            var body = e["event"] as JsonObject ?? [];
            switch ((string?)e["eventType"])
            {
                case "DisplayedValueProduced":
                    var display = new JsonObject { ["data"] = Bundle(body), ["metadata"] = new JsonObject(), ["output_type"] = "display_data" };
                    outputs.Add(display);
                    if ((string?)body["valueId"] is { } id) _displays[id] = display;
                    break;
                case "DisplayedValueUpdated":
                    if ((string?)body["valueId"] is { } updated && _displays.TryGetValue(updated, out var target))
                        target["data"] = Bundle(body);
                    break;
                case "ReturnValueProduced":
                    outputs.Add(new JsonObject
                    {
                        ["data"] = Bundle(body),
                        ["execution_count"] = executionCount,
                        ["metadata"] = new JsonObject(),
                        ["output_type"] = "execute_result",
                    });
                    break;
                case "StandardOutputValueProduced":
                    AddStream(outputs, "stdout", PlainText(body));
                    break;
                case "StandardErrorValueProduced" or "ErrorProduced":
                    AddStream(outputs, "stderr", PlainText(body));
                    break;
                case "DiagnosticsProduced":
                    var formatted = (body["formattedDiagnostics"] as JsonArray ?? []).Select(d => (string?)d?["value"] ?? "").ToList();
                    if (formatted.Count > 0) AddStream(outputs, "stderr", "\n" + string.Join("\n\n", formatted) + "\n\n");
                    foreach (var d in (body["diagnostics"] as JsonArray ?? []).OfType<JsonObject>().Where(d => (string?)d["severity"] == "error"))
                    {
                        var start = d["linePositionSpan"]?["start"];
                        errors.Add($"cell {cell}, line {(int?)start?["line"] + 1}, column {(int?)start?["character"] + 1}: error {(string?)d["code"]}: {(string?)d["message"]}");
                    }
                    break;
                case "CommandFailed" when IsRootCommand(e):
                    outputs.Add(Failure(cell, (string?)body["message"] ?? "the command failed", errors));
                    break;
            }
        }
        return outputs;
    }

    private static bool IsRootCommand(JsonObject e) => (string?)e["command"]?["token"] is { } token && !token.Contains('.');

    /// <summary>An error output (for failures the kernel did not report itself: a time limit, a crash).</summary>
    public static JsonObject Error(string name, string message) => new()
    {
        ["ename"] = name,
        ["evalue"] = message,
        ["output_type"] = "error",
        ["traceback"] = new JsonArray(message),
    };

    private static JsonObject Failure(int cell, string message, List<string> compileErrors)
    {
        if (compileErrors.Count > 0)
        {
            return new JsonObject
            {
                ["ename"] = "CompilationError",
                ["evalue"] = compileErrors[0],
                ["output_type"] = "error",
                ["traceback"] = new JsonArray(compileErrors.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
            };
        }
        var lines = message.Replace("\r\n", "\n").Split('\n');
        var first = lines[0];
        int colon = first.IndexOf(": ", StringComparison.Ordinal);
        bool typed = colon > 0 && first[..colon].All(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '`');
        var name = typed ? first[..colon] : "Error";
        var text = typed ? first[(colon + 2)..] : first;
        var trace = lines.Select(l => l.TrimEnd())
            .Where(l => l.Length > 0 && !l.Contains("Microsoft.CodeAnalysis.Scripting", StringComparison.Ordinal)
                        && !l.Contains("--- End of stack trace", StringComparison.Ordinal)
                        && !l.Contains("System.Runtime.CompilerServices", StringComparison.Ordinal)
                        && !l.Contains("System.Runtime.ExceptionServices", StringComparison.Ordinal)
                        && !l.Contains("Microsoft.DotNet.Interactive.", StringComparison.Ordinal))
            .Prepend($"cell {cell}: {name}: {text}")
            .Select(l => (JsonNode?)JsonValue.Create(l)).ToArray();
        return new JsonObject
        {
            ["ename"] = name,
            ["evalue"] = $"cell {cell}: {text}",
            ["output_type"] = "error",
            ["traceback"] = new JsonArray(trace),
        };
    }

    private static void AddStream(JsonArray outputs, string name, string text)
    {
        if (text.Length == 0) return;
        if (outputs.Count > 0 && outputs[^1] is JsonObject last && (string?)last["output_type"] == "stream" && (string?)last["name"] == name)
            last["text"] = NotebookCell.SplitLines(NotebookCell.JoinLines(last["text"]) + text);
        else
            outputs.Add(new JsonObject { ["name"] = name, ["output_type"] = "stream", ["text"] = NotebookCell.SplitLines(text) });
    }

    private static string PlainText(JsonObject body) =>
        (body["formattedValues"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(v => (string?)v["mimeType"] == "text/plain").Select(v => (string?)v["value"]).FirstOrDefault() ?? "";

    /// <summary>The formatted values as a MIME bundle: JSON types parsed (as Jupyter keeps them), text as lines.</summary>
    private static JsonObject Bundle(JsonObject body)
    {
        var bundle = new JsonObject();
        foreach (var value in (body["formattedValues"] as JsonArray ?? []).OfType<JsonObject>().OrderBy(v => (string?)v["mimeType"], StringComparer.Ordinal))
        {
            if ((string?)value["mimeType"] is not { } mime || bundle.ContainsKey(mime)) continue;
            var text = (string?)value["value"] ?? "";
            // Jupyter's kernel parses application/json and passes every other type on as the text it got.
            bundle[mime] = mime == "application/json" ? ParseJsonOrString(text)
                : IsJsonMimeType(mime) ? JsonValue.Create(text)
                : NotebookCell.SplitLines(text);
        }
        return bundle;
    }

    /// <summary>nbformat keeps application/json and application/*+json data as JSON, everything else as text.</summary>
    public static bool IsJsonMimeType(string mimeType) =>
        mimeType.StartsWith("application/", StringComparison.Ordinal) &&
        (mimeType.EndsWith("/json", StringComparison.Ordinal) || mimeType.EndsWith("+json", StringComparison.Ordinal));

    private static JsonNode? ParseJsonOrString(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
