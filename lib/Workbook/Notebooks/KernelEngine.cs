using System.Diagnostics;

namespace Workbook.Notebooks;

/// <summary>Which program runs a notebook's cells. Both speak the dotnet-interactive stdio protocol.</summary>
public enum KernelEngine
{
    /// <summary>
    /// The workbook's kernel process (lib/Workbook.Kernel): Microsoft.DotNet.Interactive's CSharpKernel from the
    /// packages, composed as the dotnet-interactive tool composes it. Built with the workbook; the default.
    /// </summary>
    Workbook,

    /// <summary>
    /// The dotnet-interactive tool itself (version pinned in .config/dotnet-tools.json, restored with
    /// <c>dotnet tool restore</c>), started as VS Code's Polyglot Notebooks starts it: <c>[vscode] stdio</c>.
    /// </summary>
    Tool,
}

/// <summary>How to start a kernel process for one notebook.</summary>
/// <param name="FileName">The program.</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="WorkingDirectory">Where it starts (for the tool: inside the repository, so that its manifest is found).</param>
public sealed record KernelLaunch(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    /// <summary>Environment variables set for the kernel (on top of the runner's own).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_UI_LANGUAGE"] = "en",
    };

    /// <summary>Lines written to the kernel's stdin before anything else (the grader's key, with --grading).</summary>
    public IReadOnlyList<string> Preamble { get; init; } = [];

    /// <summary>
    /// When set, the runner ends the kernel (and reports the cell as crashed) once the resident memory of the kernel's
    /// process tree passes this many bytes.
    /// </summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>The folder of the workbook's kernel (artifacts/kernel/, where the build puts it).</summary>
    public static string KernelFolder =>
        typeof(KernelLaunch).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .OfType<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "KernelFolder")?.Value
        ?? AppContext.BaseDirectory;

    /// <summary>The workbook's kernel, for a notebook in <paramref name="notebookFolder"/>.</summary>
    public static KernelLaunch Workbook(string notebookFolder)
    {
        var kernel = Path.Combine(KernelFolder, "Workbook.Kernel.dll");
        if (!File.Exists(kernel))
            throw new FileNotFoundException($"The kernel {kernel} is missing; rebuild the workbook (dotnet build CourseNotebooks.sln).");
        return new KernelLaunch(DotnetHost.Path(), ["exec", kernel, "stdio", "--working-dir", notebookFolder], notebookFolder);
    }

    /// <summary>
    /// The dotnet-interactive tool from the local tool manifest nearest to <paramref name="notebookFolder"/>, as VS
    /// Code starts it (<c>dotnet tool run dotnet-interactive -- [vscode] stdio --working-dir …</c>).
    /// </summary>
    public static KernelLaunch Tool(string notebookFolder)
    {
        var manifest = ToolManifest.Find(notebookFolder)
            ?? throw new FileNotFoundException(
                $"No .config/dotnet-tools.json above {notebookFolder}: the dotnet-interactive tool is pinned in the repository's tool manifest.");
        return new KernelLaunch(DotnetHost.Path(),
            ["tool", "run", "dotnet-interactive", "--", "[vscode]", "stdio", "--working-dir", notebookFolder],
            Path.GetDirectoryName(Path.GetDirectoryName(manifest))!);
    }

    /// <summary>The launch of <paramref name="engine"/> for a notebook in <paramref name="notebookFolder"/>.</summary>
    public static KernelLaunch For(KernelEngine engine, string notebookFolder) =>
        engine == KernelEngine.Tool ? Tool(notebookFolder) : Workbook(notebookFolder);

    /// <summary>The start information of the process.</summary>
    public ProcessStartInfo StartInfo()
    {
        var info = new ProcessStartInfo(FileName)
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new System.Text.UTF8Encoding(false),
            StandardErrorEncoding = new System.Text.UTF8Encoding(false),
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
        };
        foreach (var a in Arguments) info.ArgumentList.Add(a);
        foreach (var (k, v) in Environment) info.Environment[k] = v;
        return info;
    }
}

/// <summary>Finds the repository's local tool manifest.</summary>
public static class ToolManifest
{
    /// <summary>The nearest .config/dotnet-tools.json at or above <paramref name="folder"/>, or null.</summary>
    public static string? Find(string folder)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(folder)); dir is not null; dir = dir.Parent)
        {
            var manifest = Path.Combine(dir.FullName, ".config", "dotnet-tools.json");
            if (File.Exists(manifest)) return manifest;
        }
        return null;
    }
}

/// <summary>The dotnet executable that runs the runner (so kernels start with the same runtime).</summary>
public static class DotnetHost
{
    /// <summary>DOTNET_HOST_PATH when set (under the SDK), else the dotnet beside the running runtime, else "dotnet".</summary>
    public static string Path()
    {
        if (System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        // .../dotnet/shared/Microsoft.NETCore.App/10.0.x/ → .../dotnet/dotnet
        var runtime = System.IO.Path.GetDirectoryName(typeof(object).Assembly.Location);
        var root = runtime is null ? null : Directory.GetParent(runtime)?.Parent?.Parent?.FullName;
        var candidate = root is null ? null : System.IO.Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return candidate is not null && File.Exists(candidate) ? candidate : "dotnet";
    }
}
