using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Plotting;

namespace SequenceModels.Tests.Plotting;

public class FigureTests
{
    static JsonElement Parse(Figure figure) => JsonDocument.Parse(figure.ToJson()).RootElement;
    static JsonElement Trace(Figure figure, int i = 0) => Parse(figure).GetProperty("data")[i];
    static JsonElement Layout(Figure figure) => Parse(figure).GetProperty("layout");
    static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();
    static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
    static bool Has(JsonElement e, string name) => e.TryGetProperty(name, out _);

    // ---- traces -----------------------------------------------------------------------------------------------

    [Fact]
    public void Line_is_a_scatter_trace_with_its_name_points_and_line_style()
    {
        var t = Trace(Figure.Line([0.0, 0.5, 1.0], [2.0, -1.25, 3.5], name: "tanh′", dash: LineDash.Dot, width: 3));
        Assert.Equal("scatter", t.GetProperty("type").GetString());
        Assert.Equal("lines", t.GetProperty("mode").GetString());
        Assert.Equal("tanh′", t.GetProperty("name").GetString());
        Assert.Equal([0.0, 0.5, 1.0], Numbers(t.GetProperty("x")));
        Assert.Equal([2.0, -1.25, 3.5], Numbers(t.GetProperty("y")));
        Assert.Equal("dot", t.GetProperty("line").GetProperty("dash").GetString());
        Assert.Equal(3, t.GetProperty("line").GetProperty("width").GetDouble());
        Assert.Equal("x", t.GetProperty("xaxis").GetString());
        Assert.Equal("y", t.GetProperty("yaxis").GetString());
        Assert.False(Has(t, "error_y"));
    }

    [Theory]
    [InlineData(ScatterMode.Lines, "lines")]
    [InlineData(ScatterMode.Markers, "markers")]
    [InlineData(ScatterMode.LinesAndMarkers, "lines+markers")]
    public void Scatter_modes_use_plotly_names(ScatterMode mode, string expected) =>
        Assert.Equal(expected, Trace(Figure.Line([1, 2], [3, 4], mode: mode)).GetProperty("mode").GetString());

    [Fact]
    public void Scatter_draws_markers_with_error_bars()
    {
        var t = Trace(Figure.Scatter([1, 2, 3], [1.0, 4.0, 9.0], "squares", errorY: [0.5, 0.25, 1.0]));
        Assert.Equal("markers", t.GetProperty("mode").GetString());
        var e = t.GetProperty("error_y");
        Assert.Equal("data", e.GetProperty("type").GetString());
        Assert.Equal([0.5, 0.25, 1.0], Numbers(e.GetProperty("array")));
        Assert.True(e.GetProperty("visible").GetBoolean());
    }

    [Fact]
    public void A_line_of_values_alone_leaves_x_to_plotly()
    {
        var t = Trace(Figure.Line([0.9, 0.5, 0.25], "loss")); // binds to Line(y, name), not Line(x, y = "loss")
        Assert.Equal("loss", t.GetProperty("name").GetString());
        Assert.False(Has(t, "x"));
        Assert.Equal([0.9, 0.5, 0.25], Numbers(t.GetProperty("y")));
    }

    [Fact]
    public void Float_int_and_MathNet_vector_inputs_are_accepted()
    {
        var v = Vector<double>.Build.DenseOfArray([1.5, 2.5]);
        var t = Trace(Figure.Line(new[] { 1, 2 }, new[] { 0.1f, 0.7f }).AddLine(v, v.Select(a => a * 2), "vector"), 0);
        Assert.Equal("[1,2]", t.GetProperty("x").GetRawText());
        Assert.Equal("[0.1,0.7]", t.GetProperty("y").GetRawText()); // floats print as typed, not 0.10000000149011612
        var u = Trace(Figure.Line(new[] { 1, 2 }, new[] { 0.1f, 0.7f }).AddLine(v, v.Select(a => a * 2), "vector"), 1);
        Assert.Equal([3.0, 5.0], Numbers(u.GetProperty("y")));
    }

    [Fact]
    public void Numbers_are_rounded_to_seven_significant_digits_and_whole_numbers_kept()
    {
        var t = Trace(Figure.Line([123456789.0, 2.0], [1.0 / 3, 2e-12 / 3]));
        Assert.Equal("[123456789,2]", t.GetProperty("x").GetRawText());
        Assert.Equal(0.3333333, t.GetProperty("y")[0].GetDouble());
        Assert.Equal(6.666667e-13, t.GetProperty("y")[1].GetDouble());
    }

    [Fact]
    public void NaN_and_infinities_become_null()
    {
        var t = Trace(Figure.Line([1, 2, 3, 4], [1.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity]));
        Assert.Equal("[1,null,null,null]", t.GetProperty("y").GetRawText());
    }

    [Fact]
    public void Bars_are_vertical_with_category_labels_and_grouped()
    {
        var f = Figure.Bar(["RNN", "GRU", "LSTM"], [0.5, 0.75, 0.8], "accuracy").AddBar(["RNN", "GRU", "LSTM"], [1, 2, 3], "F1");
        var t = Trace(f);
        Assert.Equal("bar", t.GetProperty("type").GetString());
        Assert.Equal("v", t.GetProperty("orientation").GetString());
        Assert.Equal(["RNN", "GRU", "LSTM"], Strings(t.GetProperty("x")));
        Assert.Equal([0.5, 0.75, 0.8], Numbers(t.GetProperty("y")));
        Assert.Equal("F1", Trace(f, 1).GetProperty("name").GetString());
        Assert.Equal("group", Layout(f).GetProperty("barmode").GetString());
        Assert.Equal("category", Layout(f).GetProperty("xaxis").GetProperty("type").GetString());
    }

    [Fact]
    public void Horizontal_bars_swap_x_and_y_and_list_the_first_label_on_top()
    {
        var f = Figure.Bar(["PER", "LOC"], [12, 8], horizontal: true);
        var t = Trace(f);
        Assert.Equal("h", t.GetProperty("orientation").GetString());
        Assert.Equal([12.0, 8.0], Numbers(t.GetProperty("x")));
        Assert.Equal(["PER", "LOC"], Strings(t.GetProperty("y")));
        Assert.Equal("reversed", Layout(f).GetProperty("yaxis").GetProperty("autorange").GetString());
    }

    [Fact]
    public void Heatmap_writes_the_matrix_row_by_row_with_labels_and_colour_scale()
    {
        var m = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2, 3 }, { 4, 5, double.NaN } });
        var f = Figure.Heatmap(m, ["a", "b", "c"], ["r0", "r1"], colorscale: "RdBu", zmin: -1, zmax: 1, showValues: true);
        var t = Trace(f);
        Assert.Equal("heatmap", t.GetProperty("type").GetString());
        Assert.Equal("[[1,2,3],[4,5,null]]", t.GetProperty("z").GetRawText());
        Assert.Equal(["a", "b", "c"], Strings(t.GetProperty("x")));
        Assert.Equal(["r0", "r1"], Strings(t.GetProperty("y")));
        Assert.Equal("RdBu", t.GetProperty("colorscale").GetString());
        Assert.Equal(-1, t.GetProperty("zmin").GetDouble());
        Assert.Equal(1, t.GetProperty("zmax").GetDouble());
        Assert.True(Has(t, "texttemplate"));
        // Row 0 at the top, as a matrix is written.
        Assert.Equal("reversed", Layout(f).GetProperty("yaxis").GetProperty("autorange").GetString());
    }

    [Fact]
    public void Heatmap_of_a_float_matrix_or_an_array_matches_the_double_matrix()
    {
        var values = new double[,] { { 0.25, -0.5 }, { 1, 2 } };
        var expected = Figure.Heatmap(Matrix<double>.Build.DenseOfArray(values)).ToJson();
        Assert.Equal(expected, Figure.Heatmap(values).ToJson());
        Assert.Equal(expected, Figure.Heatmap(Matrix<float>.Build.DenseOfArray(new float[,] { { 0.25f, -0.5f }, { 1, 2 } })).ToJson());
        var t = Trace(Figure.Heatmap(values));
        Assert.False(Has(t, "x"));
        Assert.False(Has(t, "texttemplate"));
    }

    [Fact]
    public void Repeated_labels_stay_separate_categories_that_read_the_same()
    {
        var x = Strings(Trace(Figure.Heatmap(new double[1, 4], ["the", "dog", "the", "the"])).GetProperty("x"));
        Assert.Equal(4, x.Distinct().Count());
        Assert.Equal(["the", "dog", "the", "the"], x.Select(s => s.Replace("\u200B", "")));
    }

    [Fact]
    public void Wrong_lengths_are_rejected_with_both_counts()
    {
        var e = Assert.Throws<ArgumentException>(() => Figure.Line([1, 2, 3], [1.0, 2.0]));
        Assert.Contains("y has 2 values but x has 3", e.Message);
        Assert.Throws<ArgumentException>(() => Figure.Line([1, 2], [1.0, 2.0], errorY: [1.0]));
        Assert.Throws<ArgumentException>(() => Figure.Bar(["a"], [1, 2]));
        var h = Assert.Throws<ArgumentException>(() => Figure.Heatmap(new double[2, 3], xLabels: ["a", "b"]));
        Assert.Contains("xLabels has 2 labels but there are 3 columns", h.Message);
    }

    // ---- layout -----------------------------------------------------------------------------------------------

    [Fact]
    public void Layout_carries_title_axis_titles_size_and_legend()
    {
        var l = Layout(Figure.Line([1, 2], [3, 4]).WithTitle("Derivatives").WithAxisTitles("x", "f′(x)")
            .WithSize(800, 400).WithLegend(false));
        Assert.Equal("Derivatives", l.GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("x", l.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("f′(x)", l.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal(800, l.GetProperty("width").GetInt32());
        Assert.Equal(400, l.GetProperty("height").GetInt32());
        Assert.False(l.GetProperty("showlegend").GetBoolean());
        Assert.False(Has(l, "grid"));
    }

    [Fact]
    public void Log_axes_take_their_range_as_powers_of_ten()
    {
        var l = Layout(Figure.Line([1, 10], [1e-3, 1]).WithLogY().WithYRange(1e-4, 100).WithXRange(1, 10));
        Assert.Equal("log", l.GetProperty("yaxis").GetProperty("type").GetString());
        Assert.Equal([-4.0, 2.0], Numbers(l.GetProperty("yaxis").GetProperty("range")));
        Assert.False(Has(l.GetProperty("xaxis"), "type"));
        Assert.Equal([1.0, 10.0], Numbers(l.GetProperty("xaxis").GetProperty("range")));
        Assert.Equal("log", Layout(Figure.Line([1, 10], [1, 2]).WithLogX()).GetProperty("xaxis").GetProperty("type").GetString());
    }

    [Fact]
    public void An_axis_range_needs_min_below_max() =>
        Assert.Throws<ArgumentException>(() => Figure.Line([1, 2], [1, 2]).WithYRange(1, 1));

    [Fact]
    public void A_horizontal_line_spans_the_plot_at_its_value_with_a_label()
    {
        var l = Layout(Figure.Line([0, 1], [0, 1]).AddHorizontalLine(0.25, "bound 1/4"));
        var s = l.GetProperty("shapes")[0];
        Assert.Equal("line", s.GetProperty("type").GetString());
        Assert.Equal("x domain", s.GetProperty("xref").GetString());
        Assert.Equal(0, s.GetProperty("x0").GetDouble());
        Assert.Equal(1, s.GetProperty("x1").GetDouble());
        Assert.Equal("y", s.GetProperty("yref").GetString());
        Assert.Equal(0.25, s.GetProperty("y0").GetDouble());
        Assert.Equal(0.25, s.GetProperty("y1").GetDouble());
        Assert.Equal("dash", s.GetProperty("line").GetProperty("dash").GetString());
        var a = l.GetProperty("annotations")[0];
        Assert.Equal("bound 1/4", a.GetProperty("text").GetString());
        Assert.Equal(0.25, a.GetProperty("y").GetDouble());
        Assert.False(a.GetProperty("showarrow").GetBoolean());
    }

    [Fact]
    public void On_a_log_axis_the_line_label_is_placed_at_log10_of_the_value()
    {
        // plotly.js takes shapes in data units but annotations in log10 units on a log axis.
        var l = Layout(Figure.Line([0, 1], [1e-3, 1]).WithLogY().AddHorizontalLine(0.01, "1e-2"));
        Assert.Equal(0.01, l.GetProperty("shapes")[0].GetProperty("y0").GetDouble());
        Assert.Equal(-2, l.GetProperty("annotations")[0].GetProperty("y").GetDouble(), 12);
    }

    [Fact]
    public void Unnamed_traces_have_no_legend_entry()
    {
        var f = Figure.Line([1, 2], [1, 2]).AddLine([1, 2], [2, 3], "named");
        Assert.False(Trace(f, 0).GetProperty("showlegend").GetBoolean());
        Assert.False(Has(Trace(f, 1), "showlegend"));
    }

    // ---- subplots ---------------------------------------------------------------------------------------------

    [Fact]
    public void Grid_assigns_each_panel_its_own_axes_in_row_order()
    {
        var a = Figure.Line([1, 2], [1, 2], "a1").AddLine([1, 2], [2, 1], "a2").WithTitle("first").WithAxisTitles("t", "h");
        var b = Figure.Bar(["u", "v"], [1, 2], "b").WithTitle("second");
        var c = Figure.Line([1, 2], [3, 4], "c").WithLogY().WithAxisTitles("k", "norm");
        var f = Figure.Grid(2, 2, a, b, c).WithTitle("all");
        var root = Parse(f);
        var data = root.GetProperty("data");
        Assert.Equal(["x", "x", "x2", "x3"], data.EnumerateArray().Select(t => t.GetProperty("xaxis").GetString()));
        Assert.Equal(["y", "y", "y2", "y3"], data.EnumerateArray().Select(t => t.GetProperty("yaxis").GetString()));
        var l = root.GetProperty("layout");
        var grid = l.GetProperty("grid");
        Assert.Equal(2, grid.GetProperty("rows").GetInt32());
        Assert.Equal(2, grid.GetProperty("columns").GetInt32());
        Assert.Equal("independent", grid.GetProperty("pattern").GetString());
        Assert.Equal("all", l.GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("h", l.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("category", l.GetProperty("xaxis2").GetProperty("type").GetString());
        Assert.Equal("norm", l.GetProperty("yaxis3").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("log", l.GetProperty("yaxis3").GetProperty("type").GetString());
        Assert.False(Has(l, "xaxis4"));
        var titles = l.GetProperty("annotations").EnumerateArray()
            .Select(n => (n.GetProperty("text").GetString(), n.GetProperty("xref").GetString(), n.GetProperty("yref").GetString()));
        Assert.Equal([("first", "x domain", "y domain"), ("second", "x2 domain", "y2 domain")], titles);
    }

    [Fact]
    public void Layout_changes_on_a_grid_apply_to_every_panel()
    {
        var f = Figure.Grid(1, 2, Figure.Line([1, 2], [1, 2]), Figure.Line([1, 2], [3, 4])).WithLogY().AddHorizontalLine(2);
        var l = Layout(f);
        Assert.Equal("log", l.GetProperty("yaxis").GetProperty("type").GetString());
        Assert.Equal("log", l.GetProperty("yaxis2").GetProperty("type").GetString());
        Assert.Equal(["y", "y2"], l.GetProperty("shapes").EnumerateArray().Select(s => s.GetProperty("yref").GetString()));
    }

    [Fact]
    public void Grid_rejects_too_many_panels_nested_grids_and_later_traces()
    {
        var p = Figure.Line([1, 2], [1, 2]);
        Assert.Throws<ArgumentException>(() => Figure.Grid(1, 2, p, p, p));
        Assert.Throws<ArgumentException>(() => Figure.Grid(2, 1, Figure.Grid(1, 1, p), p));
        Assert.Throws<InvalidOperationException>(() => Figure.Grid(1, 2, p, p).AddLine([1, 2], [3, 4]));
    }

    [Fact]
    public void A_heatmap_colour_bar_sits_beside_its_own_grid_cell()
    {
        // The cell domains below were read from plotly.js 2.35.2 (gd._fullLayout.xaxisN.domain) for a 2 × 3 grid
        // with xgap 0.25 and ygap 0.3: columns [0, 0.2727], [0.3636, 0.6364], [0.7273, 1]; rows (top first)
        // [0.5882, 1], [0, 0.4118].
        var h = Figure.Heatmap(new double[2, 2]);
        var p = Figure.Line([1, 2], [1, 2]);
        var data = Parse(Figure.Grid(2, 3, p, p, h, h)).GetProperty("data");
        var topRight = data[2].GetProperty("colorbar");
        Assert.Equal(1 + 0.01, topRight.GetProperty("x").GetDouble(), 6);
        Assert.Equal((0.5882353 + 1) / 2, topRight.GetProperty("y").GetDouble(), 6);
        Assert.Equal(0.4117647, topRight.GetProperty("len").GetDouble(), 6);
        var bottomLeft = data[3].GetProperty("colorbar");
        Assert.Equal(0.2727273 + 0.01, bottomLeft.GetProperty("x").GetDouble(), 6);
        Assert.Equal(0.4117647 / 2, bottomLeft.GetProperty("y").GetDouble(), 6);
        Assert.False(Has(Trace(h), "colorbar"));
    }

    // ---- determinism, immutability, description ---------------------------------------------------------------

    static Figure Sample() =>
        Figure.Grid(1, 2,
            Figure.Line([0.1, 0.2, 0.3], [Math.PI, Math.E, double.NaN], "σ′").AddHorizontalLine(0.25, "bound 1/4").WithTitle("a"),
            Figure.Heatmap(Matrix<double>.Build.Dense(2, 3, (i, j) => Math.Sin(i + j)), ["x", "y", "x"], ["u", "v"]))
        .WithTitle("Sample");

    [Fact]
    public void The_same_figure_gives_identical_json()
    {
        Assert.Equal(Sample().ToJson(), Sample().ToJson());
        var f = Sample();
        Assert.Equal(f.ToJson(), f.ToJson());
    }

    [Fact]
    public void Json_keeps_unicode_readable_and_escapes_html()
    {
        var json = Figure.Line([1, 2], [1, 2], "σ′ </script><b>").ToJson();
        Assert.Contains("σ′", json);
        Assert.DoesNotContain("<", json);
        Assert.Equal("σ′ </script><b>", JsonDocument.Parse(json).RootElement.GetProperty("data")[0].GetProperty("name").GetString());
    }

    [Fact]
    public void Adding_and_changing_returns_a_new_figure_and_copies_the_data()
    {
        var ys = new[] { 1.0, 2.0 };
        var f = Figure.Line([1, 2], ys);
        var before = f.ToJson();
        var g = f.WithTitle("t").AddLine([1, 2], [3.0, 4.0]).WithLogY();
        ys[0] = 99;
        Assert.Equal(before, f.ToJson());
        Assert.NotEqual(before, g.ToJson());
    }

    [Fact]
    public void ToString_describes_title_traces_counts_axes_and_ranges()
    {
        var text = Figure.Line([0, 1, 2, 3], [0.5, double.NaN, -2, 4], "tanh′").AddBar(["a", "b"], [1, 3], "counts")
            .WithTitle("Derivatives").WithAxisTitles("x", "f′(x)").WithLogY().AddHorizontalLine(0.25, "bound 1/4").ToString();
        Assert.Contains("Figure \"Derivatives\"", text);
        Assert.Contains("2 traces", text);
        Assert.Contains("x axis \"x\"", text);
        Assert.Contains("y axis \"f′(x)\" log", text);
        Assert.Contains("line \"tanh′\": 4 points (1 NaN/∞), x 0 … 3, y -2 … 4", text);
        Assert.Contains("bar \"counts\": 2 bars, values 1 … 3", text);
        Assert.Contains("horizontal line y = 0.25 \"bound 1/4\"", text);
    }

    [Fact]
    public void ToString_of_a_grid_lists_each_panel()
    {
        var text = Sample().ToString();
        Assert.StartsWith("Figure \"Sample\": grid 1 × 2, 2 traces", text);
        Assert.Contains("[1] \"a\"", text);
        Assert.Contains("[2]", text);
        Assert.Contains("heatmap 2 × 3", text);
    }
}

public class FigureLegendPlacementTests
{
    [Fact]
    public void A_single_heatmap_with_other_traces_keeps_its_legend_clear_of_the_colour_bar()
    {
        var figure = SequenceModels.Plotting.Figure.Heatmap(MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(2, 2, 1.0))
            .AddLine(new[] { 0.0, 1.0 }, new[] { 0.0, 1.0 }, "path");
        using var json = System.Text.Json.JsonDocument.Parse(figure.ToJson());
        Assert.Equal(1.15, json.RootElement.GetProperty("layout").GetProperty("legend").GetProperty("x").GetDouble());
    }
}

public class FigureGridColourTests
{
    [Fact]
    public void A_series_keeps_its_colour_in_every_panel_of_a_grid_with_one_legend_entry()
    {
        var left = SequenceModels.Plotting.Figure.Line(new[] { 1.0, 2.0 }, "RNN").AddLine(new[] { 2.0, 1.0 }, "LSTM");
        var right = SequenceModels.Plotting.Figure.Line(new[] { 3.0, 4.0 }, "LSTM").AddLine(new[] { 4.0, 3.0 }, "RNN");
        using var json = System.Text.Json.JsonDocument.Parse(SequenceModels.Plotting.Figure.Grid(1, 2, left, right).ToJson());
        var data = json.RootElement.GetProperty("data");
        string Colour(int i) => data[i].GetProperty("line").GetProperty("color").GetString()!;
        Assert.Equal(Colour(0), Colour(3)); // RNN
        Assert.Equal(Colour(1), Colour(2)); // LSTM
        Assert.NotEqual(Colour(0), Colour(1));
        Assert.False(data[2].GetProperty("showlegend").GetBoolean());
        Assert.False(data[3].GetProperty("showlegend").GetBoolean());
        Assert.False(data[0].TryGetProperty("showlegend", out _));
    }
}

public class FigureSliderAndStyleTests
{
    static JsonElement Parse(Figure figure) => JsonDocument.Parse(figure.ToJson()).RootElement;
    static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    static Figure Step(double rho) =>
        Figure.Line([0.0, 1, 2], [1, rho, rho * rho], "linear").AddLine([0.0, 1, 2], [1, rho / 2, rho * rho / 4], "tanh")
            .WithTitle($"ρ = {rho}");

    [Fact]
    public void A_slider_shows_its_active_step_and_carries_every_step_as_a_frame()
    {
        var figure = Figure.Slider("radius ρ", [("0.5", Step(0.5)), ("1", Step(1)), ("2", Step(2))], active: 1);
        var root = Parse(figure);
        Assert.Equal([1.0, 1, 1], Numbers(root.GetProperty("data")[0].GetProperty("y")));
        var frames = root.GetProperty("frames");
        Assert.Equal(3, frames.GetArrayLength());
        Assert.Equal("2", frames[2].GetProperty("name").GetString());
        Assert.Equal([1.0, 2, 4], Numbers(frames[2].GetProperty("data")[0].GetProperty("y")));
        Assert.Equal("ρ = 2", frames[2].GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.False(frames[2].GetProperty("layout").TryGetProperty("height", out _)); // the figure keeps its size
        var slider = root.GetProperty("layout").GetProperty("sliders")[0];
        Assert.Equal(1, slider.GetProperty("active").GetInt32());
        Assert.Equal("radius ρ: ", slider.GetProperty("currentvalue").GetProperty("prefix").GetString());
        var steps = slider.GetProperty("steps");
        Assert.Equal(["0.5", "1", "2"], steps.EnumerateArray().Select(s => s.GetProperty("label").GetString()));
        Assert.Equal("animate", steps[0].GetProperty("method").GetString());
        Assert.Equal("2", steps[2].GetProperty("args")[0][0].GetString());
        Assert.Equal(560, root.GetProperty("layout").GetProperty("height").GetInt32());
        Assert.Equal(["0.5", "1", "2"], figure.SliderSteps);
        Assert.Contains("slider \"radius ρ\": 3 steps (0.5 … 2), showing 1", figure.ToString());
    }

    [Fact]
    public void Changes_to_a_slider_apply_to_every_step()
    {
        var figure = Figure.Slider("ρ", [("a", Step(0.5)), ("b", Step(2))]).WithLogY().WithYRange(0.01, 10).WithTitle("same");
        foreach (var frame in Parse(figure).GetProperty("frames").EnumerateArray())
        {
            Assert.Equal("log", frame.GetProperty("layout").GetProperty("yaxis").GetProperty("type").GetString());
            Assert.Equal([-2.0, 1], Numbers(frame.GetProperty("layout").GetProperty("yaxis").GetProperty("range")));
            Assert.Equal("same", frame.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        }
        Assert.Equal(["a", "b"], figure.SliderSteps);
    }

    [Fact]
    public void A_slider_needs_steps_with_the_same_traces()
    {
        var e = Assert.Throws<ArgumentException>(() => Figure.Slider("ρ", [("a", Step(1)), ("b", Figure.Bar(["x"], [1.0]))]));
        Assert.Contains("Step 1 (\"b\") has traces [bar] but step 0 has [scatter, scatter]", e.Message);
        Assert.Throws<ArgumentException>(() => Figure.Slider("ρ", []));
        Assert.Throws<ArgumentOutOfRangeException>(() => Figure.Slider("ρ", [("a", Step(1))], active: 1));
        var slider = Figure.Slider("ρ", [("a", Step(1))]);
        Assert.Throws<ArgumentException>(() => Figure.Slider("τ", [("a", slider)]));
        Assert.Throws<ArgumentException>(() => Figure.Grid(1, 1, slider));
        Assert.Throws<InvalidOperationException>(() => slider.AddLine([1.0], [1.0]));
    }

    [Fact]
    public void Single_hue_colour_scales_run_from_white_for_low_values_to_dark_for_high_ones()
    {
        var scale = Parse(Figure.Heatmap(new double[,] { { 0, 1 } }, colorscale: "Blues")).GetProperty("data")[0].GetProperty("colorscale");
        Assert.Equal(0, scale[0][0].GetDouble());
        Assert.Equal("#f7fbff", scale[0][1].GetString());
        Assert.Equal(1, scale[scale.GetArrayLength() - 1][0].GetDouble());
        Assert.Equal("#08306b", scale[scale.GetArrayLength() - 1][1].GetString());
        Assert.Equal("Viridis", Parse(Figure.Heatmap(new double[,] { { 0, 1 } })).GetProperty("data")[0].GetProperty("colorscale").GetString());
    }

    [Fact]
    public void Heatmap_values_are_written_in_the_given_format()
    {
        var t = Parse(Figure.Heatmap(new double[,] { { 0.5 } }, showValues: true, valueFormat: ".2f")).GetProperty("data")[0];
        Assert.Equal("%{z:.2f}", t.GetProperty("texttemplate").GetString());
        Assert.False(Parse(Figure.Heatmap(new double[,] { { 0.5 } })).GetProperty("data")[0].TryGetProperty("texttemplate", out _));
    }

    [Fact]
    public void Bars_carry_error_bars_of_the_given_half_widths()
    {
        var t = Parse(Figure.Bar(["a", "b"], [0.5, 0.7], "mean", error: [0.05, 0.02])).GetProperty("data")[0];
        Assert.Equal([0.05, 0.02], Numbers(t.GetProperty("error_y").GetProperty("array")));
        Assert.Contains("with error bars", Figure.Bar(["a"], [1.0], error: [0.1]).ToString());
        var e = Assert.Throws<ArgumentException>(() => Figure.Bar(["a", "b"], [0.5, 0.7], error: [0.1]));
        Assert.Contains("error has 1 values but there are 2 bars", e.Message);
    }

    [Fact]
    public void A_line_keeps_the_colour_it_was_given_also_in_a_grid()
    {
        var panel = Figure.Line([0.0, 1], [0.0, 1], color: "#ff7f0e").AddLine([0.0, 1], [1.0, 1], dash: LineDash.Dash, color: "#ff7f0e");
        var data = Parse(Figure.Grid(1, 2, panel, panel)).GetProperty("data");
        foreach (var trace in data.EnumerateArray())
            Assert.Equal("#ff7f0e", trace.GetProperty("line").GetProperty("color").GetString());
    }

    [Fact]
    public void A_subtitle_is_shown_as_written_under_the_title()
    {
        var figure = Figure.Line([1.0, 2]).WithTitle("τ = 0.5").WithSubtitle("A <EOS> & more");
        var title = Parse(figure).GetProperty("layout").GetProperty("title");
        Assert.Equal("τ = 0.5", title.GetProperty("text").GetString());
        Assert.Equal("A &lt;EOS&gt; &amp; more", title.GetProperty("subtitle").GetProperty("text").GetString());
        Assert.Contains("subtitle \"A <EOS> & more\"", figure.ToString());
    }

    [Fact]
    public void The_layout_always_states_the_height_the_notebook_shows()
    {
        Assert.Equal(450, Parse(Figure.Line([1.0, 2])).GetProperty("layout").GetProperty("height").GetInt32());
        var grid = Figure.Grid(2, 1, Figure.Line([1.0, 2]), Figure.Line([1.0, 2]));
        Assert.Equal(740, Parse(grid).GetProperty("layout").GetProperty("height").GetInt32());
    }
}

public class FigureTickLabelTests
{
    [Fact]
    public void Y_tick_labels_name_the_positions_0_1_2()
    {
        var y = JsonDocument.Parse(Figure.Heatmap(new double[,] { { 1 }, { 2 } }).WithYTickLabels(["NOUN", "VERB"]).ToJson())
            .RootElement.GetProperty("layout").GetProperty("yaxis");
        Assert.Equal("array", y.GetProperty("tickmode").GetString());
        Assert.Equal([0.0, 1.0], y.GetProperty("tickvals").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(["NOUN", "VERB"], y.GetProperty("ticktext").EnumerateArray().Select(e => e.GetString()));
    }
}
