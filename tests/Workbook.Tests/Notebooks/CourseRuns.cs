using System.Collections.Concurrent;
using System.Diagnostics;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// Runs of the course notebooks shared by the tests that read them (each notebook is executed once per engine and
/// state, however many tests look at the result), and the set-up the real tool needs.
/// </summary>
internal static class CourseRuns
{
    public static readonly string NotebooksFolder = Path.Combine(Fixtures.RepoRoot, "notebooks");

    private static readonly ConcurrentDictionary<(string, KernelEngine), Lazy<Task<NotebookRunResult>>> Unfinished = new();
    private static readonly Lazy<Task> ToolRestore = new(RestoreToolAsync);

    public static NotebookDocument Load(string name) => NotebookDocument.Load(Path.Combine(NotebooksFolder, name));

    /// <summary>The notebook as committed (every exercise unfinished), run once on <paramref name="engine"/>.</summary>
    public static Task<NotebookRunResult> UnfinishedAsync(string name, KernelEngine engine = KernelEngine.Workbook) =>
        Unfinished.GetOrAdd((name, engine), key => new Lazy<Task<NotebookRunResult>>(async () =>
        {
            if (key.Item2 == KernelEngine.Tool) await ToolRestore.Value;
            return await new NotebookRunner(RunOptions.Default with { Engine = key.Item2 }).RunAsync(Load(key.Item1));
        })).Value;

    /// <summary><c>dotnet tool restore</c> in the repository, once: the tool pinned by .config/dotnet-tools.json.</summary>
    private static async Task RestoreToolAsync()
    {
        var info = new ProcessStartInfo(DotnetHost.Path(), "tool restore")
        {
            WorkingDirectory = Fixtures.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet tool restore failed: {await errors} {await output}");
    }
}
