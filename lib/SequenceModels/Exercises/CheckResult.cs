using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Formatting;

namespace SequenceModels.Exercises;

/// <summary>Where an exercise stands.</summary>
public enum CheckStatus
{
    /// <summary>The function still throws the NotImplementedException it started with.</summary>
    NotDone,
    /// <summary>The function gives a wrong result (the messages say which case and how).</summary>
    Failed,
    /// <summary>The function agrees with the reference implementation on every case.</summary>
    Passed,
}

/// <summary>
/// The verdict of a checker on a student's function. A check cell ends with the checker call, so the notebook shows
/// this as its result: a coloured box in HTML, a short text, and a JSON payload
/// (<see cref="MimeType"/>) that the grader reads from executed notebooks.
/// </summary>
[TypeFormatterSource(typeof(CheckResultFormatters), PreferredMimeTypes = ["text/html", "text/plain", MimeType])]
public sealed class CheckResult
{
    /// <summary>The MIME type of the grader's payload.</summary>
    public const string MimeType = "application/vnd.coursenotebooks.check+json";

    internal CheckResult(string exercise, string title, CheckStatus status, IReadOnlyList<string> messages)
    {
        Exercise = exercise;
        Title = title;
        Status = status;
        Messages = messages;
    }

    /// <summary>The exercise id, "NN.name" (for example "01.one-hot").</summary>
    public string Exercise { get; }

    /// <summary>The exercise's title as the notebook shows it.</summary>
    public string Title { get; }

    /// <summary>Passed, failed or not done.</summary>
    public CheckStatus Status { get; }

    /// <summary>The diagnosis, most important first (for a failure: which case, what was expected, what came back).</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>True when the function agrees with the reference.</summary>
    public bool Passed => Status == CheckStatus.Passed;

    /// <summary>The grade: 1 when passed, 0 otherwise.</summary>
    public int Points => Passed ? 1 : 0;

    /// <summary>Status as the grader writes it: "passed", "failed" or "not done".</summary>
    public string StatusText => Status switch
    {
        CheckStatus.Passed => "passed",
        CheckStatus.Failed => "failed",
        _ => "not done",
    };

    /// <summary>The grader's payload.</summary>
    public string ToJson() => new JsonObject
    {
        ["exercise"] = Exercise,
        ["title"] = Title,
        ["status"] = StatusText,
        ["points"] = Points,
        ["maxPoints"] = 1,
        ["messages"] = new JsonArray(Messages.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()),
    }.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Status switch { CheckStatus.Passed => "✔ ", CheckStatus.Failed => "✘ ", _ => "… " });
        sb.Append(Title).Append(": ").Append(StatusText);
        foreach (var m in Messages) sb.Append(Environment.NewLine).Append("  ").Append(m);
        return sb.ToString();
    }

    internal string ToHtml()
    {
        var (colour, background, mark) = Status switch
        {
            CheckStatus.Passed => ("#1a7f37", "#dafbe1", "✔"),
            CheckStatus.Failed => ("#cf222e", "#ffebe9", "✘"),
            _ => ("#9a6700", "#fff8c5", "…"),
        };
        var sb = new StringBuilder();
        sb.Append($"<div class=\"exercise-check\" style=\"border-left:4px solid {colour};background:{background};padding:6px 10px;margin:4px 0;font-family:sans-serif\">");
        sb.Append($"<strong style=\"color:{colour}\">{mark} {WebUtility.HtmlEncode(Title)}: {StatusText}</strong>");
        if (Messages.Count > 0)
        {
            sb.Append("<ul style=\"margin:4px 0 0 0\">");
            foreach (var m in Messages) sb.Append("<li><pre style=\"margin:0;white-space:pre-wrap;font-family:inherit\">").Append(WebUtility.HtmlEncode(m)).Append("</pre></li>");
            sb.Append("</ul>");
        }
        sb.Append("</div>");
        return sb.ToString();
    }
}

/// <summary>How notebooks show a <see cref="CheckResult"/> (found by Formatting through the attribute on the type).</summary>
internal sealed class CheckResultFormatters : ITypeFormatterSource
{
    public IEnumerable<ITypeFormatter> CreateTypeFormatters() =>
    [
        new HtmlFormatter<CheckResult>((r, context) => context.Writer.Write(r.ToHtml())),
        new PlainTextFormatter<CheckResult>((r, context) => context.Writer.Write(r.ToString())),
        new PayloadFormatter(),
    ];

    private sealed class PayloadFormatter() : TypeFormatter<CheckResult>
    {
        public override string MimeType => CheckResult.MimeType;

        public override bool Format(CheckResult value, FormatContext context)
        {
            context.Writer.Write(value.ToJson());
            return true;
        }
    }
}
