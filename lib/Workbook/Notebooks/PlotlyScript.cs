namespace Workbook.Notebooks;

/// <summary>Finds a local copy of plotly.min.js, so exported pages and rendered PNGs need no network.</summary>
public static class PlotlyScript
{
    private const string PackagePath = "node_modules/plotly.js-dist-min/plotly.min.js";

    /// <summary>
    /// The first that exists: the file named by COURSENOTEBOOKS_PLOTLY_JS; plotly.min.js beside the runner (copied at
    /// build time when lib/Workbook/node_modules holds it); lib/Workbook/node_modules or node_modules above
    /// <paramref name="near"/> or the current folder. Null when none does.
    /// </summary>
    public static string? Find(string? near = null)
    {
        if (Environment.GetEnvironmentVariable("COURSENOTEBOOKS_PLOTLY_JS") is { Length: > 0 } set && File.Exists(set)) return set;
        var beside = Path.Combine(AppContext.BaseDirectory, "plotly.min.js");
        if (File.Exists(beside)) return beside;
        foreach (var start in new[] { near, Directory.GetCurrentDirectory() })
        {
            for (var dir = start is null ? null : new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(dir.FullName, "lib", "Workbook", PackagePath), Path.Combine(dir.FullName, PackagePath) })
                    if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
