using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.DotNet.Interactive.Formatting;

namespace SequenceModels.Plotting;

/// <summary>
/// The notebook formatters of <see cref="Figure"/>, found by Microsoft.DotNet.Interactive.Formatting through the
/// <see cref="TypeFormatterSourceAttribute"/> on the type: no registration call is needed.
/// </summary>
internal sealed class FigureFormatterSource : ITypeFormatterSource
{
    public IEnumerable<ITypeFormatter> CreateTypeFormatters() =>
    [
        new HtmlFormatter<Figure>((figure, context) =>
        {
            context.Writer.Write(FigureHtml.Fragment(figure));
            return true;
        }),
        new PlainTextFormatter<Figure>((figure, context) =>
        {
            context.Writer.Write(figure.ToString());
            return true;
        }),
    ];
}

/// <summary>The HTML that draws a figure with plotly.js.</summary>
internal static class FigureHtml
{
    /// <summary>
    /// A self-contained fragment: a wrapper div whose id is a hash of the figure (so the same figure gives the same
    /// bytes on every run), a div to draw in (holding the text description until the chart replaces it, for viewers
    /// that run no scripts), the figure's JSON in a <c>script type="application/json"</c> element
    /// (class <c>sm-figure-json</c>, for tools that look for figures in a page), and a script that draws it.
    /// </summary>
    /// <remarks>
    /// The script works where notebooks show HTML: with plotly.js already on the page (<c>window.Plotly</c>, as in
    /// an exported page that inlines it), or without it, in which case it loads plotly.js from the CDN once per page
    /// and queues the figures shown meanwhile. An AMD loader (<c>define</c> in classic Jupyter) is hidden while the
    /// CDN script runs, so that its UMD wrapper sets <c>window.Plotly</c>. When the same figure appears twice in a
    /// page, the ids repeat; each script claims the first wrapper with its id that is not drawn yet.
    /// </remarks>
    public static string Fragment(Figure figure)
    {
        var json = figure.ToJson();
        var id = "sm-figure-" + Hash(json);
        var width = figure.Width is int w ? $"{w}px" : "100%";
        return $$"""
            <div id="{{id}}" class="sm-figure">
            <div class="sm-figure-plot" style="width:{{width}};height:{{figure.Height}}px"><pre style="color:#666">{{WebUtility.HtmlEncode(figure.ToString())}}</pre></div>
            <script type="application/json" class="sm-figure-json">{{json}}</script>
            <script>
            (function () {
              var url = "{{Figure.PlotlyCdnUrl}}";
              var boxes = document.querySelectorAll('[id="{{id}}"]'), box = null;
              for (var i = 0; i < boxes.length && !box; i++) if (!boxes[i].hasAttribute("data-drawn")) box = boxes[i];
              if (!box) return;
              box.setAttribute("data-drawn", "");
              var plot = box.querySelector(".sm-figure-plot");
              function draw() {
                if (!window.Plotly) { plot.prepend("plotly.js could not be loaded from " + url + "."); return; }
                var figure = JSON.parse(box.querySelector(".sm-figure-json").textContent);
                plot.textContent = "";
                window.Plotly.newPlot(plot, figure.data, figure.layout, { responsive: true, displaylogo: false });
              }
              if (window.Plotly) { draw(); return; }
              var waiting = window.__sequenceModelsPlotly;
              if (!waiting) {
                waiting = window.__sequenceModelsPlotly = [];
                var amd = window.define;
                window.define = undefined;
                var script = document.createElement("script");
                script.src = url;
                script.onload = script.onerror = function () {
                  window.define = amd;
                  window.__sequenceModelsPlotly = undefined;
                  for (var j = 0; j < waiting.length; j++) waiting[j]();
                };
                document.head.appendChild(script);
              }
              waiting.push(draw);
            })();
            </script>
            </div>
            """;
    }

    /// <summary>A whole HTML page for one figure, with plotly.js inlined or loaded from the CDN.</summary>
    public static string Page(Figure figure, string? inlinePlotlyJs)
    {
        // "</script" inside the inlined text would end the element early; "<\/script" means the same in JavaScript.
        var plotly = inlinePlotlyJs is null
            ? $"""<script src="{Figure.PlotlyCdnUrl}"></script>"""
            : $"<script>{inlinePlotlyJs.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)}</script>";
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{WebUtility.HtmlEncode(figure.Title ?? "Figure")}</title>
            {plotly}
            </head>
            <body>
            {Fragment(figure)}
            </body>
            </html>

            """;
    }

    /// <summary>The first 12 hex digits of the SHA-256 of the JSON.</summary>
    static string Hash(string json) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..12];
}
