using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

namespace Workbook.Kernel;

/// <summary>
/// Turns what a cell produces (console text, displayed values, its result, errors) into protocol events, in order.
/// Values are formatted with Microsoft.DotNet.Interactive.Formatting, as the Polyglot Notebooks kernel does, so a
/// library's registered formatters decide how its types look.
/// </summary>
internal sealed class OutputSink
{
    private readonly TextWriter _protocol;
    private readonly object _gate = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private int _displays;

    public OutputSink(TextWriter protocol)
    {
        _protocol = protocol;
        StandardOutput = new CaptureWriter(this, "stdout");
        StandardError = new CaptureWriter(this, "stderr");
    }

    /// <summary>The sink of the running kernel (the helpers in <see cref="Microsoft.DotNet.Interactive.Kernel"/> use it).</summary>
    public static OutputSink Current { get; set; } = null!;

    public TextWriter StandardOutput { get; }

    public TextWriter StandardError { get; }

    public DisplayedValue Display(object? value, string[] mimeTypes)
    {
        var types = mimeTypes.Length > 0 ? mimeTypes : PreferredMimeTypes(value);
        var shown = new DisplayedValue($"display-{Interlocked.Increment(ref _displays)}", mimeTypes);
        Emit(new JsonObject
        {
            ["type"] = EventType.Display,
            ["displayId"] = shown.DisplayId,
            ["data"] = Format(value, types),
        });
        return shown;
    }

    public DisplayedValue DisplayRaw(string content, string mimeType)
    {
        var shown = new DisplayedValue($"display-{Interlocked.Increment(ref _displays)}", [mimeType]);
        Emit(new JsonObject
        {
            ["type"] = EventType.Display,
            ["displayId"] = shown.DisplayId,
            ["data"] = new JsonObject { [mimeType] = content },
        });
        return shown;
    }

    public void Update(DisplayedValue shown, object? value)
    {
        var types = shown.MimeTypes.Length > 0 ? shown.MimeTypes : PreferredMimeTypes(value);
        Emit(new JsonObject
        {
            ["type"] = EventType.Update,
            ["displayId"] = shown.DisplayId,
            ["data"] = Format(value, types),
        });
    }

    public void Result(object? value) =>
        Emit(new JsonObject { ["type"] = EventType.Result, ["data"] = Format(value, PreferredMimeTypes(value)) });

    public void Error(string ename, string evalue, IEnumerable<string> traceback) =>
        Emit(new JsonObject
        {
            ["type"] = EventType.Error,
            ["ename"] = ename,
            ["evalue"] = evalue,
            ["traceback"] = new JsonArray(traceback.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
        });

    public void Send(JsonObject message) => Emit(message);

    /// <summary>Sends any console text still buffered.</summary>
    public void Flush()
    {
        lock (_gate) FlushStreams();
    }

    /// <summary>
    /// The MIME types a value is shown with when the cell does not say: strings as plain text, HTML content as
    /// HTML, anything else as the Formatting library prefers for its type (text/html by default) plus text/plain.
    /// </summary>
    internal static string[] PreferredMimeTypes(object? value)
    {
        if (value is null or string) return [PlainTextFormatter.MimeType];
        if (value is IHtmlContent) return [HtmlFormatter.MimeType];
        var preferred = Formatter.GetPreferredMimeTypesFor(value.GetType()).ToList();
        if (!preferred.Contains(PlainTextFormatter.MimeType)) preferred.Add(PlainTextFormatter.MimeType);
        return preferred.ToArray();
    }

    internal static JsonObject Format(object? value, IEnumerable<string> mimeTypes)
    {
        var bundle = new JsonObject();
        foreach (var mimeType in mimeTypes.Distinct())
        {
            string text = value is null ? Formatter.NullString : Formatter.ToDisplayString(value, mimeType);
            bundle[mimeType] = Protocol.IsJsonMimeType(mimeType) ? ParseJsonOrString(text) : JsonValue.Create(text);
        }
        return bundle;
    }

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

    private void Emit(JsonObject message)
    {
        lock (_gate)
        {
            FlushStreams();
            WriteEvent(message);
        }
    }

    private void Append(string name, string? text)
    {
        if (string.IsNullOrEmpty(text)) return;
        lock (_gate)
        {
            var buffer = name == "stdout" ? _stdout : _stderr;
            // Keep the order of stdout and stderr text: switching streams sends what the other one holds.
            var other = name == "stdout" ? _stderr : _stdout;
            if (other.Length > 0) FlushStreams();
            buffer.Append(text);
            if (buffer.Length > 16_384) FlushStreams();
        }
    }

    private void FlushStreams()
    {
        foreach (var (name, buffer) in new[] { ("stdout", _stdout), ("stderr", _stderr) })
        {
            if (buffer.Length == 0) continue;
            WriteEvent(new JsonObject { ["type"] = EventType.Stream, ["name"] = name, ["text"] = buffer.ToString() });
            buffer.Clear();
        }
    }

    private void WriteEvent(JsonObject message)
    {
        _protocol.Write(Protocol.Marker);
        _protocol.Write(Protocol.ToLine(message));
        _protocol.Write('\n');
        _protocol.Flush();
    }

    /// <summary>Console.Out and Console.Error while cells run.</summary>
    private sealed class CaptureWriter(OutputSink sink, string name) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => sink.Append(name, value.ToString());

        public override void Write(string? value) => sink.Append(name, value);

        public override void Write(char[] buffer, int index, int count) => sink.Append(name, new string(buffer, index, count));

        public override void WriteLine(string? value) => sink.Append(name, value + NewLine);

        public override void Flush() { }
    }
}
