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
            context.Writer.Write(FigureHtml.Fragment(figure, PlotlyBundle.TakeCarrier()));
            return true;
        }),
        new PlainTextFormatter<Figure>((figure, context) =>
        {
            context.Writer.Write(figure.ToString());
            return true;
        }),
    ];
}

/// <summary>The plotly.js bundled in the library (npm plotly.js-dist-min), so figures draw with no network.</summary>
internal static class PlotlyBundle
{
    public const string Version = "2.35.2";

    static readonly Lazy<string> script = new(() =>
    {
        using var stream = typeof(PlotlyBundle).Assembly.GetManifestResourceStream("SequenceModels.Plotting.plotly.min.js")
            ?? throw new InvalidOperationException("plotly.min.js is not embedded in SequenceModels.dll; rebuild the library.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    static int carried;

    /// <summary>The text of plotly.min.js.</summary>
    public static string Script => script.Value;

    /// <summary>
    /// True the first time it is asked in this process: the first figure a kernel shows carries plotly.js, and the
    /// later ones use the copy it left on the page (every output of a notebook shares one page in Jupyter and in VS
    /// Code). Deterministic for a notebook run top to bottom in a fresh kernel.
    /// </summary>
    public static bool TakeCarrier() => Interlocked.Exchange(ref carried, 1) == 0;

    /// <summary>
    /// A script element that defines <c>window.Plotly</c> (once per page) and then draws the figures that were
    /// waiting for it. The bundle runs with <c>define</c>, <c>module</c> and <c>exports</c> hidden, so under an AMD
    /// loader (classic Jupyter's RequireJS) its UMD wrapper still sets <c>window.Plotly</c>.
    /// </summary>
    public static string CarrierElement() =>
        "<script class=\"sm-plotly-js\">if (!window.Plotly) (function (define, module, exports) {\n"
        // "</script" inside the script would end the element early; "<\/script" means the same in JavaScript.
        + Script.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)
        + "\n}).call(window);\n(function (q) { window.__smFigures = undefined; if (q) for (var i = 0; i < q.length; i++) q[i](); })(window.__smFigures);\n</script>";
}

/// <summary>The HTML that draws a figure with plotly.js.</summary>
internal static class FigureHtml
{
    /// <summary>
    /// A self-contained fragment: a wrapper div whose id is a hash of the figure (so the same figure gives the same
    /// bytes on every run), a div to draw in (holding the text description in a <c>pre.sm-figure-text</c> until the
    /// chart replaces it, for viewers that run no scripts), the figure's JSON in a <c>script type="application/json"</c>
    /// element (class <c>sm-figure-json</c>, for tools that look for figures in a page), plotly.js itself when
    /// <paramref name="carryPlotly"/> (a <c>script.sm-plotly-js</c>), and a script that draws the figure.
    /// </summary>
    /// <remarks>
    /// The drawing script draws at once when <c>window.Plotly</c> is on the page, and otherwise queues the figure
    /// until a carrier of plotly.js runs (wherever it is on the page, before or after). When the same figure appears
    /// twice in a page, the ids repeat; each script claims the first wrapper with its id that is not drawn yet.
    /// </remarks>
    public static string Fragment(Figure figure, bool carryPlotly)
    {
        var json = figure.ToJson();
        var id = "sm-figure-" + Hash(json);
        var width = figure.Width is int w ? $"{w}px" : "100%";
        var carrier = carryPlotly ? PlotlyBundle.CarrierElement() + "\n" : "";
        return $$"""
            <div id="{{id}}" class="sm-figure">
            <div class="sm-figure-plot" style="width:{{width}};height:{{figure.Height}}px"><pre class="sm-figure-text" style="color:#666">{{WebUtility.HtmlEncode(figure.ToString())}}</pre></div>
            <script type="application/json" class="sm-figure-json">{{json}}</script>
            {{carrier}}<script>
            (function () {
              var boxes = document.querySelectorAll('[id="{{id}}"]'), box = null;
              for (var i = 0; i < boxes.length && !box; i++) if (!boxes[i].hasAttribute("data-drawn")) box = boxes[i];
              if (!box) return;
              box.setAttribute("data-drawn", "");
              function draw() {
                var plot = box.querySelector(".sm-figure-plot");
                var figure = JSON.parse(box.querySelector(".sm-figure-json").textContent);
                plot.textContent = "";
                window.Plotly.newPlot(plot, { data: figure.data, layout: figure.layout, frames: figure.frames,
                  config: { responsive: true, displaylogo: false } });
              }
              if (window.Plotly) draw();
              else (window.__smFigures = window.__smFigures || []).push(draw);
            })();
            </script>
            </div>
            """;
    }

    /// <summary>A whole HTML page for one figure, with plotly.js inlined: it works offline.</summary>
    public static string Page(Figure figure) => $"""
        <!DOCTYPE html>
        <html>
        <head>
        <meta charset="utf-8">
        <title>{WebUtility.HtmlEncode(figure.Title ?? "Figure")}</title>
        </head>
        <body>
        {Fragment(figure, carryPlotly: true)}
        </body>
        </html>

        """;

    /// <summary>The first 12 hex digits of the SHA-256 of the JSON.</summary>
    static string Hash(string json) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..12];
}
