using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbook.Kernel;

/// <summary>
/// The line protocol between the runner and a kernel process. The runner writes one JSON request per line to the
/// kernel's stdin; the kernel writes one event per line to its stdout, each prefixed with <see cref="Marker"/> so that
/// anything else that reaches stdout (a native library printing) is still recognised as plain output.
/// </summary>
public static class Protocol
{
    /// <summary>The ASCII record separator that starts every event line.</summary>
    public const char Marker = '\u001e';

    /// <summary>Compact JSON, non-ASCII kept as is.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    /// <summary>A request to run one cell.</summary>
    public static JsonObject Execute(int cell, string code) =>
        new() { ["type"] = "execute", ["cell"] = cell, ["code"] = code };

    /// <summary>A request to exit.</summary>
    public static JsonObject Shutdown() => new() { ["type"] = "shutdown" };

    /// <summary>nbformat keeps application/json and application/*+json data as JSON, everything else as text.</summary>
    public static bool IsJsonMimeType(string mimeType) =>
        mimeType.StartsWith("application/", StringComparison.Ordinal) &&
        (mimeType.EndsWith("/json", StringComparison.Ordinal) || mimeType.EndsWith("+json", StringComparison.Ordinal));

    /// <summary>Serialises a message as one line (without the marker).</summary>
    public static string ToLine(JsonObject message) => message.ToJsonString(Json);
}

/// <summary>The kinds of event a kernel reports while running a cell.</summary>
public static class EventType
{
    /// <summary>The kernel started and waits for requests.</summary>
    public const string Ready = "ready";
    /// <summary>Console text: name (stdout/stderr), text.</summary>
    public const string Stream = "stream";
    /// <summary>A displayed value: data (mime bundle), displayId.</summary>
    public const string Display = "display";
    /// <summary>A new value for an earlier display: displayId, data.</summary>
    public const string Update = "update";
    /// <summary>The value of the cell's trailing expression: data.</summary>
    public const string Result = "result";
    /// <summary>A compile error or exception: ename, evalue, traceback, line.</summary>
    public const string Error = "error";
    /// <summary>The cell finished: ok.</summary>
    public const string Done = "done";
}
