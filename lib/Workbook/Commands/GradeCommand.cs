using System.CommandLine;
using Spectre.Console;
using Workbook.Grading;
using Workbook.Notebooks;

namespace Workbook.Commands;

/// <summary><c>workbook grade PATH...</c>: grades submitted notebooks, each in its own sandbox, into a score table.</summary>
internal static class GradeCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Submitted notebooks, or folders of them: one student's folder, a folder of students' folders, or a flat folder of students' files.",
            Arity = ArgumentArity.OneOrMore,
        };
        var report = new Option<string?>("--report") { Description = "Also write the scores to this file: .csv or .json." };
        var output = new Option<string>("--out") { Description = "Folder for the executed copies and feedback pages (one subfolder per student).", DefaultValueFactory = _ => Path.Combine("artifacts", "graded") };
        var timeout = new Option<int>("--timeout") { Description = "Seconds one cell may run; an exercise past it is 'timed out'.", DefaultValueFactory = _ => 300 };
        var memory = new Option<int>("--memory") { Description = "Megabytes of memory a submission's kernel may use; past it the exercise is 'crashed'.", DefaultValueFactory = _ => 4096 };
        var noSandbox = new Option<bool>("--no-sandbox")
        {
            Description = "Grade without bubblewrap. The submissions' code then runs with your rights: it can read and change your files and reach the network. Only for code you trust.",
        };
        var workbook = new Option<string?>("--workbook") { Description = "The workbook's root folder (default: the one this tool belongs to)." };
        var command = new Command("grade", "Grade submitted notebooks: the workbook's own notebook runs with each student's exercise cells, in a sandbox; a per-exercise table with the full diagnosis, totals per student.")
        {
            paths, report, output, timeout, memory, noSandbox, workbook,
        };
        command.SetAction((parse, cancel) => GradeAsync(new GradeRequest(parse.GetValue(paths) ?? [], parse.GetValue(report), parse.GetValue(output)!,
            new GradeOptions(TimeSpan.FromSeconds(parse.GetValue(timeout)), parse.GetValue(memory) * 1024L * 1024L, !parse.GetValue(noSandbox)),
            parse.GetValue(workbook)), Console.Out, Console.Error, cancel));
        return command;
    }

    /// <summary>
    /// Grades; 0 when every submission was graded (whatever the scores), 1 when a submission could not be graded (an
    /// error of the grading run, named on stderr), 2 for bad input or when no sandbox can be made.
    /// </summary>
    public static async Task<int> GradeAsync(GradeRequest request, TextWriter stdout, TextWriter stderr, CancellationToken cancel,
        Action<SubmissionGrade>? graded = null)
    {
        var workbook = request.WorkbookRoot is { } root ? CourseWorkbook.Load(root) : CourseWorkbook.Find();
        if (workbook is null)
        {
            stderr.WriteLine($"error: no workbook found{(request.WorkbookRoot is { } r ? $" at {r}" : " above the current folder")} (a folder with CourseNotebooks.sln and notebooks/); pass --workbook.");
            return 2;
        }
        if (!File.Exists(Path.Combine(workbook.LibraryFolder, "SequenceModels.dll")))
        {
            stderr.WriteLine($"error: the workbook's library is not built ({workbook.LibraryFolder}): run dotnet build CourseNotebooks.sln first.");
            return 2;
        }
        if (request.Options.Sandbox && Sandbox.Probe() is { } why)
        {
            stderr.WriteLine($"error: refusing to grade without a sandbox: {why}. Install bubblewrap, or pass --no-sandbox to grade anyway: " +
                             "the submissions' code then runs with your rights (it can read other submissions and your files, change or delete them, and reach the network).");
            return 2;
        }
        var (submissions, problems) = Submissions.Find(request.Paths, workbook);
        if (problems.Count > 0 || submissions.Count == 0)
        {
            foreach (var p in problems) stderr.WriteLine($"error: {p}");
            if (submissions.Count == 0 && problems.Count == 0) stderr.WriteLine($"error: no notebooks found in {string.Join(", ", request.Paths)}");
            return 2;
        }
        if (!request.Options.Sandbox)
            stderr.WriteLine("warning: --no-sandbox: the submissions' code runs with your rights.");

        var session = new GradingSession(workbook, new ExerciseAnalysis(workbook.LibraryFolder, KernelLaunch.KernelFolder), request.Options);
        var grades = new List<SubmissionGrade>();
        foreach (var submission in submissions)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var grade = await session.GradeAsync(submission, cancel);
            grades.Add(grade);
            graded?.Invoke(grade);
            stdout.WriteLine($"{submission.Student}/{submission.Notebook}: {grade.Exercises.Sum(e => e.Points)}/{grade.Exercises.Count}, {clock.Elapsed.TotalSeconds:0.0} s{(grade.Errors.Count > 0 ? ", ERRORS" : "")}");
            if (grade.Executed is { } executed)
                executed.Save(Path.Combine(request.OutputDirectory, Safe(submission.Student), Path.GetFileName(submission.Path)));
        }
        var students = grades.GroupBy(g => g.Submission.Student).Select(g => new StudentGrade(g.Key, g.ToList())).ToList();
        foreach (var student in students)
            AtomicFile.WriteAllText(Path.Combine(request.OutputDirectory, Safe(student.Student), "feedback.html"), GradeReport.FeedbackHtml(student));

        Print(Consoles.For(stdout), students);
        if (request.ReportPath is not null)
        {
            GradeReport.Write(request.ReportPath, students);
            stdout.WriteLine($"Scores written to {request.ReportPath}; feedback pages in {request.OutputDirectory}/<student>/feedback.html.");
        }
        var errors = grades.SelectMany(g => g.Errors).ToList();
        foreach (var e in errors) stderr.WriteLine($"error: {e}");
        return errors.Count > 0 ? 1 : 0;
    }

    private static void Print(IAnsiConsole console, IReadOnlyList<StudentGrade> students)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Grades");
        table.AddColumns("student", "exercise", "status", "points", "diagnosis");
        foreach (var s in students)
            foreach (var e in s.Exercises)
            {
                var status = e.Status switch
                {
                    "passed" => "[green]passed[/]",
                    "failed" or "flagged" or "crashed" or "timed out" => $"[red]{e.Status}[/]",
                    _ => $"[yellow]{Markup.Escape(e.Status)}[/]",
                };
                table.AddRow(Markup.Escape(s.Student), Markup.Escape(e.Exercise), status, e.Points.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(e.Status == "passed" ? "" : e.Message));
            }
        console.Write(table);
        foreach (var s in students)
        {
            console.WriteLine($"{s.Student}: {s.Points}/{s.MaxPoints}");
            foreach (var flag in s.Notebooks.SelectMany(n => n.Flags)) console.WriteLine($"  flagged: {flag}");
        }
        console.WriteLine($"total: {students.Sum(s => s.Points)}/{students.Sum(s => s.MaxPoints)}");
    }

    /// <summary>A student name as a folder name.</summary>
    private static string Safe(string student) =>
        string.Join("_", student.Split(Path.GetInvalidFileNameChars().Append('/').Append('\\').ToArray(), StringSplitOptions.RemoveEmptyEntries)) is { Length: > 0 } s && s is not "." and not ".." ? s : "_";
}

/// <summary>What <c>workbook grade</c> was asked to do.</summary>
internal sealed record GradeRequest(IReadOnlyList<string> Paths, string? ReportPath, string OutputDirectory, GradeOptions Options, string? WorkbookRoot = null);
