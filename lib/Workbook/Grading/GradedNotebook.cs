using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workbook.Notebooks;

namespace Workbook.Grading;

/// <summary>What a cell of a graded notebook is.</summary>
public enum CellRole
{
    /// <summary>A cell of the workbook's own (setup, prose code, experiments): run as the workbook has it.</summary>
    Workbook,
    /// <summary>An exercise cell: the student's code.</summary>
    Exercise,
    /// <summary>A check cell: the workbook's, whatever the submission has there.</summary>
    Check,
}

/// <summary>One exercise of a graded notebook.</summary>
/// <param name="Id">"04.lstm-forward".</param>
/// <param name="Title">The title the checker gives it.</param>
/// <param name="Function">The function the exercise asks for ("LstmForward"), from the workbook's unfinished cell.</param>
/// <param name="Stub">The workbook's unfinished exercise cell (run instead of the student's when that cannot run).</param>
/// <param name="StudentSource">The student's exercise cell, or null when the submission has none.</param>
/// <param name="FoundBy">How the student's cell was found: "tag", "cell id" or "function name"; null when it was not.</param>
public sealed record ExerciseSlot(string Id, string Title, string Function, string Stub, string? StudentSource, string? FoundBy);

/// <summary>
/// The notebook the grader runs for a submission: the workbook's own notebook, cell for cell, with only the
/// exercise cells taken from the submission. So the check cells are the instructor's (a rewritten or deleted check
/// cell changes nothing), the set-up and the experiments are the workbook's (the library and data paths resolve
/// from the workbook, wherever the submission was found), and a cell the student added is not run at all. The check
/// cells call the checkers by their full name, so that no class a student declares can stand in for them.
/// </summary>
public sealed partial class GradedNotebook
{
    private readonly Dictionary<int, (CellRole Role, string? Exercise)> _roles;

    private GradedNotebook(NotebookDocument document, IReadOnlyList<ExerciseSlot> exercises, IReadOnlyList<string> notes,
        Dictionary<int, (CellRole, string?)> roles, IReadOnlyList<string> ignoredSources)
    {
        Document = document;
        Exercises = exercises;
        Notes = notes;
        _roles = roles;
        IgnoredSources = ignoredSources;
    }

    /// <summary>The notebook to run: the workbook's, with the student's exercise cells in place.</summary>
    public NotebookDocument Document { get; }

    /// <summary>The exercises, in notebook order.</summary>
    public IReadOnlyList<ExerciseSlot> Exercises { get; }

    /// <summary>What the grader restored or left out, for the report ("the check cell of 04.x was changed; …").</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The code of the submission's cells that the grader does not run (added or changed cells).</summary>
    public IReadOnlyList<string> IgnoredSources { get; }

    /// <summary>The role of a cell of <see cref="Document"/> (by its 1-based number) and its exercise.</summary>
    public (CellRole Role, string? Exercise) RoleOf(NotebookCell cell) => _roles.TryGetValue(cell.Number, out var r) ? r : (CellRole.Workbook, null);

    /// <summary>Builds the graded notebook of <paramref name="submission"/> from the workbook's <paramref name="workbook"/>.</summary>
    public static GradedNotebook Build(NotebookDocument workbook, NotebookDocument submission, IReadOnlyDictionary<string, string> titles)
    {
        var document = workbook.Clone(submission.Path);
        foreach (var cell in document.CodeCells) cell.SetOutputs([], null);
        var roles = new Dictionary<int, (CellRole, string?)>();
        var exercises = new List<ExerciseSlot>();
        var notes = new List<string>();
        var used = new HashSet<NotebookCell>();
        var submitted = submission.CodeCells.ToList();

        foreach (var cell in document.CodeCells)
        {
            if (Tag(cell, "exercise:") is { } id)
            {
                roles[cell.Number] = (CellRole.Exercise, id);
                var function = DeclaredFunctions(cell.Source).FirstOrDefault() ?? "";
                var (student, foundBy) = FindStudentCell(submitted, cell, id, function);
                if (student is not null) used.Add(student);
                exercises.Add(new ExerciseSlot(id, titles.TryGetValue(id, out var t) ? t : id, function, cell.Source, student?.Source, foundBy));
                if (student is not null) cell.Source = student.Source;
            }
            else if (Tag(cell, "check:") is { } checkId)
            {
                roles[cell.Number] = (CellRole.Check, checkId);
                var theirs = submitted.FirstOrDefault(c => Tag(c, "check:") == checkId) ?? submitted.FirstOrDefault(c => c.Id is not null && c.Id == cell.Id);
                if (theirs is null) notes.Add($"The check cell of {checkId} was missing from the submission; the workbook's check was run.");
                else if (Normalize(theirs.Source) != Normalize(cell.Source)) notes.Add($"The check cell of {checkId} was changed in the submission; the workbook's check was run.");
                if (theirs is not null) used.Add(theirs);
                cell.Source = QualifiedCheck().Replace(cell.Source, "global::SequenceModels.Exercises.Check.");
            }
            else
            {
                roles[cell.Number] = (CellRole.Workbook, null);
                var theirs = submitted.FirstOrDefault(c => c.Id is not null && c.Id == cell.Id);
                if (theirs is not null) used.Add(theirs);
            }
        }

        var ignored = submitted.Where(c => !used.Contains(c) && Normalize(c.Source).Length > 0)
            .Where(c => !workbook.CodeCells.Any(w => Normalize(w.Source) == Normalize(c.Source)))
            .Select(c => c.Source).ToList();
        var changed = submitted.Count(c => used.Contains(c) && c.Id is not null
            && workbook.CodeCells.FirstOrDefault(w => w.Id == c.Id) is { } w && Tag(w, "exercise:") is null && Tag(w, "check:") is null
            && Normalize(w.Source) != Normalize(c.Source));
        if (changed > 0) notes.Add($"{changed} of the workbook's code cells were changed in the submission; the workbook's versions were run.");
        if (ignored.Count > 0) notes.Add($"{ignored.Count} code cell(s) of the submission are not exercise cells and were not run.");
        return new GradedNotebook(document, exercises, notes, roles, ignored);
    }

    /// <summary>The names of the methods a cell declares at its top level (a cell's function and any others).</summary>
    public static IReadOnlyList<string> DeclaredFunctions(string source)
    {
        var root = CSharpSyntaxTree.ParseText(WithoutDirectives(source), ScriptParseOptions).GetRoot();
        return root.ChildNodes().SelectMany(n => n switch
        {
            MethodDeclarationSyntax m => [m.Identifier.ValueText],
            GlobalStatementSyntax { Statement: LocalFunctionStatementSyntax f } => [f.Identifier.ValueText],
            _ => Array.Empty<string>(),
        }).ToList();
    }

    /// <summary>How C# script cells parse (as the engine parses them).</summary>
    public static readonly CSharpParseOptions ScriptParseOptions = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    /// <summary>The source with every directive line (#r, #i, #!…) blanked, so that line numbers stay.</summary>
    public static string WithoutDirectives(string source) =>
        string.Join('\n', source.Replace("\r\n", "\n").Split('\n').Select(l => IsDirective(l) ? "" : l));

    /// <summary>True for a line the engine reads as a directive (#r, #i, #load, or a #! magic).</summary>
    public static bool IsDirective(string line)
    {
        var t = line.TrimStart();
        return t.StartsWith("#!", StringComparison.Ordinal) || t.StartsWith("#r ", StringComparison.Ordinal)
            || t.StartsWith("#i ", StringComparison.Ordinal) || t.StartsWith("#load", StringComparison.Ordinal);
    }

    private static (NotebookCell? Cell, string? FoundBy) FindStudentCell(IReadOnlyList<NotebookCell> cells, NotebookCell workbookCell, string id, string function)
    {
        if (cells.FirstOrDefault(c => Tag(c, "exercise:") == id) is { } tagged) return (tagged, "tag");
        if (workbookCell.Id is { } cellId && cells.FirstOrDefault(c => c.Id == cellId) is { } same) return (same, "cell id");
        // The last cell declaring the function: a later declaration is the one the notebook would use.
        if (function.Length > 0 && cells.LastOrDefault(c => DeclaredFunctions(c.Source).Contains(function)) is { } declaring) return (declaring, "function name");
        return (null, null);
    }

    private static string? Tag(NotebookCell cell, string prefix) =>
        cell.Tags.FirstOrDefault(t => t.StartsWith(prefix, StringComparison.Ordinal)) is { } tag ? tag[prefix.Length..] : null;

    private static string Normalize(string source) => string.Join(' ', source.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"(?<![\w.:])Check\.")]
    private static partial Regex QualifiedCheck();
}
