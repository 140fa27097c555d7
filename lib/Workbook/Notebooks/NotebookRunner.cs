using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Workbook.Notebooks;

/// <summary>Options for running notebooks.</summary>
/// <param name="CellTimeout">How long one cell may run before the runner stops its kernel.</param>
/// <param name="KeepGoing">Run the remaining cells after a cell fails (default: stop at the first failure).</param>
/// <param name="Engine">The program that runs the cells (default: the workbook's kernel on the .NET Interactive engine).</param>
public sealed record RunOptions(TimeSpan CellTimeout, bool KeepGoing = false, KernelEngine Engine = KernelEngine.Workbook)
{
    /// <summary>Ten minutes per cell, stop at the first failure, the workbook's kernel.</summary>
    public static RunOptions Default { get; } = new(TimeSpan.FromMinutes(10));

    /// <summary>How long a kernel may take to start (the first start of the tool restores and JIT-compiles a lot).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(3);
}

/// <summary>Where a running notebook is.</summary>
/// <param name="Notebook">The notebook's name.</param>
/// <param name="CodeCell">1-based index among its code cells.</param>
/// <param name="CodeCells">How many code cells it has.</param>
/// <param name="Cell">1-based position of the cell among all cells.</param>
/// <param name="Elapsed">Time since the notebook started.</param>
public sealed record CellProgress(string Notebook, int CodeCell, int CodeCells, int Cell, TimeSpan Elapsed);

/// <summary>A cell that ended with an error output, or a kernel that could not start (cell 0).</summary>
/// <param name="Cell">1-based position among all cells; 0 when the kernel did not start.</param>
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
        var outputs = new KernelOutputs();
        int count = 0;

        var folder = Path.GetDirectoryName(Path.GetFullPath(notebook.Path))!;
        KernelProcess? kernel = null;
        try
        {
            try
            {
                kernel = await KernelProcess.StartAsync(KernelLaunch.For(options.Engine, folder), options.StartTimeout, cancel);
            }
            catch (Exception e) when (e is KernelStartException or FileNotFoundException)
            {
                errors.Add(new CellError(0, $"{notebook.Path}: {e.Message}"));
                return new NotebookRunResult(notebook, executed, 0, codeCells.Count, errors, clock.Elapsed, durations);
            }
            for (int i = 0; i < codeCells.Count; i++)
            {
                var cell = codeCells[i];
                progress?.Report(new CellProgress(notebook.Name, i + 1, codeCells.Count, cell.Number, clock.Elapsed));
                var cellClock = Stopwatch.StartNew();
                var run = await kernel.ExecuteAsync(cell.Number, cell.Source, options.CellTimeout, cancel);
                durations[cell.Number] = cellClock.Elapsed;
                count++;
                var cellOutputs = outputs.Build(run.Events, cell.Number, count);
                if (run.Failure == CellFailure.Timeout)
                    cellOutputs.Add(KernelOutputs.Error("TimeoutError",
                        $"cell {cell.Number} did not finish within {options.CellTimeout.TotalSeconds:0} s (--timeout); its kernel was stopped"));
                else if (run.Failure == CellFailure.Crash)
                    cellOutputs.Add(KernelOutputs.Error("KernelDied", $"cell {cell.Number}: the kernel stopped unexpectedly ({run.Detail})"));
                else if (!run.Ok && !cellOutputs.OfType<JsonObject>().Any(o => (string?)o["output_type"] == "error"))
                    cellOutputs.Add(KernelOutputs.Error("Error", $"cell {cell.Number} failed"));
                cell.SetOutputs(cellOutputs, count);

                if (run.Ok) continue;
                errors.Add(new CellError(cell.Number, FirstError(cellOutputs) ?? $"cell {cell.Number} failed"));
                if (!options.KeepGoing || run.Failure != CellFailure.None) break;
            }
        }
        finally
        {
            kernel?.Dispose();
        }
        return new NotebookRunResult(notebook, executed, count, codeCells.Count, errors, clock.Elapsed, durations);
    }

    private static string? FirstError(JsonArray outputs) =>
        outputs.OfType<JsonObject>().Where(o => (string?)o["output_type"] == "error")
            .Select(o => $"{(string?)o["ename"]}: {(string?)o["evalue"]}").FirstOrDefault();
}
