using System.Text.Json.Nodes;
using SequenceModels.Exercises;
using Workbook.Notebooks;

namespace Workbook.Grading;

/// <summary>One exercise of one submitted notebook.</summary>
/// <param name="Submission">The notebook's path as given (relative to the folder graded, when a folder was given).</param>
/// <param name="Exercise">The exercise id ("01.one-hot").</param>
/// <param name="Title">Its title.</param>
/// <param name="Status">"passed", "failed", "not done" or "missing" (no check result: the check cell was removed or never ran).</param>
/// <param name="Points">1 when passed, else 0.</param>
/// <param name="Message">The checker's diagnosis (first lines), or why it is missing.</param>
public sealed record GradeRow(string Submission, string Exercise, string Title, string Status, int Points, string Message);

/// <summary>
/// Grades executed notebooks: every check cell's result carries a JSON payload (<see cref="CheckResult.MimeType"/>);
/// the exercises a notebook should have come from the catalogue of checkers, by the notebook's number (the "01" of
/// "01-rnn-forward-pass.ipynb"), so a deleted or failed check cell still shows up, as missing.
/// </summary>
public static class Grader
{
    /// <summary>The rows of one executed notebook.</summary>
    public static IReadOnlyList<GradeRow> Grade(string submission, NotebookDocument executed)
    {
        var results = new Dictionary<string, JsonObject>();
        foreach (var cell in executed.CodeCells)
            foreach (var output in cell.Outputs.OfType<JsonObject>())
                if (Payload(output["data"]?[CheckResult.MimeType]) is { } payload && (string?)payload["exercise"] is { } id)
                    results[id] = payload; // a check run twice counts once, the last time

        var number = executed.Name.Split('-')[0];
        var expected = ExerciseCatalogue.ForNotebook(number);
        var rows = new List<GradeRow>();
        foreach (var exercise in expected)
        {
            if (results.Remove(exercise.Id, out var payload))
                rows.Add(Row(submission, payload));
            else
                rows.Add(new GradeRow(submission, exercise.Id, exercise.Title, "missing", 0,
                    "no check result: the check cell is missing, or the notebook stopped before it"));
        }
        // Checks of exercises from other notebooks (a student copied one in) are reported too, but ungraded.
        foreach (var payload in results.Values)
            rows.Add(Row(submission, payload) with { Points = 0, Message = "not an exercise of this notebook (not counted)" });
        return rows;
    }

    // The kernel passes a +json MIME type on as the text it formatted (Jupyter parses application/json only).
    private static JsonObject? Payload(JsonNode? data) => data switch
    {
        JsonObject o => o,
        JsonValue v when v.TryGetValue<string>(out var text) => JsonNode.Parse(text) as JsonObject,
        _ => null,
    };

    private static GradeRow Row(string submission, JsonObject payload)
    {
        var messages = payload["messages"] is JsonArray a ? a.Select(m => (string?)m ?? "").ToList() : [];
        var status = (string?)payload["status"] ?? "failed";
        return new GradeRow(submission, (string?)payload["exercise"] ?? "?", (string?)payload["title"] ?? "",
            status, status == "passed" ? 1 : 0, string.Join(" ", messages.Take(3)));
    }
}
