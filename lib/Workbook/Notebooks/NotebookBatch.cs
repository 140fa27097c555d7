namespace Workbook.Notebooks;

/// <summary>A notebook to run and where its executed copy goes.</summary>
/// <param name="Notebook">The notebook as read.</param>
/// <param name="OutputPath">The executed .ipynb to write.</param>
public sealed record NotebookJob(NotebookDocument Notebook, string OutputPath);

/// <summary>Turns command-line paths (notebooks or folders of them) into jobs, checking every notebook first.</summary>
public static class NotebookBatch
{
    /// <summary>
    /// Reads every notebook named by <paramref name="paths"/> (a folder means every .ipynb below it, hidden folders
    /// such as .ipynb_checkpoints left out). Each problem — a missing path, a bad notebook, an output that would
    /// overwrite a source — is one line in the returned list; jobs are returned only when there are none.
    /// </summary>
    public static (IReadOnlyList<NotebookJob> Jobs, IReadOnlyList<string> Problems) Plan(IEnumerable<string> paths, string outputDirectory)
    {
        var jobs = new List<NotebookJob>();
        var problems = new List<string>();
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var outRoot = Path.GetFullPath(outputDirectory);
        foreach (var path in paths)
        {
            IEnumerable<(string File, string Relative)> files;
            if (Directory.Exists(path))
                files = Directory.EnumerateFiles(path, "*.ipynb", SearchOption.AllDirectories)
                    .Where(f => !Path.GetRelativePath(path, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
                    .Order(StringComparer.Ordinal)
                    .Select(f => (f, Path.GetRelativePath(path, f)));
            else if (File.Exists(path) || path.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase))
                files = [(path, Path.GetFileName(path))];
            else
            {
                problems.Add($"{path}: no such notebook or folder");
                continue;
            }
            foreach (var (file, relative) in files)
            {
                try
                {
                    var notebook = NotebookDocument.Load(file);
                    var output = Path.Combine(outRoot, relative);
                    if (Path.GetFullPath(file) == output)
                        problems.Add($"{file}: the executed copy would overwrite the notebook itself; choose another --out folder");
                    else if (outputs.TryGetValue(output, out var other))
                        problems.Add($"{file}: its executed copy {output} would overwrite the one of {other}");
                    else
                    {
                        outputs[output] = file;
                        jobs.Add(new NotebookJob(notebook, output));
                    }
                }
                catch (BadNotebookException e)
                {
                    problems.Add(e.Message);
                }
            }
        }
        if (problems.Count == 0 && jobs.Count == 0) problems.Add($"no notebooks found in {string.Join(", ", paths)}");
        return problems.Count > 0 ? ([], problems) : (jobs, problems);
    }
}
