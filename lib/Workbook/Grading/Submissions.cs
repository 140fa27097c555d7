using System.Text.RegularExpressions;
using Workbook.Notebooks;

namespace Workbook.Grading;

/// <summary>One submitted notebook: whose it is, where it is, and which notebook of the workbook it answers.</summary>
/// <param name="Student">The student (a folder name, or the file's name in a flat folder of submissions).</param>
/// <param name="Path">The submitted file.</param>
/// <param name="Notebook">The workbook notebook it answers ("04-lstm-gates"), or null when none matches.</param>
public sealed record Submission(string Student, string Path, string? Notebook);

/// <summary>
/// Finds the submissions under the paths given to <c>workbook grade</c>, in any of the usual layouts:
/// a notebook file; a folder of one student's notebooks (files named like the workbook's); a folder of students'
/// folders (one subfolder per student, at any depth below it); a flat folder of students' files under any names;
/// several of these at once. Which workbook notebook a file answers comes from its name when it starts with the
/// workbook's "NN-", else from its exercise tags or cell ids.
/// </summary>
public static class Submissions
{
    /// <summary>The submissions, or the problems (a path that does not exist, a file that is not a notebook).</summary>
    public static (IReadOnlyList<Submission> Found, IReadOnlyList<string> Problems) Find(IEnumerable<string> paths, CourseWorkbook workbook)
    {
        var found = new List<Submission>();
        var problems = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                var parent = new DirectoryInfo(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!).Name;
                var named = workbook.ByFileName(System.IO.Path.GetFileName(path));
                found.Add(Identify(named is not null ? parent : System.IO.Path.GetFileNameWithoutExtension(path), path, workbook, problems));
            }
            else if (Directory.Exists(path))
            {
                var root = System.IO.Path.GetFullPath(path);
                var files = Directory.EnumerateFiles(root, "*.ipynb", SearchOption.AllDirectories)
                    .Where(f => !System.IO.Path.GetRelativePath(root, f).Split(System.IO.Path.DirectorySeparatorChar).Any(p => p.StartsWith('.')))
                    .Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0) problems.Add($"{path}: no notebooks in this folder");
                foreach (var file in files)
                {
                    var parts = System.IO.Path.GetRelativePath(root, file).Split(System.IO.Path.DirectorySeparatorChar);
                    string student = parts.Length > 1
                        ? string.Join('/', parts[..^1]) // one folder per student (nested folders joined)
                        : workbook.ByFileName(parts[0]) is not null
                            ? new DirectoryInfo(root).Name // one student's folder of notebooks
                            : System.IO.Path.GetFileNameWithoutExtension(parts[0]); // a flat folder of students' files
                    found.Add(Identify(student, file, workbook, problems));
                }
            }
            else
            {
                problems.Add($"{path}: no such notebook or folder");
            }
        }
        // The same student name from two folders given at once: tell them apart by the folder.
        foreach (var group in found.GroupBy(s => (s.Student, s.Notebook)).Where(g => g.Count() > 1))
            foreach (var s in group)
                problems.Add($"{s.Path}: a second submission of {s.Notebook ?? "the same notebook"} by {s.Student}; grade the folders separately or rename one");
        return (found, problems);
    }

    private static Submission Identify(string student, string path, CourseWorkbook workbook, List<string> problems)
    {
        NotebookDocument document;
        try
        {
            document = NotebookDocument.Load(path); // every submission is read before any is graded
        }
        catch (BadNotebookException e)
        {
            problems.Add(e.Message);
            return new Submission(student, path, null);
        }
        var notebook = workbook.ByFileName(System.IO.Path.GetFileName(path)) ?? workbook.ByContent(document);
        if (notebook is null) problems.Add($"{path}: not a notebook of this workbook (no exercise of the workbook in it)");
        return new Submission(student, path, notebook);
    }
}

/// <summary>The workbook the submissions answer: its notebooks folder (the instructor's copies) and its library.</summary>
public sealed partial class CourseWorkbook
{
    private readonly Dictionary<string, NotebookDocument> _notebooks;

    private CourseWorkbook(string root, Dictionary<string, NotebookDocument> notebooks)
    {
        Root = root;
        _notebooks = notebooks;
    }

    /// <summary>The repository root (holding notebooks/, artifacts/lib/, data/).</summary>
    public string Root { get; }

    /// <summary>The instructor's notebooks by name ("04-lstm-gates").</summary>
    public IReadOnlyDictionary<string, NotebookDocument> Notebooks => _notebooks;

    /// <summary>The built library the notebooks reference.</summary>
    public string LibraryFolder => System.IO.Path.Combine(Root, "artifacts", "lib");

    /// <summary>The reference solutions of the exercises (tests/Workbook.Tests/Solutions/NOTEBOOK/ID.csx).</summary>
    public string SolutionsFolder => System.IO.Path.Combine(Root, "tests", "Workbook.Tests", "Solutions");

    /// <summary>Loads the workbook whose root holds <c>notebooks/</c>; null when there is none.</summary>
    public static CourseWorkbook? Load(string root)
    {
        var folder = System.IO.Path.Combine(root, "notebooks");
        if (!Directory.Exists(folder)) return null;
        var notebooks = Directory.EnumerateFiles(folder, "*.ipynb")
            .Where(f => NumberedName().IsMatch(System.IO.Path.GetFileName(f)))
            .Select(NotebookDocument.Load)
            .ToDictionary(n => n.Name, StringComparer.Ordinal);
        return new CourseWorkbook(System.IO.Path.GetFullPath(root), notebooks);
    }

    /// <summary>The workbook around the running tool: the first folder above it (or above the current folder) with notebooks/ and CourseNotebooks.sln.</summary>
    public static CourseWorkbook? Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "CourseNotebooks.sln")) && Directory.Exists(System.IO.Path.Combine(dir.FullName, "notebooks")))
                    return Load(dir.FullName);
        return null;
    }

    /// <summary>The notebook a file answers by its name: "04-lstm-gates.ipynb" or "04-lstm-gates (2).ipynb".</summary>
    public string? ByFileName(string fileName)
    {
        var stem = System.IO.Path.GetFileNameWithoutExtension(fileName);
        return _notebooks.Keys.Where(n => stem == n || stem.StartsWith(n, StringComparison.Ordinal)).MaxBy(n => n.Length);
    }

    /// <summary>The notebook a document answers by its content: its exercise tags, else its cell ids.</summary>
    public string? ByContent(NotebookDocument document)
    {
        var tags = document.Cells.SelectMany(c => c.Tags).Where(t => t.StartsWith("exercise:", StringComparison.Ordinal) || t.StartsWith("check:", StringComparison.Ordinal)).ToHashSet();
        var ids = document.Cells.Select(c => c.Id).OfType<string>().ToHashSet();
        return _notebooks.Values
            .Select(n => (n.Name, Tags: n.Cells.SelectMany(c => c.Tags).Count(tags.Contains), Ids: n.Cells.Count(c => c.Id is { } id && ids.Contains(id))))
            .Where(x => x.Tags > 0 || x.Ids > 0)
            .OrderByDescending(x => x.Tags).ThenByDescending(x => x.Ids)
            .Select(x => x.Name).FirstOrDefault();
    }

    [GeneratedRegex(@"^\d\d-.+\.ipynb$")]
    private static partial Regex NumberedName();
}
