using System.Text.Json.Nodes;
using SequenceModels.Exercises;
using SequenceModels.Plotting;
using Workbook.Commands;
using Workbook.Notebooks;
using Workbook.Site;

namespace Workbook.Tests.Site;

public sealed class SiteBuilderTests : IDisposable
{
    private readonly Fixtures _f = new();

    public void Dispose() => _f.Dispose();

    private static JsonObject FigureOutput(Figure figure, bool carryPlotly = false) => new()
    {
        ["data"] = new JsonObject
        {
            ["text/html"] = figure.ToHtmlFragment(carryPlotly),
            ["text/plain"] = figure.ToString(),
        },
        ["metadata"] = new JsonObject(),
        ["output_type"] = "display_data",
    };

    private static JsonObject WithOutputs(JsonObject cell, params JsonObject[] outputs)
    {
        cell["outputs"] = new JsonArray(outputs.Select(o => (JsonNode)o).ToArray());
        return cell;
    }

    /// <summary>Two "executed" notebooks: 01 with an exercise, a figure and links; 02 with maths.</summary>
    private string Course()
    {
        var folder = Path.Combine(_f.Folder, "executed");
        Directory.CreateDirectory(folder);
        var exercise = ExerciseCatalogue.All.First(e => e.Notebook == "01");
        var exerciseCell = Fixtures.Code("void F() => throw new NotImplementedException();");
        exerciseCell["metadata"]!["tags"] = new JsonArray($"exercise:{exercise.Id}");
        File.WriteAllText(Path.Combine(folder, "01-first.ipynb"), NotebookDocument.Format(Fixtures.NotebookJson(
            Fixtures.Markdown("# 01 · The first topic\n\nSee [the next one](02-second.ipynb#the-maths), [the library](../lib/SequenceModels/README.md) and [a paper](https://example.org/paper)."),
            Fixtures.Markdown("## 1. A section"),
            exerciseCell,
            WithOutputs(Fixtures.Code("Figure.Line(new[] { 1.0, 2.0 })"), FigureOutput(Figure.Line([1.0, 2.0]).WithTitle("a line"), carryPlotly: true),
                FigureOutput(Figure.Bar(["a"], [1.0]).WithTitle("a bar"))))));
        File.WriteAllText(Path.Combine(folder, "02-second.ipynb"), NotebookDocument.Format(Fixtures.NotebookJson(
            Fixtures.Markdown("# 02 · The second topic\n\n## The maths\n\nInline $h_t = \\tanh(z)$ and\n\n$$\\sum_t x_t$$"))));
        SiteBuilder.RecordRunTimes(folder, [("01-first", TimeSpan.FromSeconds(12.34)), ("02-second", TimeSpan.FromSeconds(3))]);
        return folder;
    }

    [Fact]
    public void The_index_lists_each_notebook_with_its_sections_exercises_figures_and_run_time()
    {
        var executed = Course();
        var site = Path.Combine(_f.Folder, "site");
        var pages = SiteBuilder.Build(executed, site);
        Assert.Equal(["01-first.html", "02-second.html"], pages.Select(p => p.Page));
        var first = pages[0];
        Assert.Equal("01 · The first topic", first.Title);
        Assert.Equal(["1. A section"], first.Sections);
        var exercise = ExerciseCatalogue.All.First(e => e.Notebook == "01");
        Assert.Equal([(exercise.Id, exercise.Title)], first.Exercises);
        Assert.Equal(2, first.Figures);
        Assert.Equal(TimeSpan.FromSeconds(12.3), first.RunTime);
        var index = File.ReadAllText(Path.Combine(site, "index.html"));
        Assert.Contains("<a href=\"01-first.html\">01 · The first topic</a>", index);
        Assert.Contains($"{exercise.Id} {HtmlExport.Encode(exercise.Title)}", index);
        Assert.Contains("<td class=\"number\">12.3 s</td>", index);
        Assert.Contains("2 notebooks, 1 exercises, 2 figures, 15 s to run them all.", index);
    }

    [Fact]
    public void Pages_link_to_their_neighbours_and_notebook_links_go_to_pages()
    {
        var site = Path.Combine(_f.Folder, "site");
        SiteBuilder.Build(Course(), site);
        var first = File.ReadAllText(Path.Combine(site, "01-first.html"));
        var second = File.ReadAllText(Path.Combine(site, "02-second.html"));
        Assert.Contains("<a rel=\"next\" href=\"02-second.html\">02 · The second topic →</a>", first);
        Assert.DoesNotContain("rel=\"prev\"", first);
        Assert.Contains("<a rel=\"prev\" href=\"01-first.html\">← 01 · The first topic</a>", second);
        Assert.Contains("href=\"02-second.html#the-maths\"", first);
        Assert.Contains("<h2 id=\"the-maths\">", second);
        Assert.Contains("href=\"https://example.org/paper\"", first);
        // A file of the repository has no page in the site: its text stays, without a link that would lead nowhere.
        Assert.Contains("<span class=\"repo-link\" title=\"../lib/SequenceModels/README.md in the repository\">the library</span>", first);
        Assert.Contains("<span class=\"math\">", second);
    }

    [Fact]
    public void Pages_load_the_bundled_assets_and_leave_out_the_plotly_copy_a_figure_carries()
    {
        var site = Path.Combine(_f.Folder, "site");
        SiteBuilder.Build(Course(), site);
        var first = File.ReadAllText(Path.Combine(site, "01-first.html"));
        Assert.DoesNotContain("sm-plotly-js", first);
        Assert.DoesNotMatch("<(script|link|img)[^>]+(src|href)=\"http", first);
        Assert.Contains("<script src=\"assets/plotly.min.js\"></script>", first);
        Assert.Contains("<script src=\"assets/katex/katex.min.js\"></script>", first);
        Assert.Equal(Figure.PlotlyScript, File.ReadAllText(Path.Combine(site, "assets", "plotly.min.js")));
        var css = File.ReadAllText(Path.Combine(site, "assets", "katex", "katex.min.css"));
        foreach (System.Text.RegularExpressions.Match font in System.Text.RegularExpressions.Regex.Matches(css, @"url\(([^)]+)\)"))
            Assert.True(File.Exists(Path.Combine(site, "assets", "katex", font.Groups[1].Value)), $"missing {font.Groups[1].Value}");
        Assert.Contains("KaTeX_Main-Regular.woff2", css);
    }

    [Fact]
    public void A_rebuild_replaces_the_whole_site()
    {
        var executed = Course();
        var site = Path.Combine(_f.Folder, "site");
        SiteBuilder.Build(executed, site);
        File.WriteAllText(Path.Combine(site, "stale.html"), "old");
        File.Delete(Path.Combine(executed, "02-second.ipynb"));
        SiteBuilder.Build(executed, site);
        Assert.False(File.Exists(Path.Combine(site, "stale.html")));
        Assert.False(File.Exists(Path.Combine(site, "02-second.html")));
        Assert.DoesNotContain("rel=\"next\"", File.ReadAllText(Path.Combine(site, "01-first.html")));
        Assert.Empty(Directory.GetDirectories(_f.Folder, ".site.building-*"));
    }

    [Fact]
    public void The_site_command_names_a_missing_or_empty_folder_with_exit_code_2()
    {
        var stderr = new StringWriter();
        var missing = Path.Combine(_f.Folder, "nothing");
        Assert.Equal(2, SiteCommand.Run(missing, null, new StringWriter(), stderr));
        Assert.Contains($"error: {missing}: no such folder", stderr.ToString());
        var empty = Path.Combine(_f.Folder, "empty");
        Directory.CreateDirectory(empty);
        stderr = new StringWriter();
        Assert.Equal(2, SiteCommand.Run(empty, null, new StringWriter(), stderr));
        Assert.Contains($"error: {empty}: no executed notebooks", stderr.ToString());
        Assert.False(Directory.Exists(Path.Combine(empty, "site")));
    }

    [Fact]
    public void The_site_command_builds_beside_the_executed_notebooks_by_default()
    {
        var executed = Course();
        var stdout = new StringWriter();
        Assert.Equal(0, SiteCommand.Run(executed, null, stdout, new StringWriter()));
        Assert.True(File.Exists(Path.Combine(executed, "site", "index.html")));
        Assert.Contains("Site of 2 notebook(s), 2 figures", stdout.ToString());
    }

    [Fact]
    public void A_figure_png_takes_the_place_of_the_text_description_in_its_html()
    {
        var html = FigureOutput(Figure.Line([1.0, 2.0]).WithTitle("a < b"))["data"]!["text/html"]!.ToString();
        var with = FigurePngs.WithPicture(html, "AAAA");
        Assert.DoesNotContain("sm-figure-text", with);
        Assert.Contains("<img class=\"sm-figure-png\" src=\"data:image/png;base64,AAAA\" alt=\"Figure &quot;a &lt; b&quot;: 1 trace", with);
        Assert.Contains("class=\"sm-figure-json\"", with); // the chart still replaces it where scripts run
    }

    [Fact]
    public void An_exported_page_stands_alone_with_katex_and_plotly_inlined()
    {
        var notebook = NotebookDocument.Load(Path.Combine(Course(), "01-first.ipynb"));
        var page = HtmlExport.Render(notebook, Figure.PlotlyScript);
        Assert.DoesNotMatch("<(script|link|img)[^>]+(src|href)=\"http", page);
        Assert.DoesNotContain("sm-plotly-js", page); // the head's copy is the only one
        Assert.Contains("url(data:font/woff2;base64,", page);
        Assert.Contains("katex.render(", page);
        Assert.Contains("(function (define, module, exports) {", page);
        var withoutHeadCopy = HtmlExport.Render(notebook, null);
        Assert.Contains("sm-plotly-js", withoutHeadCopy); // then the first figure's copy draws them all
    }
}

public sealed class MarkdownMathTests
{
    [Fact]
    public void Maths_is_read_as_jupyter_reads_it_and_code_is_left_alone()
    {
        var html = HtmlExport.ToHtml("compute softmax$(z/\\tau)$ — subtract the largest $z_k/\\tau$ and `$x$` stays code");
        Assert.Contains("softmax<span class=\"math\">\\((z/\\tau)\\)</span> — subtract the largest <span class=\"math\">\\(z_k/\\tau\\)</span>", html);
        Assert.Contains("<code>$x$</code>", html);
    }

    [Fact]
    public void Display_maths_underscores_and_bars_stay_tex()
    {
        var html = HtmlExport.ToHtml("| a | b |\n|---|---|\n| $\\|x\\|_2$ | $a_1 * b_1 * c$ |\n\n$$\\sum_t x_t\n= y$$");
        Assert.Contains("<span class=\"math\">\\(\\|x\\|_2\\)</span>", html);
        Assert.Contains("<span class=\"math\">\\(a_1 * b_1 * c\\)</span>", html);
        Assert.Contains("<span class=\"math display\">\\[\\sum_t x_t\n= y\\]</span>", html);
        Assert.Contains("<td>", html);
    }

    [Fact]
    public void A_heading_with_maths_gets_an_id_from_its_words()
    {
        Assert.Contains("<h2 id=\"7-the-share-tanh-le-1\">", HtmlExport.ToHtml("## 7. The share: $\\tanh' \\le 1$"));
    }
}
