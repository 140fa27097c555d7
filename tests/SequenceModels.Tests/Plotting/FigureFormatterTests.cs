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
    public void The_html_embeds_the_figure_json_and_draws_it_with_plotly()
    {
        var figure = Sample();
        var html = FigureHtml.Fragment(figure, carryPlotly: false);
        Assert.Equal(figure.ToJson(), EmbeddedJson(html));
        Assert.Contains("Plotly.newPlot(", html);
        Assert.DoesNotContain("http", html); // nothing is loaded from the network
        Assert.DoesNotContain("sm-plotly-js", html);
        Assert.Matches("<div id=\"sm-figure-[0-9a-f]{12}\" class=\"sm-figure\">", html);
        Assert.Contains("height:450px", html);
        // Until plotly.js draws (or where no script runs), the drawing area shows the text description.
        Assert.Contains($"<pre class=\"sm-figure-text\" style=\"color:#666\">{WebUtility.HtmlEncode(figure.ToString())}</pre>", html);
    }

    [Fact]
    public void A_carrier_holds_the_bundled_plotly_hidden_from_an_amd_loader_before_the_drawing_script()
    {
        var html = FigureHtml.Fragment(Sample(), carryPlotly: true);
        Assert.StartsWith("/**\n* plotly.js v" + Figure.PlotlyVersion, Figure.PlotlyScript);
        var carrier = Regex.Match(html, "<script class=\"sm-plotly-js\">(.*?)</script>", RegexOptions.Singleline);
        Assert.True(carrier.Success);
        Assert.Contains("(function (define, module, exports) {", carrier.Value);
        Assert.Contains(Figure.PlotlyScript[..2000], carrier.Value);
        Assert.DoesNotContain("</script", carrier.Groups[1].Value, StringComparison.OrdinalIgnoreCase);
        Assert.True(carrier.Index < html.IndexOf("Plotly.newPlot(", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_the_first_figure_a_kernel_formats_carries_plotly()
    {
        // Formatter state is per process: format twice; at most the first carries it, the second never does.
        Formatter.ToDisplayString(Sample("first"), "text/html");
        var second = Formatter.ToDisplayString(Sample("second"), "text/html");
        Assert.DoesNotContain("sm-plotly-js", second);
        Assert.Contains("Plotly.newPlot(", second);
        Assert.False(PlotlyBundle.TakeCarrier());
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
        var a = FigureHtml.Fragment(Sample(), carryPlotly: false);
        Assert.Equal(a, FigureHtml.Fragment(Sample(), carryPlotly: false));
        Assert.Equal(Sample().ToHtml(), Sample().ToHtml());
        static string Id(string html) => Regex.Match(html, "id=\"(sm-figure-[0-9a-f]+)\"").Groups[1].Value;
        Assert.Equal(Id(a), Id(FigureHtml.Fragment(Sample(), carryPlotly: true)));
        Assert.NotEqual(Id(a), Id(FigureHtml.Fragment(Sample("Other"), carryPlotly: false)));
    }

    [Fact]
    public void Script_like_text_in_the_figure_cannot_close_the_json_element()
    {
        var html = FigureHtml.Fragment(Figure.Line([1, 2], [1, 2], "</script><script>alert(1)</script>"), carryPlotly: false);
        Assert.Equal(2, Regex.Matches(html, "</script>").Count); // the json element's and the drawing script's
    }

    [Fact]
    public void A_page_inlines_plotly_so_it_works_offline()
    {
        var page = Sample("a < b").ToHtml();
        Assert.StartsWith("<!DOCTYPE html>", page);
        Assert.Contains($"<title>{WebUtility.HtmlEncode("a < b")}</title>", page);
        Assert.Contains("<script class=\"sm-plotly-js\">", page);
        Assert.DoesNotContain("<script src=", page);
    }

    [Fact]
    public void Size_and_grid_rows_set_the_drawing_height()
    {
        Assert.Contains("width:640px;height:320px", FigureHtml.Fragment(Sample().WithSize(640, 320), false));
        var grid = Figure.Grid(2, 1, Sample(), Sample("b"));
        Assert.Contains("width:100%;height:740px", FigureHtml.Fragment(grid, false));
        var slider = Figure.Slider("s", [("a", Sample()), ("b", Sample("b"))]);
        Assert.Contains("width:100%;height:560px", FigureHtml.Fragment(slider, false)); // 450 + room for the slider
    }
}
