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
        foreach (var job in jobs)
        {
            var progress = new ProgressLine(stdout, job.Notebook.Name);
            var result = await runner.RunAsync(job.Notebook, progress, cancel);
            progress.Finish(result);
            result.Executed.Save(job.OutputPath);
            if (request.WriteHtml)
                AtomicFile.WriteAllText(Path.ChangeExtension(job.OutputPath, ".html"), HtmlExport.Render(result.Executed, plotly));
            figures.Add(await RenderFiguresAsync(renderer, result, job, stderr, cancel));
            results.Add(result);
        }

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

    /// <summary>PNG files of the notebook's figures in OUT/plots/NAME/ (counts found and rendered).</summary>
    private static async Task<(int Found, int Rendered)> RenderFiguresAsync(FigureRenderer? renderer, NotebookRunResult result,
        NotebookJob job, TextWriter stderr, CancellationToken cancel)
    {
        var found = FigureRenderer.Figures(result.Executed);
        if (renderer is null || found.Count == 0) return (found.Count, 0);
        var folder = Path.Combine(Path.GetDirectoryName(job.OutputPath)!, "plots", Path.GetFileNameWithoutExtension(job.OutputPath));
        try
        {
            return (found.Count, (await renderer.RenderAsync(found, folder, cancel)).Count);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or System.ComponentModel.Win32Exception)
        {
            stderr.WriteLine($"warning: {result.Source.Path}: figures not rendered to PNG: {e.Message}");
            return (found.Count, 0);
        }
    }

    /// <summary>
    /// One line per notebook: on a terminal it is redrawn as cells start ("notebook: cell i/n, elapsed") and ends as
    /// the notebook's result; without a terminal (CI, a log) only the result line is written.
    /// </summary>
    private sealed class ProgressLine(TextWriter writer, string name) : IProgress<CellProgress>
    {
        private readonly bool _live = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;

        public void Report(CellProgress p)
        {
            if (_live) writer.Write($"\r{name}: cell {p.CodeCell}/{p.CodeCells} (notebook cell {p.Cell}), {p.Elapsed.TotalSeconds:0.0} s\u001b[K");
        }

        public void Finish(NotebookRunResult r)
        {
            var text = $"{name}: {(r.Succeeded ? "done" : "FAILED")}, {r.CellsRun}/{r.CodeCells} cells, {r.Duration.TotalSeconds:0.0} s";
            writer.WriteLine(_live ? $"\r{text}\u001b[K" : text);
        }
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
