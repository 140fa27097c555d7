using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbook.Grading;

/// <summary>One student's grades: every exercise of every notebook they submitted.</summary>
/// <param name="Student">The student.</param>
/// <param name="Notebooks">Their graded notebooks.</param>
public sealed record StudentGrade(string Student, IReadOnlyList<SubmissionGrade> Notebooks)
{
    /// <summary>Every exercise, notebook by notebook.</summary>
    public IEnumerable<ExerciseGrade> Exercises => Notebooks.SelectMany(n => n.Exercises);

    /// <summary>Points earned.</summary>
    public int Points => Exercises.Sum(e => e.Points);

    /// <summary>Points possible (one per exercise).</summary>
    public int MaxPoints => Exercises.Count();
}

/// <summary>
/// The grades as files: CSV (one row per exercise), JSON (<c>{points, maxPoints, submissions: [{submission, points,
/// maxPoints, exercises: [{exercise, title, status, points, message}]}]}</c>, a submission being a student, with their
/// notes, flags and errors beside), and a feedback page per student (HTML: each exercise, its status, the whole
/// diagnosis).
/// </summary>
public static class GradeReport
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes the grades to <paramref name="path"/>: JSON when it ends in .json, CSV otherwise.</summary>
    public static void Write(string path, IReadOnlyList<StudentGrade> students) =>
        Notebooks.AtomicFile.WriteAllText(path, path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? Json(students) : Csv(students));

    /// <summary>CSV with a header: submission, exercise, title, status, points, max_points, message (RFC 4180 quoting).</summary>
    public static string Csv(IReadOnlyList<StudentGrade> students)
    {
        var sb = new StringBuilder("submission,exercise,title,status,points,max_points,message\n");
        foreach (var s in students)
            foreach (var e in s.Exercises)
                sb.AppendJoin(',', new[] { s.Student, e.Exercise, e.Title, e.Status, e.Points.ToString(CultureInfo.InvariantCulture), "1", e.Message }
                    .Select(Quote)).Append('\n');
        return sb.ToString();
    }

    /// <summary>JSON: the total, and per student their exercises, points and maximum.</summary>
    public static string Json(IReadOnlyList<StudentGrade> students) => new JsonObject
    {
        ["points"] = students.Sum(s => s.Points),
        ["maxPoints"] = students.Sum(s => s.MaxPoints),
        ["submissions"] = new JsonArray(students.Select(s => (JsonNode)new JsonObject
        {
            ["submission"] = s.Student,
            ["points"] = s.Points,
            ["maxPoints"] = s.MaxPoints,
            ["exercises"] = new JsonArray(s.Exercises.Select(e => (JsonNode)new JsonObject
            {
                ["exercise"] = e.Exercise,
                ["title"] = e.Title,
                ["status"] = e.Status,
                ["points"] = e.Points,
                ["message"] = e.Message,
            }).ToArray()),
            ["notebooks"] = new JsonArray(s.Notebooks.Select(n => (JsonNode)JsonValue.Create(n.Submission.Path)).ToArray()),
            ["notes"] = Strings(s.Notebooks.SelectMany(n => n.Notes)),
            ["flags"] = Strings(s.Notebooks.SelectMany(n => n.Flags)),
            ["errors"] = Strings(s.Notebooks.SelectMany(n => n.Errors)),
        }).ToArray()),
    }.ToJsonString(Indented) + "\n";

    /// <summary>A student's feedback page: each exercise, its status and the whole diagnosis.</summary>
    public static string FeedbackHtml(StudentGrade student)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Feedback: ").Append(Encode(student.Student)).Append("</title>\n");
        sb.Append("<style>body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45}")
          .Append("table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}")
          .Append(".passed{color:#1a7f37}.failed,.flagged,.crashed,.timed-out{color:#cf222e}.not-done,.missing{color:#9a6700}")
          .Append(".message{white-space:pre-wrap}</style></head><body>\n");
        sb.Append("<h1>Feedback for ").Append(Encode(student.Student)).Append("</h1>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<p><strong>{student.Points} / {student.MaxPoints} points</strong></p>\n");
        foreach (var notebook in student.Notebooks)
        {
            sb.Append("<h2>").Append(Encode(notebook.Submission.Notebook ?? Path.GetFileName(notebook.Submission.Path))).Append("</h2>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<p>{notebook.Exercises.Sum(e => e.Points)} / {notebook.Exercises.Count} points · submitted as <code>{Encode(Path.GetFileName(notebook.Submission.Path))}</code></p>\n");
            sb.Append("<table><thead><tr><th>exercise</th><th>status</th><th>points</th><th>diagnosis</th></tr></thead><tbody>\n");
            foreach (var e in notebook.Exercises)
                sb.Append("<tr><td>").Append(Encode(e.Title)).Append("</td><td class=\"").Append(e.Status.Replace(' ', '-')).Append("\">")
                  .Append(Encode(e.Status)).Append(CultureInfo.InvariantCulture, $"</td><td>{e.Points}</td><td class=\"message\">").Append(Encode(e.Message)).Append("</td></tr>\n");
            sb.Append("</tbody></table>\n");
            List(sb, "Errors of the grading run", notebook.Errors);
            List(sb, "Flagged", notebook.Flags);
            List(sb, "Notes", notebook.Notes);
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static void List(StringBuilder sb, string heading, IReadOnlyList<string> items)
    {
        if (items.Count == 0) return;
        sb.Append("<h3>").Append(heading).Append("</h3><ul>");
        foreach (var item in items) sb.Append("<li>").Append(Encode(item)).Append("</li>");
        sb.Append("</ul>\n");
    }

    private static JsonArray Strings(IEnumerable<string> items) => new(items.Select(i => (JsonNode)JsonValue.Create(i)).ToArray());

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
