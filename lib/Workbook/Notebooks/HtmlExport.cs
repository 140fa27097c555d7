using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Markdig;

namespace Workbook.Notebooks;

/// <summary>
/// An executed notebook as one HTML page for a browser: markdown rendered, code and outputs in order, figures drawn
/// by plotly.js. plotly.js is inlined when the runner has a copy (so the page works offline) and loaded from its CDN
/// otherwise; equations are typeset by MathJax from its CDN when online and stay as TeX otherwise.
/// </summary>
public static class HtmlExport
{
    /// <summary>The plotly.js release the figures are written for (the npm package plotly.js-dist-min).</summary>
    public const string PlotlyVersion = "2.35.2";

    // CommonMark with the GitHub extensions notebook front ends support (tables, strikethrough, autolinks, task lists)
    // and $…$ / $$…$$ maths; not Markdig's other extras, which front ends do not share (such as "I." list items).
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseTaskLists()
        .UseMathematics()
        .Build();

    /// <summary>The page for <paramref name="notebook"/>; <paramref name="plotlyScript"/> is plotly.min.js's text, or null for the CDN.</summary>
    public static string Render(NotebookDocument notebook, string? plotlyScript)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append($"<title>{Encode(notebook.Name)}</title>\n<style>{Style}</style>\n");
        if (plotlyScript is not null) html.Append("<script>").Append(plotlyScript.Replace("</script", "<\\/script")).Append("</script>\n");
        else html.Append($"<script src=\"https://cdn.plot.ly/plotly-{PlotlyVersion}.min.js\"></script>\n");
        html.Append("<script>window.MathJax={tex:{inlineMath:[['\\\\(','\\\\)']],displayMath:[['\\\\[','\\\\]']]}};</script>\n");
        html.Append("<script async src=\"https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js\"></script>\n");
        html.Append("</head>\n<body>\n<main>\n");
        foreach (var cell in notebook.Cells)
        {
            switch (cell.Type)
            {
                case "markdown":
                    html.Append("<section class=\"markdown\">").Append(Markdig.Markdown.ToHtml(cell.Source, Markdown)).Append("</section>\n");
                    break;
                case "code":
                    var count = cell.Json["execution_count"]?.ToString() ?? " ";
                    html.Append($"<section class=\"code\" id=\"cell-{cell.Number}\"><div class=\"prompt\">[{Encode(count)}]</div>");
                    html.Append($"<pre class=\"source\"><code>{Encode(cell.Source)}</code></pre>");
                    foreach (var output in cell.Outputs.OfType<JsonObject>()) html.Append(RenderOutput(output));
                    html.Append("</section>\n");
                    break;
                default:
                    html.Append($"<pre class=\"raw\">{Encode(cell.Source)}</pre>\n");
                    break;
            }
        }
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string RenderOutput(JsonObject output)
    {
        switch ((string?)output["output_type"])
        {
            case "stream":
                var name = (string?)output["name"] ?? "stdout";
                return $"<pre class=\"output {Encode(name)}\">{Encode(NotebookCell.JoinLines(output["text"]))}</pre>";
            case "error":
                var text = NotebookCell.JoinLines(output["traceback"] is JsonArray tb
                    ? new JsonArray(tb.Select(l => (JsonNode?)JsonValue.Create((string?)l + "\n")).ToArray())
                    : null);
                return $"<pre class=\"output error\">{Encode(text)}</pre>";
            case "display_data":
            case "execute_result":
                if (output["data"] is not JsonObject data) return "";
                if (data["text/html"] is { } h) return $"<div class=\"output html\">{NotebookCell.JoinLines(h)}</div>";
                if (data["image/png"] is { } png) return $"<div class=\"output\"><img src=\"data:image/png;base64,{NotebookCell.JoinLines(png).Replace("\n", "")}\"></div>";
                if (data["image/svg+xml"] is { } svg) return $"<div class=\"output\">{NotebookCell.JoinLines(svg)}</div>";
                if (data["text/markdown"] is { } md) return $"<div class=\"output markdown\">{Markdig.Markdown.ToHtml(NotebookCell.JoinLines(md), Markdown)}</div>";
                if (data["text/plain"] is { } plain) return $"<pre class=\"output\">{Encode(NotebookCell.JoinLines(plain))}</pre>";
                return "";
            default:
                return "";
        }
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private const string Style = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; background: #fafafa; color: #1f2328; }
        main { max-width: 1000px; margin: 0 auto; padding: 24px; background: white; }
        section.markdown { line-height: 1.55; }
        section.code { margin: 12px 0; position: relative; }
        .prompt { color: #6e7781; font-family: monospace; font-size: 12px; }
        pre { overflow-x: auto; padding: 8px 10px; margin: 4px 0; font-size: 13px; }
        pre.source { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; }
        pre.output { background: white; border-left: 3px solid #d0d7de; }
        pre.stderr { border-left-color: #bf8700; background: #fff8c5; }
        pre.error { border-left-color: #cf222e; background: #ffebe9; color: #82071e; }
        div.output { margin: 4px 0; overflow-x: auto; }
        table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: 2px 6px; }
        """;
}
