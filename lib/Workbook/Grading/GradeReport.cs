using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbook.Grading;

/// <summary>Writes grade rows as CSV (one row per exercise) or JSON (submissions with their exercises and totals).</summary>
public static class GradeReport
{
    /// <summary>Writes <paramref name="rows"/> to <paramref name="path"/>: JSON when it ends in .json, CSV otherwise.</summary>
    public static void Write(string path, IReadOnlyList<GradeRow> rows)
    {
        var text = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? Json(rows) : Csv(rows);
        Notebooks.AtomicFile.WriteAllText(path, text);
    }

    /// <summary>CSV with a header: submission, exercise, title, status, points, max_points, message (RFC 4180 quoting).</summary>
    public static string Csv(IReadOnlyList<GradeRow> rows)
    {
        var sb = new StringBuilder("submission,exercise,title,status,points,max_points,message\n");
        foreach (var r in rows)
            sb.AppendJoin(',', new[] { r.Submission, r.Exercise, r.Title, r.Status, r.Points.ToString(CultureInfo.InvariantCulture), "1", r.Message }
                .Select(Quote)).Append('\n');
        return sb.ToString();
    }

    /// <summary>JSON: per submission its exercises, points and maximum.</summary>
    public static string Json(IReadOnlyList<GradeRow> rows)
    {
        var submissions = new JsonArray();
        foreach (var group in rows.GroupBy(r => r.Submission))
        {
            var counted = group.Where(r => r.Message != "not an exercise of this notebook (not counted)").ToList();
            submissions.Add(new JsonObject
            {
                ["submission"] = group.Key,
                ["points"] = counted.Sum(r => r.Points),
                ["maxPoints"] = counted.Count,
                ["exercises"] = new JsonArray(group.Select(r => (JsonNode)new JsonObject
                {
                    ["exercise"] = r.Exercise,
                    ["title"] = r.Title,
                    ["status"] = r.Status,
                    ["points"] = r.Points,
                    ["message"] = r.Message,
                }).ToArray()),
            });
        }
        var total = rows.Where(r => r.Message != "not an exercise of this notebook (not counted)").ToList();
        return new JsonObject
        {
            ["points"] = total.Sum(r => r.Points),
            ["maxPoints"] = total.Count,
            ["submissions"] = submissions,
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
