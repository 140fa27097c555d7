using System.CommandLine;
using Spectre.Console;
using Workbook.Grading;
using Workbook.Notebooks;

namespace Workbook.Commands;

/// <summary><c>workbook grade PATH...</c>: runs submitted notebooks and scores their exercises.</summary>
internal static class GradeCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Submitted notebooks, or folders of them (one subfolder per student is fine).", Arity = ArgumentArity.OneOrMore };
        var report = new Option<string?>("--report") { Description = "Also write the scores to this file: .csv or .json." };
        var output = new Option<string>("--out") { Description = "Folder for the executed copies.", DefaultValueFactory = _ => Path.Combine("artifacts", "graded") };
        var timeout = new Option<int>("--timeout") { Description = "Seconds one cell may run before it is stopped.", DefaultValueFactory = _ => 600 };
        var command = new Command("grade", "Run submitted notebooks and print a per-exercise score table (passed / failed with the diagnosis / not done).")
        {
            paths, report, output, timeout,
        };
        command.SetAction((parse, cancel) => GradeAsync(parse.GetValue(paths) ?? [], parse.GetValue(report), parse.GetValue(output)!,
            TimeSpan.FromSeconds(parse.GetValue(timeout)), Console.Out, Console.Error, cancel));
        return command;
    }

    /// <summary>Grades; returns 0 when grading worked (whatever the scores), 1 when a notebook could not run, 2 for bad input.</summary>
    public static async Task<int> GradeAsync(IReadOnlyList<string> paths, string? reportPath, string outputDirectory, TimeSpan timeout,
        TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        // Keep going after a failing cell, so one broken cell does not cost the exercises after it.
        var request = new RunRequest(paths, outputDirectory, new RunOptions(timeout, KeepGoing: true), WriteHtml: false);
        var results = await RunCommand.ExecuteAsync(request, stdout, stderr, cancel);
        if (results is null) return 2;

        var roots = paths.Where(Directory.Exists).Select(Path.GetFullPath).ToList();
        var rows = results.SelectMany(r => Grader.Grade(SubmissionName(r.Source.Path, roots), r.Executed)).ToList();
        Print(Consoles.For(stdout), rows);
        if (reportPath is not null)
        {
            GradeReport.Write(reportPath, rows);
            stdout.WriteLine($"Scores written to {reportPath}.");
        }
        return 0;
    }

    private static void Print(IAnsiConsole console, IReadOnlyList<GradeRow> rows)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Grades");
        table.AddColumns("submission", "exercise", "status", "points", "diagnosis");
        foreach (var r in rows)
        {
            var status = r.Status switch
            {
                "passed" => "[green]passed[/]",
                "failed" => "[red]failed[/]",
                _ => $"[yellow]{Markup.Escape(r.Status)}[/]",
            };
            table.AddRow(Markup.Escape(r.Submission), Markup.Escape(r.Exercise), status, r.Points.ToString(),
                Markup.Escape(r.Status == "passed" ? "" : Shorten(r.Message)));
        }
        console.Write(table);
        foreach (var group in rows.GroupBy(r => r.Submission))
        {
            var counted = group.Where(r => !r.Message.EndsWith("(not counted)", StringComparison.Ordinal)).ToList();
            console.WriteLine($"{group.Key}: {counted.Sum(r => r.Points)}/{counted.Count}");
        }
        var all = rows.Where(r => !r.Message.EndsWith("(not counted)", StringComparison.Ordinal)).ToList();
        console.WriteLine($"total: {all.Sum(r => r.Points)}/{all.Count}");
    }

    private static string SubmissionName(string path, IReadOnlyList<string> roots)
    {
        var full = Path.GetFullPath(path);
        var root = roots.Where(r => full.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal)).MaxBy(r => r.Length);
        return root is null ? path : Path.GetRelativePath(root, full);
    }

    private static string Shorten(string message) => message.Length <= 160 ? message : message[..157] + "…";
}
