using System.Net;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive.Formatting;
using SequenceModels.Plotting;

namespace SequenceModels.Tests.Plotting;

public class FigureFormatterTests
{
    static Figure Sample(string title = "Derivatives") =>
        Figure.Line([-1.0, 0.0, 1.0], [0.42, 1.0, 0.42], "tanh′").AddLine([-1.0, 0.0, 1.0], [0.2, 0.25, 0.2], "σ′")
            .WithTitle(title).WithAxisTitles("x", "f′(x)").AddHorizontalLine(0.25, "bound 1/4");

    /// <summary>The text of the <c>script type="application/json"</c> element.</summary>
    static string EmbeddedJson(string html) =>
        Regex.Match(html, "<script type=\"application/json\" class=\"sm-figure-json\">(.*?)</script>", RegexOptions.Singleline)
            .Groups[1].Value;

    [Fact]
    public void Notebooks_prefer_html_then_plain_text_for_a_figure()
    {
        var mimeTypes = Formatter.GetPreferredMimeTypesFor(typeof(Figure));
        Assert.Equal("text/html", mimeTypes.First());
        Assert.Contains("text/plain", mimeTypes);
    }

    [Fact]
    public void The_html_formatter_embeds_the_figure_json_and_draws_it_with_plotly()
    {
        var figure = Sample();
        var html = Formatter.ToDisplayString(figure, "text/html");
        Assert.Equal(figure.ToJson(), EmbeddedJson(html));
        Assert.Contains("Plotly.newPlot(", html);
        Assert.Contains(Figure.PlotlyCdnUrl, html);
        Assert.Contains("window.define = undefined", html); // the UMD bundle must not see an AMD loader
        Assert.Matches("<div id=\"sm-figure-[0-9a-f]{12}\" class=\"sm-figure\">", html);
        Assert.Contains("height:450px", html);
        // Until plotly.js draws (or where no script runs), the drawing area shows the text description.
        Assert.Contains(WebUtility.HtmlEncode(figure.ToString()), html);
    }

    [Fact]
    public void The_plain_text_formatter_describes_the_figure()
    {
        var figure = Sample();
        var text = Formatter.ToDisplayString(figure, "text/plain");
        Assert.Equal(figure.ToString(), text);
        Assert.Contains("\"Derivatives\"", text);
        Assert.Contains("line \"σ′\": 3 points", text);
    }

    [Fact]
    public void The_same_figure_gives_identical_html_and_a_different_one_another_id()
    {
        var a = Formatter.ToDisplayString(Sample(), "text/html");
        Assert.Equal(a, Formatter.ToDisplayString(Sample(), "text/html"));
        Assert.Equal(Sample().ToHtml(), Sample().ToHtml());
        static string Id(string html) => Regex.Match(html, "id=\"(sm-figure-[0-9a-f]+)\"").Groups[1].Value;
        Assert.NotEqual(Id(a), Id(Formatter.ToDisplayString(Sample("Other"), "text/html")));
    }

    [Fact]
    public void Script_like_text_in_the_figure_cannot_close_the_json_element()
    {
        var html = Formatter.ToDisplayString(Figure.Line([1, 2], [1, 2], "</script><script>alert(1)</script>"), "text/html");
        Assert.Equal(2, Regex.Matches(html, "</script>").Count); // the json element's and the drawing script's
    }

    [Fact]
    public void A_page_loads_plotly_from_the_cdn_or_inlines_the_given_script()
    {
        var cdn = Sample().ToHtml();
        Assert.StartsWith("<!DOCTYPE html>", cdn);
        Assert.Contains($"<script src=\"{Figure.PlotlyCdnUrl}\"></script>", cdn);
        Assert.Contains("<title>Derivatives</title>", cdn);
        Assert.Contains(Formatter.ToDisplayString(Sample(), "text/html"), cdn);

        var inline = Sample("a < b").ToHtml("window.Plotly = {}; var s = '</script>';");
        Assert.DoesNotContain("cdn.plot.ly/plotly-2.35.2.min.js\"></script>", inline);
        Assert.Contains("<script>window.Plotly = {}; var s = '<\\/script>';</script>", inline);
        Assert.Contains($"<title>{WebUtility.HtmlEncode("a < b")}</title>", inline);
        Assert.True(inline.IndexOf("window.Plotly = {}", StringComparison.Ordinal) < inline.IndexOf("Plotly.newPlot", StringComparison.Ordinal));
    }

    [Fact]
    public void Size_and_grid_rows_set_the_drawing_height()
    {
        Assert.Contains("width:640px;height:320px", Formatter.ToDisplayString(Sample().WithSize(640, 320), "text/html"));
        var grid = Figure.Grid(2, 1, Sample(), Sample("b"));
        Assert.Contains("width:100%;height:740px", Formatter.ToDisplayString(grid, "text/html"));
    }
}
