using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;

namespace Workbook.Kernel;

/// <summary>
/// The grader's channel for check results. When the grader submits one of the workbook's own check cells it marks the
/// SubmitCode with the parameter <see cref="Parameter"/> (the exercise id). The value that cell returns — a
/// <c>SequenceModels.Exercises.CheckResult</c> object, not its formatted text — is read here, in the kernel's own
/// code, and written to the protocol stream as one <c>WorkbookCheckResult</c> line signed with HMAC-SHA256 under a
/// key the grader gave this process on its standard input before anything else.
/// </summary>
/// <remarks>
/// Nothing a cell displays can stand for a result: the grader ignores display outputs, and a line on the protocol
/// stream needs the key, which lives only in this object. A result counts only if the value is of the library's own
/// CheckResult type (loaded from SequenceModels.dll), returned by the check cell the grader submitted, for the
/// exercise the grader named.
/// </remarks>
internal sealed class CheckCapture
{
    /// <summary>The SubmitCode parameter that marks a check cell: its value is the exercise id.</summary>
    public const string Parameter = "workbook.check";

    private readonly byte[] _key;
    private readonly TextWriter _protocol;

    public CheckCapture(byte[] key, TextWriter protocol)
    {
        _key = key;
        _protocol = protocol;
    }

    /// <summary>Watches the kernel's events for the return values of marked check cells.</summary>
    public IDisposable Attach(CompositeKernel kernel) => kernel.KernelEvents.Subscribe(new Observer(this));

    private void OnEvent(KernelEvent e)
    {
        if (e is not ReturnValueProduced produced || produced.Command is not SubmitCode submit) return;
        if (!submit.Parameters.TryGetValue(Parameter, out var exercise)) return;
        var token = submit.GetOrCreateToken();
        var payload = Describe(produced.Value, exercise);
        payload["token"] = token;
        var text = payload.ToJsonString();
        var line = new JsonObject
        {
            ["eventType"] = "WorkbookCheckResult",
            ["event"] = new JsonObject { ["payload"] = text, ["signature"] = Sign(text) },
            ["command"] = new JsonObject { ["token"] = token },
        };
        _protocol.WriteLine(line.ToJsonString());
    }

    /// <summary>The result as the grader reads it; anything but the library's CheckResult for this exercise is a forgery.</summary>
    private static JsonObject Describe(object? value, string exercise)
    {
        var type = value?.GetType();
        if (type is null || type.FullName != "SequenceModels.Exercises.CheckResult" || type.Assembly.GetName().Name != "SequenceModels")
            return new JsonObject { ["exercise"] = exercise, ["forged"] = $"the check cell returned {type?.FullName ?? "null"}, not the library's CheckResult" };
        string Read(string property) => type.GetProperty(property)?.GetValue(value)?.ToString() ?? "";
        var messages = type.GetProperty("Messages")?.GetValue(value) as IEnumerable<string> ?? [];
        var id = Read("Exercise");
        if (id != exercise)
            return new JsonObject { ["exercise"] = exercise, ["forged"] = $"the check cell returned the result of exercise {id}" };
        return new JsonObject
        {
            ["exercise"] = id,
            ["title"] = Read("Title"),
            ["status"] = Read("StatusText"),
            ["messages"] = new JsonArray(messages.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()),
        };
    }

    private string Sign(string text) => Convert.ToHexString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text)));

    private sealed class Observer(CheckCapture capture) : IObserver<KernelEvent>
    {
        public void OnCompleted() { }

        public void OnError(Exception error) { }

        public void OnNext(KernelEvent value) => capture.OnEvent(value);
    }
}
