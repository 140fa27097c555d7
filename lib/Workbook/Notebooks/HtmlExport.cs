using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.AutoIdentifiers;

namespace Workbook.Notebooks;

/// <summary>
/// An executed notebook as HTML for a browser: markdown rendered with its equations typeset by KaTeX, code and outputs
/// in order, figures drawn by plotly.js. Nothing is loaded from the network: <see cref="Render"/> makes one
/// self-contained page (plotly.js and KaTeX inlined); the site (<see cref="Site.SiteBuilder"/>) uses <see cref="Cells"/>
/// with shared asset files.
/// </summary>
public static partial class HtmlExport
{
    /// <summary>The plotly.js release the figures are written for (the npm package plotly.js-dist-min).</summary>
    public const string PlotlyVersion = "2.35.2";

    // CommonMark with the GitHub extensions notebook front ends support (tables, strikethrough, autolinks, task lists),
    // and GitHub's heading ids (so "#section" links work as on GitHub and in Jupyter); not
    // Markdig's other extras, which front ends do not share (such as "I." list items).
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseTaskLists()
        .UseAutoIdentifiers(AutoIdentifierOptions.GitHub)
        .Build();

    /// <summary>
    /// The self-contained page for <paramref name="notebook"/>; <paramref name="plotlyScript"/> is plotly.min.js's
    /// text, inlined once in the head (the copies that figures carry are then left out), or null to rely on those.
    /// </summary>
    public static string Render(NotebookDocument notebook, string? plotlyScript)
    {
        var head = new StringBuilder();
        head.Append($"<style>{Style}</style>\n<style>{WebAssets.KatexCssInline()}</style>\n");
        if (plotlyScript is not null) head.Append(PlotlyElement(plotlyScript)).Append('\n');
        head.Append("<script>").Append(ScriptText(Encoding.UTF8.GetString(WebAssets.Katex("katex.min.js")))).Append("</script>\n");
        head.Append("<script>").Append(WebAssets.TypesetScript).Append("</script>\n");
        return Page(notebook.Name, head.ToString(), Cells(notebook, stripPlotly: plotlyScript is not null, link: null), "", "");
    }

    /// <summary>An HTML page around <paramref name="main"/>.</summary>
    internal static string Page(string title, string head, string main, string before, string after) =>
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<link rel=\"icon\" href=\"data:,\">\n" // no favicon request (a 404 on a static server)
        + $"<title>{Encode(title)}</title>\n{head}</head>\n<body>\n{before}<main>\n{main}</main>\n{after}</body>\n</html>\n";

    /// <summary>plotly.min.js in a script element, its UMD wrapper kept from an AMD loader.</summary>
    internal static string PlotlyElement(string plotlyScript) =>
        $"<script>if (!window.Plotly) (function (define, module, exports) {{\n{ScriptText(plotlyScript)}\n}}).call(window);</script>";

    /// <summary>
    /// The cells of <paramref name="notebook"/> as HTML. <paramref name="stripPlotly"/> leaves out the plotly.js that
    /// the first figure carries (the page has its own). <paramref name="link"/> rewrites each relative link of the
    /// markdown: the new address, or null to keep the text without a link.
    /// </summary>
    internal static string Cells(NotebookDocument notebook, bool stripPlotly, Func<string, string?>? link)
    {
        var html = new StringBuilder();
        foreach (var cell in notebook.Cells)
        {
            switch (cell.Type)
            {
                case "markdown":
                    html.Append("<section class=\"markdown\">").Append(RewriteLinks(ToHtml(cell.Source), link)).Append("</section>\n");
                    break;
                case "code":
                    var count = cell.Json["execution_count"]?.ToString() ?? " ";
                    html.Append($"<section class=\"code\" id=\"cell-{cell.Number}\"><div class=\"prompt\">[{Encode(count)}]</div>");
                    html.Append($"<pre class=\"source\"><code>{Encode(cell.Source)}</code></pre>");
                    foreach (var output in cell.Outputs.OfType<JsonObject>()) html.Append(RenderOutput(output, stripPlotly, link));
                    html.Append("</section>\n");
                    break;
                default:
                    html.Append($"<pre class=\"raw\">{Encode(cell.Source)}</pre>\n");
                    break;
            }
        }
        return html.ToString();
    }

    /// <summary>The text of the first "# " heading of the notebook's markdown, or its name.</summary>
    public static string Title(NotebookDocument notebook) =>
        notebook.Cells.Where(c => c.Type == "markdown")
            .SelectMany(c => c.Source.Split('\n'))
            .FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim() ?? notebook.Name;

    private static string RenderOutput(JsonObject output, bool stripPlotly, Func<string, string?>? link)
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
                if (data["text/html"] is { } h)
                {
                    var fragment = NotebookCell.JoinLines(h);
                    if (stripPlotly) fragment = PlotlyCarrier().Replace(fragment, "");
                    return $"<div class=\"output html\">{fragment}</div>";
                }
                if (data["image/png"] is { } png) return $"<div class=\"output\"><img src=\"data:image/png;base64,{NotebookCell.JoinLines(png).Replace("\n", "")}\" alt=\"\"></div>";
                if (data["image/svg+xml"] is { } svg) return $"<div class=\"output\">{NotebookCell.JoinLines(svg)}</div>";
                if (data["text/markdown"] is { } md) return $"<div class=\"output markdown\">{RewriteLinks(ToHtml(NotebookCell.JoinLines(md)), link)}</div>";
                if (data["text/plain"] is { } plain) return $"<pre class=\"output\">{Encode(NotebookCell.JoinLines(plain))}</pre>";
                return "";
            default:
                return "";
        }
    }

    /// <summary>
    /// Markdown to HTML with maths read as Jupyter reads it: every <c>$…$</c> and <c>$$…$$</c> outside code is set
    /// aside before the markdown is parsed (so <c>_</c>, <c>*</c> and <c>|</c> inside an equation stay TeX, and
    /// "softmax$(z/\tau)$" is maths as in Jupyter), then put back as <c>span.math</c> with <c>\(…\)</c> or
    /// <c>span.math.display</c> with <c>\[…\]</c>, for KaTeX.
    /// </summary>
    internal static string ToHtml(string markdown)
    {
        var equations = new List<string>();
        var texts = new List<string>();
        var text = new StringBuilder();
        foreach (var (part, isCode) in CodeParts(markdown))
        {
            if (isCode)
            {
                text.Append(part);
                continue;
            }
            text.Append(MathSpans().Replace(part, m =>
            {
                bool display = m.Groups["display"].Success;
                var tex = display ? m.Groups["display"].Value : m.Groups["inline"].Value;
                texts.Add(tex);
                equations.Add(display ? $"<span class=\"math display\">\\[{Encode(tex)}\\]</span>" : $"<span class=\"math\">\\({Encode(tex)}\\)</span>");
                return $"MATHxPLACEHOLDERx{equations.Count - 1}xEND";
            }));
        }
        var html = Markdig.Markdown.ToHtml(text.ToString(), Markdown);
        // A heading's id holds the placeholder in lower case: put a slug of the TeX there ("tanh-le-1").
        html = IdPlaceholder().Replace(html, m => Slug(texts[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)]));
        return Placeholder().Replace(html, m => equations[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)]);
    }

    /// <summary>The markdown cut into code (fenced blocks, inline code spans) and the rest.</summary>
    private static IEnumerable<(string Part, bool IsCode)> CodeParts(string markdown)
    {
        int at = 0;
        foreach (Match m in Code().Matches(markdown))
        {
            if (m.Index > at) yield return (markdown[at..m.Index], false);
            yield return (m.Value, true);
            at = m.Index + m.Length;
        }
        if (at < markdown.Length) yield return (markdown[at..], false);
    }

    [GeneratedRegex(@"^[ ]{0,3}(```|~~~)[^\n]*\n[\s\S]*?(^[ ]{0,3}\1[ \t]*$|\z)|(`+)[\s\S]+?\3", RegexOptions.Multiline)]
    private static partial Regex Code();

    // $$…$$ first; then $…$ whose body has no unescaped $ and no blank line.
    [GeneratedRegex(@"\$\$(?<display>[\s\S]+?)\$\$|(?<!\\)\$(?<inline>(?:\\.|[^$\\\n]|\n(?![ \t]*\n))+?)\$")]
    private static partial Regex MathSpans();

    [GeneratedRegex("MATHxPLACEHOLDERx([0-9]+)xEND")]
    private static partial Regex Placeholder();

    [GeneratedRegex("mathxplaceholderx([0-9]+)xend")]
    private static partial Regex IdPlaceholder();

    private static string Slug(string tex) =>
        string.Join("-", Regex.Split(Regex.Replace(tex.ToLowerInvariant(), @"\\[a-z]+", m => m.Value[1..]), "[^a-z0-9]+").Where(w => w.Length > 0));

    private static string RewriteLinks(string html, Func<string, string?>? link)
    {
        if (link is null) return html;
        return Anchor().Replace(html, m =>
        {
            var href = WebUtility.HtmlDecode(m.Groups["href"].Value);
            if (href.StartsWith('#') || Uri.TryCreate(href, UriKind.Absolute, out _)) return m.Value;
            var target = link(href);
            return target is null
                ? $"<span class=\"repo-link\" title=\"{Encode(href)} in the repository\">{m.Groups["text"].Value}</span>"
                : $"<a{m.Groups["before"].Value}href=\"{Encode(target)}\"{m.Groups["after"].Value}>{m.Groups["text"].Value}</a>";
        });
    }

    // "</script" inside an inlined script would end the element early; "<\/script" means the same in JavaScript.
    internal static string ScriptText(string script) => script.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);

    /// <summary>Escapes &amp;, &lt;, &gt; and quotes; other characters (·, é, ρ) stay as they are in UTF-8.</summary>
    internal static string Encode(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");

    [GeneratedRegex("""<script class="sm-plotly-js">.*?</script>\n?""", RegexOptions.Singleline)]
    private static partial Regex PlotlyCarrier();

    [GeneratedRegex("""<a(?<before>\s[^>]*?)?href="(?<href>[^"]*)"(?<after>[^>]*)>(?<text>.*?)</a>""", RegexOptions.Singleline)]
    private static partial Regex Anchor();

    internal const string Style = """
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
        .math.display { display: block; overflow-x: auto; }
        table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: 2px 6px; }
        """;
}
