using Workbook.Notebooks;

namespace Workbook.Site;

/// <summary>
/// What <c>workbook run</c> does with each executed notebook beyond running it, as functions any engine's runner can
/// call: PNGs beside the figures, and the course site from the run's output folder.
/// </summary>
public static class ExecutedNotebooks
{
    /// <summary>
    /// Adds a PNG to each figure output of <paramref name="executed"/> (see <see cref="FigurePngs"/>) when a renderer
    /// is available; a rendering failure is a warning, not a failed run. Returns the number of PNGs added.
    /// </summary>
    public static async Task<int> AddFigurePngsAsync(NotebookDocument executed, FigureRenderer? renderer, TextWriter stderr,
        CancellationToken cancel)
    {
        if (renderer is null) return 0;
        try
        {
            return await FigurePngs.AddToAsync(executed, renderer, cancel);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or System.ComponentModel.Win32Exception)
        {
            stderr.WriteLine($"warning: {executed.Path}: figures got no PNG: {e.Message}");
            return 0;
        }
    }

    /// <summary>
    /// Records the run times of <paramref name="runs"/> (executed notebook name and wall time) beside the executed
    /// notebooks and rebuilds the site in <c>OUT/site/</c> from every executed notebook there.
    /// </summary>
    public static void WriteSite(string outputDirectory, IEnumerable<(string Name, TimeSpan Duration)> runs, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            SiteBuilder.RecordRunTimes(outputDirectory, runs);
            var site = Path.Combine(outputDirectory, "site");
            var pages = SiteBuilder.Build(outputDirectory, site);
            stdout.WriteLine($"Course site ({pages.Count} notebook(s)): {Path.Combine(site, "index.html")}");
        }
        catch (Exception e) when (e is SiteException or BadNotebookException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"warning: the course site was not built: {e.Message}");
        }
    }
}
