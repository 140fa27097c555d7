using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Workbook.Notebooks;

/// <summary>
/// Puts a PNG beside each figure of an executed notebook, so viewers that run no JavaScript (GitHub, nbviewer,
/// <c>jupyter nbconvert</c>) show the plot: <c>image/png</c> in the figure's output, and the same picture in place
/// of the text description inside its <c>text/html</c> (which such viewers prefer), where the chart replaces it as
/// soon as scripts run.
/// </summary>
public static partial class FigurePngs
{
    /// <summary>
    /// Renders every figure output of <paramref name="executed"/> (one browser launch) and adds its PNG; returns
    /// how many outputs got one. An output that holds several figures keeps its HTML alone.
    /// </summary>
    public static async Task<int> AddToAsync(NotebookDocument executed, FigureRenderer renderer, CancellationToken cancel)
    {
        var outputs = new List<(JsonObject Data, string Html, JsonObject Figure)>();
        foreach (var cell in executed.CodeCells)
            foreach (var output in cell.Outputs.OfType<JsonObject>())
            {
                if (output["data"] is not JsonObject data || data["text/html"] is not { } node) continue;
                var html = NotebookCell.JoinLines(node);
                var figures = FigureJson().Matches(html);
                if (figures.Count == 1 && JsonNode.Parse(figures[0].Groups[1].Value) is JsonObject figure)
                    outputs.Add((data, html, figure));
            }
        if (outputs.Count == 0) return 0;
        var pngs = await renderer.RenderPngsAsync(outputs.Select(o => o.Figure).ToList(), cancel);
        int added = 0;
        for (int i = 0; i < outputs.Count; i++)
        {
            if (pngs[i] is not { } png) continue;
            var (data, html, _) = outputs[i];
            var base64 = Convert.ToBase64String(png);
            data["text/html"] = WithPicture(html, base64);
            data["image/png"] = base64;
            added++;
        }
        return added;
    }

    /// <summary>The figure HTML with the picture in place of its text description (kept as the picture's alt text).</summary>
    internal static string WithPicture(string html, string pngBase64) =>
        Placeholder().Replace(html, m =>
            $"<img class=\"sm-figure-png\" src=\"data:image/png;base64,{pngBase64}\" alt=\"{WebUtility.HtmlEncode(WebUtility.HtmlDecode(m.Groups[1].Value))}\" style=\"max-width:100%;height:auto\">",
            1);

    [GeneratedRegex("""<script type="application/json" class="sm-figure-json">(.*?)</script>""", RegexOptions.Singleline)]
    private static partial Regex FigureJson();

    [GeneratedRegex("""<pre class="sm-figure-text"[^>]*>(.*?)</pre>""", RegexOptions.Singleline)]
    private static partial Regex Placeholder();
}
