using System.CommandLine;
using Workbook.Commands;

// workbook: runs and grades the course notebooks, and trains and benchmarks the course models.
// Exit codes: 0 success; 1 a notebook failed (an error output) or a target was missed; 2 bad input (usage, files).
var root = new RootCommand("CourseNotebooks workbook: run and grade notebooks headless; train and benchmark sequence models.");
foreach (var command in new[]
{
    RunCommand.Create(),
    GradeCommand.Create(),
    PosCommand.Create(),
    BenchCommand.Create(),
    NerCommand.Create(),
    CharLmCommand.Create(),
    KernelspecCommand.Create(),
    SiteCommand.Create(),
})
{
    root.Subcommands.Add(command);
}

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine("Run 'workbook --help' (or 'workbook COMMAND --help') for usage.");
    return 2;
}
return await parse.InvokeAsync();
