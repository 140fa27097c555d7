using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Workbook.Notebooks;

namespace Workbook.Commands;

/// <summary><c>workbook run PATH...</c>: executes notebooks top to bottom and writes executed copies.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Notebooks, or folders of notebooks.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Folder for the executed copies.", DefaultValueFactory = _ => Path.Combine("artifacts", "executed") };
        var keepGoing = new Option<bool>("--keep-going") { Description = "Run the remaining cells of a notebook after a cell fails." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds one cell may run before it is stopped.", DefaultValueFactory = _ => 600 };
        var noHtml = new Option<bool>("--no-html") { Description = "Do not write an HTML page beside each executed notebook." };
        var noPng = new Option<bool>("--no-png") { Description = "Do not render figures to PNG files (needs Chromium and a local plotly.js)." };
        var engine = new Option<KernelEngine>("--engine")
        {
            Description = "What runs the cells: workbook (the workbook's kernel on the .NET Interactive engine) or tool (the dotnet-interactive tool pinned in .config/dotnet-tools.json, as VS Code runs it).",
            DefaultValueFactory = _ => KernelEngine.Workbook,
        };
        var command = new Command("run", "Execute notebooks headless; write executed copies (.ipynb and .html) with their outputs and plots.")
        {
            paths, output, keepGoing, timeout, noHtml, noPng, engine,
        };
        command.SetAction((parse, cancel) => RunAsync(new RunRequest(
            parse.GetValue(paths) ?? [], parse.GetValue(output)!, new RunOptions(TimeSpan.FromSeconds(parse.GetValue(timeout)), parse.GetValue(keepGoing), parse.GetValue(engine)),
            !parse.GetValue(noHtml), !parse.GetValue(noPng)), Console.Out, Console.Error, cancel));
        return command;
    }

    /// <summary>Runs the notebooks; 0 when all succeed, 1 when one fails, 2 for bad input.</summary>
    public static async Task<int> RunAsync(RunRequest request, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        var results = await ExecuteAsync(request, stdout, stderr, cancel);
        if (results is null) return 2;
        return results.All(r => r.Succeeded) ? 0 : 1;
    }

    /// <summary>Plans, runs and writes; null when the input was bad (the problems were printed).</summary>
    public static async Task<IReadOnlyList<NotebookRunResult>?> ExecuteAsync(RunRequest request, TextWriter stdout,
        TextWriter stderr, CancellationToken cancel)
    {
        var (jobs, problems) = NotebookBatch.Plan(request.Paths, request.OutputDirectory);
        if (problems.Count > 0)
        {
            foreach (var p in problems) stderr.WriteLine($"error: {p}");
            return null;
        }
        var console = Consoles.For(stdout);
        string? plotly = null;
        if (request.WriteHtml && PlotlyScript.Find(Path.GetDirectoryName(jobs[0].Notebook.Path)) is { } plotlyPath)
            plotly = await File.ReadAllTextAsync(plotlyPath, cancel);

        var (renderer, missing) = request.RenderPng ? FigureRenderer.Find(Path.GetDirectoryName(jobs[0].Notebook.Path)) : (null, null);
        var figures = new List<(int Found, int Rendered)>();
        var runner = new NotebookRunner(request.Options);
        var results = new List<NotebookRunResult>();
        var total = Stopwatch.StartNew();
        async Task RunOneAsync(NotebookJob job, IProgress<CellProgress>? progress)
        {
            var result = await runner.RunAsync(job.Notebook, progress, cancel);
            figures.Add(await WriteAsync(result.Executed, job.OutputPath, renderer, request.WriteHtml ? plotly ?? "" : null, stderr, cancel));
            results.Add(result);
        }

        if (ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected)
        {
            // On a terminal: one live line per notebook (its cells so far, a bar, the time), which ends as its result.
            await AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    foreach (var job in jobs)
                    {
                        var name = Markup.Escape(job.Notebook.Name);
                        var task = context.AddTask(name, maxValue: Math.Max(1, job.Notebook.CodeCells.Count()));
                        await RunOneAsync(job, new CellProgressReporter(p =>
                        {
                            task.Value = p.CodeCell - 1;
                            task.Description = $"{name} [grey]cell {p.CodeCell}/{p.CodeCells}[/]";
                        }));
                        var r = results[^1];
                        task.Value = task.MaxValue;
                        task.Description = r.Succeeded ? $"{name} [green]done[/]" : $"{name} [red]FAILED[/]";
                        task.StopTask();
                    }
                });
        }
        else
        {
            // In a log (CI): one line per notebook, when it ends.
            foreach (var job in jobs)
            {
                await RunOneAsync(job, null);
                var r = results[^1];
                stdout.WriteLine($"{r.Source.Name}: {(r.Succeeded ? "done" : "FAILED")}, {r.CellsRun}/{r.CodeCells} cells, {r.Duration.TotalSeconds:0.0} s");
            }
        }

        if (request.WriteHtml) // the run times, and the course site in OUT/site/
            Site.ExecutedNotebooks.WriteSite(request.OutputDirectory, jobs.Zip(results, (j, r) => (Path.GetFileNameWithoutExtension(j.OutputPath), r.Duration)), stdout, stderr);
        var table = new Table().Border(TableBorder.Rounded).Title("Notebooks");
        table.AddColumns("notebook", "cells", "errors", "figures (PNG)", "time", "executed copy");
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            table.AddRow(Markup.Escape(r.Source.Name), $"{r.CellsRun}/{r.CodeCells}",
                r.Errors.Count == 0 ? "[green]0[/]" : $"[red]{r.Errors.Count}[/]", $"{figures[i].Found} ({figures[i].Rendered})",
                $"{r.Duration.TotalSeconds:0.0} s", Markup.Escape(Path.GetRelativePath(Directory.GetCurrentDirectory(), jobs[i].OutputPath)));
        }
        console.Write(table);
        foreach (var r in results.Where(r => r.Errors.Count > 0))
            foreach (var e in r.Errors)
                stderr.WriteLine($"error: {r.Source.Path}, {e.Message}");
        stdout.WriteLine($"{results.Count} notebook(s), {results.Count(r => r.Succeeded)} succeeded, {total.Elapsed.TotalSeconds:0.0} s in all." +
                         (request.WriteHtml && plotly is null ? " (plotly.js not found locally: the HTML pages load it from its CDN; run npm ci --prefix lib/Workbook to inline it.)" : ""));
        if (missing is not null) stdout.WriteLine($"Figures not rendered to PNG: {missing}.");
        return results;
    }

    /// <summary>
    /// Writes an executed notebook as the main job does: a PNG added to each figure (with a renderer), the .ipynb,
    /// its HTML page (when <paramref name="plotly"/> is not null; empty: plotly.js from its CDN), and the PNGs as files
    /// in OUT/plots/NAME/. Returns the counts of figures and of PNG files.
    /// </summary>
    internal static async Task<(int Found, int Rendered)> WriteAsync(NotebookDocument executed, string outputPath, FigureRenderer? renderer,
        string? plotly, TextWriter stderr, CancellationToken cancel)
    {
        await Site.ExecutedNotebooks.AddFigurePngsAsync(executed, renderer, stderr, cancel);
        executed.Save(outputPath);
        if (plotly is not null)
            AtomicFile.WriteAllText(Path.ChangeExtension(outputPath, ".html"), HtmlExport.Render(executed, plotly.Length > 0 ? plotly : null));
        return WriteFigureFiles(executed, outputPath);
    }

    /// <summary>
    /// The PNGs the figures got in the executed notebook, also as files in OUT/plots/NAME/ (cell-07.png, or
    /// cell-07-2.png when a cell shows several); returns the counts of figures and of PNG files.
    /// </summary>
    private static (int Found, int Rendered) WriteFigureFiles(NotebookDocument executed, string outputPath)
    {
        var found = FigureRenderer.Figures(executed).Count;
        var folder = Path.Combine(Path.GetDirectoryName(outputPath)!, "plots", Path.GetFileNameWithoutExtension(outputPath));
        int written = 0;
        foreach (var cell in executed.CodeCells)
        {
            var pngs = cell.Outputs.OfType<System.Text.Json.Nodes.JsonObject>()
                .Select(o => (string?)o["data"]?["image/png"]).OfType<string>().ToList();
            for (int i = 0; i < pngs.Count; i++)
            {
                var name = pngs.Count > 1 ? $"cell-{cell.Number:D2}-{i + 1}.png" : $"cell-{cell.Number:D2}.png";
                AtomicFile.WriteAllBytes(Path.Combine(folder, name), Convert.FromBase64String(pngs[i]));
                written++;
            }
        }
        return (found, written);
    }

    /// <summary>Reports progress synchronously, on the runner's thread.</summary>
    private sealed class CellProgressReporter(Action<CellProgress> report) : IProgress<CellProgress>
    {
        public void Report(CellProgress value) => report(value);
    }
}

/// <summary>What <c>workbook run</c> was asked to do.</summary>
internal sealed record RunRequest(IReadOnlyList<string> Paths, string OutputDirectory, RunOptions Options, bool WriteHtml, bool RenderPng = false);

/// <summary>Spectre consoles over a given writer (the real console, or a test's StringWriter).</summary>
internal static class Consoles
{
    public static IAnsiConsole For(TextWriter writer)
    {
        bool terminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal) console.Profile.Width = 160; // logs and files: no terminal to wrap tables to
        return console;
    }
}
