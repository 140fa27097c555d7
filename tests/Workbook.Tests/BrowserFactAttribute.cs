using Workbook.Notebooks;

namespace Workbook.Tests;

/// <summary>
/// A test that needs headless Chromium and a local plotly.js. Skipped when either is missing, unless the environment
/// variable COURSENOTEBOOKS_REQUIRE_BROWSER is 1 (as CI sets it, after installing both): then it runs, and fails.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("COURSENOTEBOOKS_REQUIRE_BROWSER") == "1") return;
        var (_, missing) = FigureRenderer.Find(Fixtures.RepoRoot);
        if (missing is not null) Skip = $"{missing}; CI installs both (.ci/run).";
    }
}
