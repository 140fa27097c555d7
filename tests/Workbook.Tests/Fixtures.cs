using System.Text.Json.Nodes;
using Workbook.Notebooks;

namespace Workbook.Tests;

/// <summary>Small notebooks written into a fresh temporary folder, and the repository's own paths.</summary>
internal sealed class Fixtures : IDisposable
{
    public Fixtures()
    {
        Folder = Path.Combine(Path.GetTempPath(), "workbook-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string Output => Path.Combine(Folder, "out");

    /// <summary>The repository root (the folder holding CourseNotebooks.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The built library, as notebooks reference it.</summary>
    public static string LibraryDll => Path.Combine(RepoRoot, "artifacts", "lib", "SequenceModels.dll");

    public static JsonObject Code(string source, string language = "csharp") => new()
    {
        ["cell_type"] = "code",
        ["execution_count"] = null,
        ["id"] = "c" + Guid.NewGuid().ToString("N")[..8],
        ["metadata"] = new JsonObject
        {
            ["dotnet_interactive"] = new JsonObject { ["language"] = language },
            ["polyglot_notebook"] = new JsonObject { ["kernelName"] = language },
        },
        ["outputs"] = new JsonArray(),
        ["source"] = NotebookCell.SplitLines(source),
    };

    public static JsonObject Markdown(string source) => new()
    {
        ["cell_type"] = "markdown",
        ["id"] = "m" + Guid.NewGuid().ToString("N")[..8],
        ["metadata"] = new JsonObject(),
        ["source"] = NotebookCell.SplitLines(source),
    };

    public static JsonObject NotebookJson(params JsonObject[] cells) => new()
    {
        ["cells"] = new JsonArray(cells),
        ["metadata"] = new JsonObject
        {
            ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
            ["language_info"] = new JsonObject { ["name"] = "csharp" },
            ["polyglot_notebook"] = new JsonObject { ["kernelInfo"] = new JsonObject { ["defaultKernelName"] = "csharp" } },
        },
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
    };

    /// <summary>Writes a notebook made of <paramref name="cells"/> (strings are code cells) and returns its path.</summary>
    public string Write(string name, params object[] cells)
    {
        var json = NotebookJson(cells.Select(c => c as JsonObject ?? Code((string)c)).ToArray());
        return WriteText(name, NotebookDocument.Format(json));
    }

    public string WriteText(string name, string text)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs <c>workbook run</c> in process; returns the exit code and what it printed.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var paths = args.Where(a => !a.StartsWith("--")).ToArray();
        var options = new RunOptions(args.Contains("--short-timeout") ? TimeSpan.FromSeconds(3) : TimeSpan.FromMinutes(5),
            KeepGoing: args.Contains("--keep-going"), Engine: args.Contains("--tool") ? KernelEngine.Tool : KernelEngine.Workbook);
        int code = await global::Workbook.Commands.RunCommand.RunAsync(new global::Workbook.Commands.RunRequest(paths, Output, options, WriteHtml: true),
            stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The executed copy of a notebook written by RunAsync.</summary>
    public JsonObject Executed(string name) => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Output, name)))!;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // a kernel may still be closing its working directory
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CourseNotebooks.sln"))) return dir.FullName;
        throw new InvalidOperationException("CourseNotebooks.sln not found above " + AppContext.BaseDirectory);
    }
}

internal static class OutputExtensions
{
    /// <summary>The outputs of the code cell at 0-based position <paramref name="index"/> among all cells.</summary>
    public static JsonArray Outputs(this JsonObject notebook, int index) => (JsonArray)notebook["cells"]![index]!["outputs"]!;

    public static string Text(this JsonNode? node) => NotebookCell.JoinLines(node);
}
