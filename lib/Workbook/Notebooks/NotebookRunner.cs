using System.Diagnostics;
using System.Text.Json.Nodes;
using Workbook.Kernel;

namespace Workbook.Notebooks;

/// <summary>Options for running notebooks.</summary>
/// <param name="CellTimeout">How long one cell may run before the runner stops its kernel.</param>
/// <param name="KeepGoing">Run the remaining cells after a cell fails (default: stop at the first failure).</param>
public sealed record RunOptions(TimeSpan CellTimeout, bool KeepGoing = false)
{
    /// <summary>Ten minutes per cell, stop at the first failure.</summary>
    public static RunOptions Default { get; } = new(TimeSpan.FromMinutes(10));
}

/// <summary>Where a running notebook is.</summary>
/// <param name="Notebook">The notebook's name.</param>
/// <param name="CodeCell">1-based index among its code cells.</param>
/// <param name="CodeCells">How many code cells it has.</param>
/// <param name="Cell">1-based position of the cell among all cells.</param>
/// <param name="Elapsed">Time since the notebook started.</param>
public sealed record CellProgress(string Notebook, int CodeCell, int CodeCells, int Cell, TimeSpan Elapsed);

/// <summary>A cell that ended with an error output.</summary>
/// <param name="Cell">1-based position among all cells.</param>
/// <param name="Message">The error, naming cell and line.</param>
public sealed record CellError(int Cell, string Message);

/// <summary>The outcome of running one notebook.</summary>
/// <param name="Source">The notebook as read (unchanged).</param>
/// <param name="Executed">A copy with outputs and execution counts.</param>
/// <param name="CellsRun">How many code cells ran.</param>
/// <param name="CodeCells">How many code cells it has.</param>
/// <param name="Errors">Cells that failed, in order.</param>
/// <param name="Duration">Wall time.</param>
/// <param name="CellDurations">Wall time per executed cell, keyed by 1-based cell position.</param>
public sealed record NotebookRunResult(NotebookDocument Source, NotebookDocument Executed, int CellsRun, int CodeCells,
    IReadOnlyList<CellError> Errors, TimeSpan Duration, IReadOnlyDictionary<int, TimeSpan> CellDurations)
{
    /// <summary>True when every code cell ran without an error output.</summary>
    public bool Succeeded => Errors.Count == 0 && CellsRun == CodeCells;
}

/// <summary>
/// Executes a notebook top to bottom in a fresh kernel whose working directory is the notebook's folder, and builds an
/// executed copy: nbformat outputs (stream, display_data, execute_result, error) and execution counts 1, 2, …. The
/// source document is never modified.
/// </summary>
public sealed class NotebookRunner(RunOptions options)
{
    /// <summary>Runs every code cell of <paramref name="notebook"/>.</summary>
    public async Task<NotebookRunResult> RunAsync(NotebookDocument notebook, IProgress<CellProgress>? progress = null,
        CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var executed = notebook.Clone();
        foreach (var cell in executed.CodeCells) cell.SetOutputs([], null);
        var codeCells = executed.CodeCells.ToList();
        var errors = new List<CellError>();
        var durations = new Dictionary<int, TimeSpan>();
        int count = 0;

        var folder = Path.GetDirectoryName(Path.GetFullPath(notebook.Path))!;
        KernelProcess? kernel = null;
        try
        {
            kernel = await KernelProcess.StartAsync(folder, cancel);
            for (int i = 0; i < codeCells.Count; i++)
            {
                var cell = codeCells[i];
                progress?.Report(new CellProgress(notebook.Name, i + 1, codeCells.Count, cell.Number, clock.Elapsed));
                var cellClock = Stopwatch.StartNew();
                var run = await kernel.ExecuteAsync(cell.Number, cell.Source, options.CellTimeout, cancel);
                durations[cell.Number] = cellClock.Elapsed;
                count++;
                var outputs = BuildOutputs(run.Events, count);
                if (run.Failure == CellFailure.Timeout)
                    outputs.Add(ErrorOutput("TimeoutError",
                        $"cell {cell.Number} did not finish within {options.CellTimeout.TotalSeconds:0} s (--timeout); its kernel was stopped"));
                else if (run.Failure == CellFailure.Crash)
                    outputs.Add(ErrorOutput("KernelDied", $"cell {cell.Number}: the kernel stopped unexpectedly ({run.Detail})"));
                cell.SetOutputs(outputs, count);

                if (run.Ok) continue;
                errors.Add(new CellError(cell.Number, FirstError(outputs) ?? $"cell {cell.Number} failed"));
                if (!options.KeepGoing || run.Failure != CellFailure.None) break;
            }
        }
        finally
        {
            kernel?.Dispose();
        }
        return new NotebookRunResult(notebook, executed, count, codeCells.Count, errors, clock.Elapsed, durations);
    }

    /// <summary>nbformat outputs from a cell's events; consecutive text on one stream becomes one output.</summary>
    internal static JsonArray BuildOutputs(IReadOnlyList<JsonObject> events, int executionCount)
    {
        var outputs = new JsonArray();
        var displays = new Dictionary<string, JsonObject>();
        foreach (var e in events)
        {
            switch ((string?)e["type"])
            {
                case EventType.Stream:
                    var name = (string)e["name"]!;
                    var text = (string?)e["text"] ?? "";
                    if (outputs.Count > 0 && outputs[^1] is JsonObject last && (string?)last["output_type"] == "stream" && (string?)last["name"] == name)
                        last["text"] = NotebookCell.SplitLines(NotebookCell.JoinLines(last["text"]) + text);
                    else
                        outputs.Add(new JsonObject { ["name"] = name, ["output_type"] = "stream", ["text"] = NotebookCell.SplitLines(text) });
                    break;
                case EventType.Display:
                    var display = new JsonObject { ["data"] = MimeBundle(e["data"]), ["metadata"] = new JsonObject(), ["output_type"] = "display_data" };
                    outputs.Add(display);
                    if ((string?)e["displayId"] is { } id) displays[id] = display;
                    break;
                case EventType.Update:
                    if ((string?)e["displayId"] is { } updated && displays.TryGetValue(updated, out var target))
                        target["data"] = MimeBundle(e["data"]);
                    break;
                case EventType.Result:
                    outputs.Add(new JsonObject
                    {
                        ["data"] = MimeBundle(e["data"]),
                        ["execution_count"] = executionCount,
                        ["metadata"] = new JsonObject(),
                        ["output_type"] = "execute_result",
                    });
                    break;
                case EventType.Error:
                    outputs.Add(new JsonObject
                    {
                        ["ename"] = (string?)e["ename"] ?? "Error",
                        ["evalue"] = (string?)e["evalue"] ?? "",
                        ["output_type"] = "error",
                        ["traceback"] = e["traceback"]?.DeepClone() ?? new JsonArray(),
                    });
                    break;
            }
        }
        return outputs;
    }

    private static JsonObject MimeBundle(JsonNode? data)
    {
        var bundle = new JsonObject();
        if (data is not JsonObject source) return bundle;
        foreach (var (mime, value) in source.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            bundle[mime] = value is JsonValue v && v.TryGetValue<string>(out var s) && !Protocol.IsJsonMimeType(mime)
                ? NotebookCell.SplitLines(s)
                : value?.DeepClone();
        return bundle;
    }

    private static JsonObject ErrorOutput(string name, string message) => new()
    {
        ["ename"] = name,
        ["evalue"] = message,
        ["output_type"] = "error",
        ["traceback"] = new JsonArray(message),
    };

    private static string? FirstError(JsonArray outputs) =>
        outputs.OfType<JsonObject>().Where(o => (string?)o["output_type"] == "error")
            .Select(o => $"{(string?)o["ename"]}: {(string?)o["evalue"]}").FirstOrDefault();
}
