using SequenceModels.Plotting;

namespace Workbook.Tests.Site;

/// <summary>The overlap check of <see cref="CourseSiteTests"/> finds overlapping text, and only that.</summary>
public sealed class OverlapCheckTests
{
    private static Figure Panel(string title) =>
        Figure.Line([1.0, 2.0, 3.0], [1.0, 3.0, 2.0], "a series").WithTitle(title).WithAxisTitles("step t", "value");

    [BrowserFact]
    public async Task A_squeezed_grid_has_overlapping_text_and_the_same_grid_at_its_height_has_none()
    {
        var squeezed = Figure.Grid(2, 1, Panel("What the cell holds"), Panel("The gates")).WithSize(600, 260);
        var roomy = Figure.Grid(2, 1, Panel("What the cell holds"), Panel("The gates")).WithSize(600, null);
        var page = Path.Combine(Path.GetTempPath(), $"workbook-overlap-{Guid.NewGuid():N}.html");
        File.WriteAllText(page, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>"
            + squeezed.ToHtmlFragment(carryPlotly: true) + "<hr>" + roomy.ToHtmlFragment() + "</body></html>");
        await using var browser = await Browser.LaunchAsync();
        try
        {
            var problems = new List<string>();
            var tab = await browser.NewPageAsync(problems);
            await tab.GotoAsync(new Uri(page).AbsoluteUri);
            Assert.Equal((2, 2), await Browser.WaitForFiguresAsync(tab));
            Assert.Empty(problems);
            var all = await tab.EvaluateAsync<string[]>(CourseSiteTests.OverlapScript);
            Assert.NotEmpty(all);
            Assert.All(all, o => Assert.Contains("overlaps", o));
            // Every overlap found is in the squeezed figure (drawn first, 260 px for two panels).
            var roomyOnly = await tab.EvaluateAsync<string[]>($$"""
                () => { document.querySelectorAll('.sm-figure')[0].remove(); return ({{CourseSiteTests.OverlapScript}})(); }
                """);
            Assert.Empty(roomyOnly);
        }
        finally
        {
            File.Delete(page);
        }
    }
}
