using Workbook.Notebooks;

namespace Workbook.Tests;

/// <summary>A theory that needs headless Chromium and a local plotly.js; skipped like <see cref="BrowserFactAttribute"/>.</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("COURSENOTEBOOKS_REQUIRE_BROWSER") == "1") return;
        var (_, missing) = FigureRenderer.Find(Fixtures.RepoRoot);
        if (missing is not null) Skip = $"{missing}; CI installs both (.ci/run).";
    }
}
