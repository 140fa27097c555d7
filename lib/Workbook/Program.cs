using System.CommandLine;
using Workbook.Commands;

// workbook: runs and grades the course notebooks, and trains and benchmarks the course models.
// Exit codes: 0 success; 1 a notebook failed (an error output) or a target was missed; 2 bad input (usage, files).
var root = new RootCommand("CourseNotebooks workbook: run and grade notebooks headless; train and benchmark sequence models.");
foreach (var command in new[]
{
    RunCommand.Create(),
    CharLmCommand.Create(),
})
{
    root.Subcommands.Add(command);
}

return await root.Parse(args).InvokeAsync();
