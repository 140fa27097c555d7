using System.Text.Json.Nodes;

namespace Workbook.Notebooks;

/// <summary>
/// The Jupyter kernelspec <c>.net-csharp</c> for the notebooks: the dotnet-interactive tool's own kernel.json
/// (<c>dotnet interactive jupyter --default-kernel csharp {connection_file}</c>, as <c>dotnet interactive jupyter
/// install</c> writes it) with one change: <c>--http-local-only</c>. Without it the kernel opens its HTTP port (2048 and
/// up) on every network interface of the machine; with it, on the loopback interface only. <c>dotnet interactive</c>
/// finds the tool through the repository's manifest (.config/dotnet-tools.json), since Jupyter and VS Code start a
/// kernel in the notebook's folder.
/// </summary>
public static class JupyterKernelSpec
{
    /// <summary>The kernelspec's name, as the notebooks' metadata names it.</summary>
    public const string Name = ".net-csharp";

    /// <summary>The kernel.json content.</summary>
    public static JsonObject KernelJson() => new()
    {
        ["argv"] = new JsonArray("dotnet", "interactive", "jupyter", "--default-kernel", "csharp", "--http-local-only", "{connection_file}"),
        ["display_name"] = ".NET (C#)",
        ["language"] = "C#",
        ["metadata"] = new JsonObject
        {
            ["vscode"] = new JsonObject { ["extension_id"] = "ms-dotnettools.dotnet-interactive-vscode", ["kernel_id"] = "dotnet-interactive" },
        },
    };

    /// <summary>
    /// Jupyter's user data folder, where <c>jupyter kernelspec install --user</c> puts kernelspecs:
    /// $JUPYTER_DATA_DIR, else ~/.local/share/jupyter (Linux), ~/Library/Jupyter (macOS), %APPDATA%\jupyter (Windows).
    /// </summary>
    public static string UserDataDirectory()
    {
        if (Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR") is { Length: > 0 } set) return set;
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsWindows()) return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "jupyter");
        if (OperatingSystem.IsMacOS()) return Path.Combine(home, "Library", "Jupyter");
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        return Path.Combine(xdg is { Length: > 0 } ? xdg : Path.Combine(home, ".local", "share"), "jupyter");
    }

    /// <summary>Writes <c>DATA/kernels/.net-csharp/kernel.json</c> (atomically) and returns its path.</summary>
    public static string Install(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "kernels", Name, "kernel.json");
        AtomicFile.WriteAllText(path, KernelJson().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        return path;
    }
}
