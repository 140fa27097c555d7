using System.Diagnostics;
using Workbook.Notebooks;

namespace Workbook.Grading;

/// <summary>
/// Where and how a submission's kernel runs. Each submission gets its own temporary folder:
/// <code>
/// grade-XXXX/work/notebooks/NN-name.ipynb   the graded notebook (the only place the kernel may write, with /tmp)
/// grade-XXXX/work/artifacts/lib             the workbook's library, read-only
/// grade-XXXX/work/data                      the workbook's data, read-only
/// grade-XXXX/work/home                      HOME (a NuGet.Config that restores from the local package cache only)
/// </code>
/// With bubblewrap (Debian's <c>bubblewrap</c>), the kernel runs in new namespaces — no network, its own process
/// tree, as the unprivileged user 65534 — and sees only that folder (at /grading), the system's read-only folders
/// (/usr, /etc, …), the .NET runtime, the kernel and the NuGet package cache, read-only: not the other submissions,
/// not the reference solutions, not the instructor's files. Without it (<c>--no-sandbox</c>) the kernel runs as the
/// grader, in the same folder layout, with the memory and time limits only.
/// </summary>
public sealed class Sandbox : IDisposable
{
    /// <summary>The folder the graded notebook sees as its own, inside the sandbox.</summary>
    public const string Mount = "/grading";

    private readonly string _root;

    private Sandbox(string root, string work, bool isolated)
    {
        _root = root;
        Work = work;
        Isolated = isolated;
    }

    /// <summary>The submission's folder on the grader's side (work/).</summary>
    public string Work { get; }

    /// <summary>True when the kernel runs under bubblewrap.</summary>
    public bool Isolated { get; }

    /// <summary>The notebooks folder on the grader's side.</summary>
    public string NotebooksFolder => Path.Combine(Work, "notebooks");

    /// <summary>The bubblewrap program, or null when it is not installed.</summary>
    public static string? Bubblewrap => new[] { "/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap" }.FirstOrDefault(File.Exists);

    /// <summary>Creates the folder of one submission.</summary>
    public static Sandbox Create(CourseWorkbook workbook, bool isolated)
    {
        var root = Directory.CreateTempSubdirectory("grade-").FullName;
        var work = Path.Combine(root, "work");
        Directory.CreateDirectory(Path.Combine(work, "notebooks"));
        Directory.CreateDirectory(Path.Combine(work, "home", ".nuget", "NuGet"));
        File.WriteAllText(Path.Combine(work, "home", ".nuget", "NuGet", "NuGet.Config"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <clear />\n  </packageSources>\n</configuration>\n");
        var artifacts = Path.Combine(work, "artifacts");
        Directory.CreateDirectory(artifacts);
        if (isolated)
        {
            // Mount points, filled by read-only binds.
            Directory.CreateDirectory(Path.Combine(artifacts, "lib"));
            Directory.CreateDirectory(Path.Combine(work, "data"));
        }
        else
        {
            Directory.CreateSymbolicLink(Path.Combine(artifacts, "lib"), workbook.LibraryFolder);
            Directory.CreateSymbolicLink(Path.Combine(work, "data"), Path.Combine(workbook.Root, "data"));
        }
        return new Sandbox(root, work, isolated);
    }

    /// <summary>How to start the kernel for the notebook <paramref name="notebookFile"/> (a file in <see cref="NotebooksFolder"/>).</summary>
    public KernelLaunch Launch(CourseWorkbook workbook, string key, long memoryLimitBytes)
    {
        var kernel = Path.Combine(KernelLaunch.KernelFolder, "Workbook.Kernel.dll");
        if (!File.Exists(kernel))
            throw new FileNotFoundException($"The kernel {kernel} is missing; build the workbook first (dotnet build CourseNotebooks.sln).");
        var dotnet = Path.GetFullPath(ResolveLinks(DotnetHost.Path()));
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_UI_LANGUAGE"] = "en",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            // The managed heap's hard limit: an allocation past it is an OutOfMemoryException in the cell, which the
            // checker reports, and the kernel lives on (the runner's watch on resident memory catches the rest).
            ["DOTNET_GCHeapHardLimit"] = "0x" + (memoryLimitBytes * 3 / 4).ToString("X"),
            ["NUGET_PACKAGES"] = PackageCache(),
        };
        if (!Isolated)
        {
            environment["HOME"] = Path.Combine(Work, "home");
            environment["DOTNET_CLI_HOME"] = Path.Combine(Work, "home");
            return new KernelLaunch(dotnet, ["exec", kernel, "stdio", "--working-dir", NotebooksFolder, "--grading"], NotebooksFolder)
            {
                Environment = environment,
                Preamble = [key],
                MemoryLimitBytes = memoryLimitBytes,
            };
        }

        var args = new List<string>
        {
            "--die-with-parent", "--new-session", "--clearenv", "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL",
            "--ro-bind", "/usr", "/usr",
        };
        foreach (var system in new[] { "/bin", "/lib", "/lib64", "/sbin", "/etc" }) args.AddRange(["--ro-bind-try", system, system]);
        args.AddRange(["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]);
        var dotnetRoot = Path.GetDirectoryName(dotnet)!;
        if (!dotnetRoot.StartsWith("/usr/", StringComparison.Ordinal)) args.AddRange(["--ro-bind", dotnetRoot, dotnetRoot]);
        args.AddRange(["--ro-bind", KernelLaunch.KernelFolder, KernelLaunch.KernelFolder]);
        args.AddRange(["--ro-bind", environment["NUGET_PACKAGES"], environment["NUGET_PACKAGES"]]);
        args.AddRange(["--bind", Work, Mount]);
        args.AddRange(["--ro-bind", workbook.LibraryFolder, $"{Mount}/artifacts/lib"]);
        args.AddRange(["--ro-bind", Path.Combine(workbook.Root, "data"), $"{Mount}/data"]);
        environment["HOME"] = $"{Mount}/home";
        environment["DOTNET_CLI_HOME"] = $"{Mount}/home";
        environment["TMPDIR"] = "/tmp";
        environment["PATH"] = $"{dotnetRoot}:/usr/local/bin:/usr/bin:/bin";
        environment["DOTNET_ROOT"] = dotnetRoot;
        foreach (var (k, v) in environment) args.AddRange(["--setenv", k, v]);
        args.AddRange(["--chdir", $"{Mount}/notebooks", "--", dotnet, "exec", kernel, "stdio", "--working-dir", $"{Mount}/notebooks", "--grading"]);
        // --clearenv: nothing of the grader's environment reaches the sandbox but what --setenv gives it.
        return new KernelLaunch(Bubblewrap ?? "bwrap", args, NotebooksFolder)
        {
            Environment = new Dictionary<string, string>(),
            Preamble = [key],
            MemoryLimitBytes = memoryLimitBytes,
        };
    }

    /// <summary>The NuGet package cache the engine restores from (the workbook's packages are there after a build).</summary>
    private static string PackageCache()
    {
        if (Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set) return Path.GetFullPath(set);
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }

    private static string ResolveLinks(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    /// <summary>Checks that bubblewrap can start a process here (user namespaces may be disabled); null when it can.</summary>
    public static string? Probe()
    {
        if (Bubblewrap is not { } bwrap) return "bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap)";
        try
        {
            var info = new ProcessStartInfo(bwrap) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "--unshare-all", "--unshare-user", "--ro-bind", "/", "/", "--", "/bin/true" }) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"bubblewrap cannot create a sandbox here: {error.Trim()}";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"bubblewrap cannot run: {e.Message}";
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a kernel may still hold a file; the temporary folder is the system's to clean
        }
    }
}

/// <summary>The names the grader and the kernel (lib/Workbook.Kernel, CheckCapture) agree on.</summary>
internal static class GradingProtocol
{
    /// <summary>The SubmitCode parameter that marks a check cell; its value is the exercise id.</summary>
    public const string CheckParameter = "workbook.check";
}
