using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Workbook.Notebooks;

/// <summary>A figure found in an executed notebook.</summary>
/// <param name="Cell">1-based position of its cell.</param>
/// <param name="Index">1-based position among the figures of that cell.</param>
/// <param name="Json">The plotly.js figure (data and layout).</param>
public sealed record NotebookFigure(int Cell, int Index, JsonObject Json);

/// <summary>
/// Renders the figures of executed notebooks to PNG files with headless Chromium and a local plotly.js: one browser
/// launch per notebook, <c>Plotly.toImage</c> for each figure. Figures are found by the JSON the library's figure
/// formatter puts in their HTML (<c>script.sm-figure-json</c>).
/// </summary>
public sealed partial class FigureRenderer(string chromium, string plotlyScript)
{
    /// <summary>A renderer when Chromium and plotly.js can be found, else null (and why not).</summary>
    public static (FigureRenderer? Renderer, string? Missing) Find(string? near)
    {
        var browser = FindChromium();
        var plotly = PlotlyScript.Find(near);
        if (browser is null) return (null, "Chromium not found (install the chromium package, or set COURSENOTEBOOKS_CHROMIUM)");
        if (plotly is null) return (null, "plotly.js not found (run: npm ci --prefix lib/Workbook)");
        return (new FigureRenderer(browser, plotly), null);
    }

    /// <summary>Every figure shown by the notebook's outputs, in order.</summary>
    public static IReadOnlyList<NotebookFigure> Figures(NotebookDocument notebook)
    {
        var figures = new List<NotebookFigure>();
        foreach (var cell in notebook.CodeCells)
        {
            int k = 0;
            foreach (var output in cell.Outputs.OfType<JsonObject>())
            {
                if (output["data"]?["text/html"] is not { } html) continue;
                foreach (Match m in FigureJson().Matches(NotebookCell.JoinLines(html)))
                    if (JsonNode.Parse(m.Groups[1].Value) is JsonObject figure) // script text is not HTML-escaped
                        figures.Add(new NotebookFigure(cell.Number, ++k, figure));
            }
        }
        return figures;
    }

    /// <summary>
    /// The PNG of each plotly.js figure (data and layout; at its layout's size, 900 × 450 when it has none), in one
    /// browser launch; null for a figure plotly.js could not draw.
    /// </summary>
    public async Task<IReadOnlyList<byte[]?>> RenderPngsAsync(IReadOnlyList<JsonObject> figures, CancellationToken cancel)
    {
        if (figures.Count == 0) return [];
        var work = Directory.CreateTempSubdirectory("workbook-render-");
        try
        {
            var page = Path.Combine(work.FullName, "figures.html");
            await File.WriteAllTextAsync(page, Page(figures, await File.ReadAllTextAsync(plotlyScript, cancel)), cancel);
            var dom = await RunChromiumAsync(page, work.FullName, cancel);
            var match = Results().Match(dom);
            if (!match.Success) throw new InvalidOperationException("Chromium returned no rendered figures.");
            var images = JsonNode.Parse(WebUtility.HtmlDecode(match.Groups[1].Value)) as JsonArray ?? [];
            var pngs = new byte[]?[figures.Count];
            for (int i = 0; i < figures.Count && i < images.Count; i++)
                if ((string?)images[i] is { } url && url.StartsWith("data:image/png;base64,", StringComparison.Ordinal))
                    pngs[i] = Convert.FromBase64String(url["data:image/png;base64,".Length..]);
            return pngs;
        }
        finally
        {
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still hold its profile folder for a moment
            }
        }
    }

    private static string Page(IReadOnlyList<JsonObject> figures, string plotly)
    {
        var list = new JsonArray(figures.Select(f => (JsonNode)f.DeepClone()).ToArray()).ToJsonString();
        return $$"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><script>{{plotly.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)}}</script></head>
            <body><pre id="rendered"></pre>
            <script>
            (async function () {
              var figures = {{list.Replace("</", "<\\/", StringComparison.Ordinal)}}, images = [];
              for (var i = 0; i < figures.length; i++) {
                var layout = Object.assign({}, figures[i].layout);
                try {
                  images.push(await Plotly.toImage({ data: figures[i].data, layout: layout },
                    { format: "png", width: layout.width || 900, height: layout.height || 450, scale: 1 }));
                } catch (e) { images.push(null); }
              }
              document.getElementById("rendered").textContent = JSON.stringify(images);
            })();
            </script></body></html>
            """;
    }

    private async Task<string> RunChromiumAsync(string page, string profile, CancellationToken cancel)
    {
        var info = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-extensions", $"--user-data-dir={Path.Combine(profile, "profile")}",
                     "--virtual-time-budget=120000", "--dump-dom", new Uri(page).AbsoluteUri,
                 })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {chromium}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancel);
        _ = process.StandardError.ReadToEndAsync(cancel);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        limit.CancelAfter(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("Chromium did not finish rendering within 3 minutes.");
        }
        return await stdout;
    }

    private static string? FindChromium()
    {
        if (Environment.GetEnvironmentVariable("COURSENOTEBOOKS_CHROMIUM") is { Length: > 0 } set && File.Exists(set)) return set;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome", "google-chrome-stable" })
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return null;
    }

    [GeneratedRegex("""<script type="application/json" class="sm-figure-json">(.*?)</script>""", RegexOptions.Singleline)]
    private static partial Regex FigureJson();

    [GeneratedRegex("""<pre id="rendered">(.*?)</pre>""", RegexOptions.Singleline)]
    private static partial Regex Results();
}
