using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.DotNet.Interactive.Formatting;

namespace SequenceModels.Plotting;

/// <summary>
/// A plotly.js figure: traces (line/scatter, bar, heatmap) and a layout, serialised to plotly.js JSON and shown in
/// notebooks as an interactive chart (text/html) with a text/plain description.
/// </summary>
/// <remarks>
/// <para>Immutable: every <c>Add…</c> and <c>With…</c> returns a new figure and leaves the old one as it was, and the
/// data are copied when a trace is added, so changing an array afterwards does not change the figure.</para>
/// <para>A figure is one panel, or a grid of panels made by <see cref="Grid"/>. On a grid, the <c>With…</c> axis
/// methods and <see cref="AddHorizontalLine"/> apply to every panel; traces are added to the panels before they are
/// put in the grid.</para>
/// <para>Numbers are written rounded to 7 significant digits (whole numbers exactly); NaN and ±∞ are written as
/// <c>null</c>, which plotly.js draws as a gap. The same figure always gives byte-identical JSON and HTML.</para>
/// </remarks>
[TypeFormatterSource(typeof(FigureFormatterSource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class Figure
{
    /// <summary>The plotly.js release the figures are drawn with (npm plotly.js-dist-min, bundled in the library).</summary>
    public const string PlotlyVersion = PlotlyBundle.Version;

    /// <summary>
    /// The text of plotly.min.js, bundled in the library: the first figure a kernel shows carries it, so the figures
    /// of a notebook draw with no network.
    /// </summary>
    public static string PlotlyScript => PlotlyBundle.Script;

    static readonly JsonWriterOptions JsonOptions = new()
    {
        // Greek letters and primes stay readable; <, >, & and quotes are still escaped, so the JSON is safe inside
        // a <script> element.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    readonly ImmutableArray<Panel> panels;
    readonly Settings settings;

    Figure(ImmutableArray<Panel> panels, Settings settings)
    {
        this.panels = panels;
        this.settings = settings;
    }

    Figure(Trace trace, Axis x, Axis y) : this([new Panel([trace], x, y, [])], new Settings()) { }

    // ---- creating figures -------------------------------------------------------------------------------------

    /// <summary>A line through the points (x[i], y[i]). x and y have the same length.</summary>
    /// <param name="x">Positions on the x axis (any numeric type: double, float, int…).</param>
    /// <param name="y">Values; NaN and ±∞ leave a gap.</param>
    /// <param name="name">The legend entry.</param>
    /// <param name="dash">Dash pattern.</param>
    /// <param name="width">Line width in pixels (plotly's default is 2).</param>
    /// <param name="mode">Lines, markers or both.</param>
    /// <param name="errorY">Optional symmetric error bars, one per point (e.g. a standard deviation).</param>
    /// <param name="color">A CSS colour ("#1f77b4", "gray"); null takes the next colour of plotly.js's sequence.</param>
    public static Figure Line<TX, TY>(IEnumerable<TX> x, IEnumerable<TY> y, string? name = null,
        LineDash dash = LineDash.Solid, double? width = null, ScatterMode mode = ScatterMode.Lines,
        IEnumerable<TY>? errorY = null, string? color = null)
        where TX : INumberBase<TX> where TY : INumberBase<TY> =>
        new(ScatterOf(x, y, name, mode, dash, width, errorY, color), new Axis(), new Axis());

    /// <summary>A line through the values y[0], y[1], … at x = 0, 1, … (a loss curve, say).</summary>
    /// <param name="y">Values; NaN and ±∞ leave a gap.</param>
    /// <param name="name">The legend entry.</param>
    /// <param name="dash">Dash pattern.</param>
    /// <param name="width">Line width in pixels.</param>
    /// <param name="mode">Lines, markers or both.</param>
    /// <param name="color">A CSS colour; null takes the next colour of plotly.js's sequence.</param>
    public static Figure Line<TY>(IEnumerable<TY> y, string? name = null, LineDash dash = LineDash.Solid,
        double? width = null, ScatterMode mode = ScatterMode.Lines, string? color = null)
        where TY : INumberBase<TY> =>
        new(ScatterOf<TY, TY>(null, y, name, mode, dash, width, null, color), new Axis(), new Axis());

    /// <summary>Points (x[i], y[i]) as markers, without lines.</summary>
    /// <param name="x">Positions on the x axis.</param>
    /// <param name="y">Values; NaN and ±∞ are left out.</param>
    /// <param name="name">The legend entry.</param>
    /// <param name="errorY">Optional symmetric error bars, one per point.</param>
    public static Figure Scatter<TX, TY>(IEnumerable<TX> x, IEnumerable<TY> y, string? name = null,
        IEnumerable<TY>? errorY = null)
        where TX : INumberBase<TX> where TY : INumberBase<TY> =>
        Line(x, y, name, mode: ScatterMode.Markers, errorY: errorY);

    /// <summary>One bar per label. Adding more bar traces with <see cref="AddBar"/> groups them side by side.</summary>
    /// <param name="labels">Category labels (repeated labels stay separate bars).</param>
    /// <param name="values">Bar heights, one per label.</param>
    /// <param name="name">The legend entry.</param>
    /// <param name="horizontal">Horizontal bars, the first label at the top.</param>
    /// <param name="error">Optional symmetric error bars, one per bar (e.g. the standard deviation over seeds).</param>
    public static Figure Bar<TY>(IEnumerable<string> labels, IEnumerable<TY> values, string? name = null,
        bool horizontal = false, IEnumerable<TY>? error = null)
        where TY : INumberBase<TY>
    {
        var trace = BarOf(labels, values, name, horizontal, error);
        return horizontal
            ? new Figure(trace, new Axis(), new Axis(Categories: true, Reversed: true))
            : new Figure(trace, new Axis(Categories: true), new Axis());
    }

    /// <summary>
    /// A heatmap of <paramref name="z"/> (rows × columns) drawn as a matrix is written: row 0 at the top, column 0
    /// on the left.
    /// </summary>
    /// <param name="z">The values, rows × columns; NaN and ±∞ are left blank.</param>
    /// <param name="xLabels">One label per column (repeated labels such as tokens stay separate columns).</param>
    /// <param name="yLabels">One label per row.</param>
    /// <param name="colorscale">A plotly.js colorscale name: Viridis, RdBu, Hot…; the single-hue scales Blues, Greens,
    /// Greys, Oranges, Purples and Reds run from white (low) to dark (high), as in ColorBrewer (plotly.js's own Blues,
    /// Greens, Greys and Reds run the other way, which makes the large values look empty).</param>
    /// <param name="zmin">The value at the bottom of the colour scale (default: the smallest value).</param>
    /// <param name="zmax">The value at the top of the colour scale (default: the largest value).</param>
    /// <param name="showValues">Writes each value in its cell (for small matrices).</param>
    /// <param name="valueFormat">How <paramref name="showValues"/> writes a value: a d3-format specifier such as
    /// ".2f" (two decimals) or ".3g" (three significant digits, the default).</param>
    public static Figure Heatmap<T>(Matrix<T> z, IEnumerable<string>? xLabels = null,
        IEnumerable<string>? yLabels = null, string colorscale = "Viridis", double? zmin = null, double? zmax = null,
        bool showValues = false, string valueFormat = ".3g")
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(z);
        var rows = new double[z.RowCount][];
        for (int i = 0; i < z.RowCount; i++)
        {
            rows[i] = new double[z.ColumnCount];
            for (int j = 0; j < z.ColumnCount; j++) rows[i][j] = double.CreateChecked(z[i, j]);
        }
        var x = LabelsOf(xLabels, z.ColumnCount, nameof(xLabels), "columns");
        var y = LabelsOf(yLabels, z.RowCount, nameof(yLabels), "rows");
        ArgumentException.ThrowIfNullOrWhiteSpace(colorscale);
        ArgumentException.ThrowIfNullOrWhiteSpace(valueFormat);
        return new Figure(new HeatmapTrace(rows, x, y, colorscale, zmin, zmax, showValues ? valueFormat : null),
            new Axis(Categories: x is not null), new Axis(Categories: y is not null, Reversed: true));
    }

    /// <summary>A heatmap of a rows × columns array; see <see cref="Heatmap{T}"/>.</summary>
    /// <param name="z">The values, rows × columns.</param>
    /// <param name="xLabels">One label per column.</param>
    /// <param name="yLabels">One label per row.</param>
    /// <param name="colorscale">A plotly.js colorscale name.</param>
    /// <param name="zmin">The value at the bottom of the colour scale.</param>
    /// <param name="zmax">The value at the top of the colour scale.</param>
    /// <param name="showValues">Writes each value in its cell.</param>
    /// <param name="valueFormat">How <paramref name="showValues"/> writes a value (a d3-format specifier).</param>
    public static Figure Heatmap(double[,] z, IEnumerable<string>? xLabels = null, IEnumerable<string>? yLabels = null,
        string colorscale = "Viridis", double? zmin = null, double? zmax = null, bool showValues = false,
        string valueFormat = ".3g") =>
        Heatmap(Matrix<double>.Build.DenseOfArray(z), xLabels, yLabels, colorscale, zmin, zmax, showValues, valueFormat);

    /// <summary>
    /// Subplots: the panels laid out row by row in a <paramref name="rows"/> × <paramref name="columns"/> grid
    /// (plotly.js <c>layout.grid</c>), each with its own axes. A panel's title becomes its subplot title; its traces,
    /// axis settings and horizontal lines are kept. Cells after the last panel stay empty.
    /// </summary>
    public static Figure Grid(int rows, int columns, params Figure[] panels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Length == 0 || panels.Length > rows * columns)
            throw new ArgumentException(
                $"A {rows} × {columns} grid holds 1 to {rows * columns} panels; {panels.Length} were given.", nameof(panels));
        var cells = ImmutableArray.CreateBuilder<Panel>(panels.Length);
        foreach (var figure in panels)
        {
            ArgumentNullException.ThrowIfNull(figure, nameof(panels));
            if (figure.IsGrid) throw new ArgumentException("A grid cannot be a panel of another grid.", nameof(panels));
            if (figure.settings.Slider is not null)
                throw new ArgumentException("A figure with a slider cannot be a panel of a grid; make a slider of grids.", nameof(panels));
            cells.Add(figure.panels[0] with { Title = figure.settings.Title });
        }
        return new Figure(cells.MoveToImmutable(), new Settings(GridRows: rows, GridColumns: columns));
    }

    // ---- adding traces ----------------------------------------------------------------------------------------

    /// <summary>Adds a line through (x[i], y[i]); see <see cref="Line{TX, TY}"/> for the parameters.</summary>
    /// <param name="x">Positions on the x axis.</param>
    /// <param name="y">Values; NaN and ±∞ leave a gap.</param>
    /// <param name="name">The legend entry.</param>
    /// <param name="dash">Dash pattern.</param>
    /// <param name="width">Line width in pixels.</param>
    /// <param name="mode">Lines, markers or both.</param>
    /// <param name="errorY">Optional symmetric error bars, one per point.</param>
    /// <param name="color">A CSS colour; null takes the next colour of plotly.js's sequence.</param>
    public Figure AddLine<TX, TY>(IEnumerable<TX> x, IEnumerable<TY> y, string? name = null,
        LineDash dash = LineDash.Solid, double? width = null, ScatterMode mode = ScatterMode.Lines,
        IEnumerable<TY>? errorY = null, string? color = null)
        where TX : INumberBase<TX> where TY : INumberBase<TY> =>
        Add(ScatterOf(x, y, name, mode, dash, width, errorY, color));

    /// <summary>Adds a line through y[0], y[1], … at x = 0, 1, ….</summary>
    /// <param name="y">Values; NaN and ±∞ leave a gap.</param>
    /// <param name="name">The legend entry.</param>
    /// <param name="dash">Dash pattern.</param>
    /// <param name="width">Line width in pixels.</param>
    /// <param name="mode">Lines, markers or both.</param>
    /// <param name="color">A CSS colour; null takes the next colour of plotly.js's sequence.</param>
    public Figure AddLine<TY>(IEnumerable<TY> y, string? name = null, LineDash dash = LineDash.Solid,
        double? width = null, ScatterMode mode = ScatterMode.Lines, string? color = null)
        where TY : INumberBase<TY> =>
        Add(ScatterOf<TY, TY>(null, y, name, mode, dash, width, null, color));

    /// <summary>Adds points (x[i], y[i]) as markers.</summary>
    /// <param name="x">Positions on the x axis.</param>
    /// <param name="y">Values.</param>
    /// <param name="name">The legend entry.</param>
    /// <param name="errorY">Optional symmetric error bars, one per point.</param>
    public Figure AddScatter<TX, TY>(IEnumerable<TX> x, IEnumerable<TY> y, string? name = null,
        IEnumerable<TY>? errorY = null)
        where TX : INumberBase<TX> where TY : INumberBase<TY> =>
        AddLine(x, y, name, mode: ScatterMode.Markers, errorY: errorY);

    /// <summary>Adds a bar trace, grouped beside the existing bars.</summary>
    /// <param name="labels">Category labels.</param>
    /// <param name="values">Bar heights, one per label.</param>
    /// <param name="name">The legend entry.</param>
    /// <param name="horizontal">Horizontal bars.</param>
    /// <param name="error">Optional symmetric error bars, one per bar.</param>
    public Figure AddBar<TY>(IEnumerable<string> labels, IEnumerable<TY> values, string? name = null,
        bool horizontal = false, IEnumerable<TY>? error = null)
        where TY : INumberBase<TY>
    {
        var figure = Add(BarOf(labels, values, name, horizontal, error));
        return horizontal
            ? figure.MapPanels(p => p with { Y = p.Y with { Categories = true, Reversed = true } })
            : figure.MapPanels(p => p with { X = p.X with { Categories = true } });
    }

    /// <summary>
    /// Adds a dashed horizontal line across the plot at <paramref name="y"/>, labelled at its right end, for a
    /// reference value such as the bound 1/4 of σ′.
    /// </summary>
    /// <param name="y">The height, in data units (also on a log axis).</param>
    /// <param name="text">The label, or null for none.</param>
    /// <param name="dash">Dash pattern.</param>
    public Figure AddHorizontalLine(double y, string? text = null, LineDash dash = LineDash.Dash) =>
        MapPanels(p => p with { Lines = p.Lines.Add(new HorizontalLine(y, text, dash)) });

    // ---- layout -----------------------------------------------------------------------------------------------

    /// <summary>Sets the figure's title (for a grid, the title above all panels).</summary>
    public Figure WithTitle(string title) => Each(f => new(f.panels, f.settings with { Title = title }));

    /// <summary>
    /// Sets a second, smaller line under the title (plotly.js <c>title.subtitle</c>), for a note such as a sample of
    /// generated text. The text is shown as written: <c>&lt;</c> and <c>&gt;</c> are not read as markup.
    /// </summary>
    public Figure WithSubtitle(string subtitle)
    {
        ArgumentNullException.ThrowIfNull(subtitle);
        return Each(f => new(f.panels, f.settings with { Subtitle = subtitle }));
    }

    /// <summary>Sets the axis titles; null leaves a title as it was.</summary>
    public Figure WithAxisTitles(string? x = null, string? y = null) =>
        MapPanels(p => p with { X = p.X with { Title = x ?? p.X.Title }, Y = p.Y with { Title = y ?? p.Y.Title } });

    /// <summary>Makes the x axis logarithmic (plotly.js <c>type: 'log'</c>).</summary>
    public Figure WithLogX() => MapPanels(p => p with { X = p.X with { Log = true } });

    /// <summary>Makes the y axis logarithmic (plotly.js <c>type: 'log'</c>).</summary>
    public Figure WithLogY() => MapPanels(p => p with { Y = p.Y with { Log = true } });

    /// <summary>
    /// Names the y axis's positions 0, 1, 2, … (a heatmap's rows, say) with <paramref name="labels"/>, so numeric
    /// traces drawn over the heatmap (a path through its rows) stay on the same axis.
    /// </summary>
    public Figure WithYTickLabels(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var ticks = labels.ToImmutableArray();
        return MapPanels(p => p with { Y = p.Y with { TickLabels = ticks } });
    }

    /// <summary>Fixes the x axis range, in data units (also on a log axis).</summary>
    public Figure WithXRange(double min, double max) =>
        MapPanels(p => p with { X = p.X with { Range = RangeOf(min, max) } });

    /// <summary>Fixes the y axis range, in data units (also on a log axis).</summary>
    public Figure WithYRange(double min, double max) =>
        MapPanels(p => p with { Y = p.Y with { Range = RangeOf(min, max) } });

    /// <summary>
    /// Sets the size in pixels; null keeps the default: the width of the notebook, and 450 px high (a grid: 340 px
    /// per row + 60).
    /// </summary>
    public Figure WithSize(int? width, int? height)
    {
        if (width is int w) ArgumentOutOfRangeException.ThrowIfLessThan(w, 10, nameof(width));
        if (height is int h) ArgumentOutOfRangeException.ThrowIfLessThan(h, 10, nameof(height));
        return Each(f => new(f.panels, f.settings with { Width = width, Height = height }));
    }

    /// <summary>Shows or hides the legend (plotly.js shows it by default when there are two traces or more).</summary>
    public Figure WithLegend(bool show = true) => Each(f => new(f.panels, f.settings with { ShowLegend = show }));

    // ---- figures to play with ---------------------------------------------------------------------------------

    /// <summary>
    /// A figure with a slider under it: each step of the slider shows one of the given figures (its traces, titles
    /// and axes), all computed beforehand, so it needs no kernel: it works in a notebook, an exported page or a
    /// website. The figure draws the step <paramref name="active"/> first (also in a PNG).
    /// </summary>
    /// <param name="label">What the slider sets, shown before the step's label ("spectral radius ρ").</param>
    /// <param name="steps">One (label, figure) per step, in slider order. Every figure has the same traces in the same
    /// order (the values change, not the kind of trace) and none is itself a slider.</param>
    /// <param name="active">The step shown first (0-based).</param>
    /// <remarks>
    /// The later <c>With…</c> and <see cref="AddHorizontalLine"/> calls apply to every step's figure. Fix the axis
    /// ranges on the steps (<see cref="WithYRange"/>) so that moving the slider compares like with like.
    /// </remarks>
    public static Figure Slider(string label, IEnumerable<(string Step, Figure Frame)> steps, int active = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        ArgumentNullException.ThrowIfNull(steps);
        var list = steps.ToImmutableArray();
        if (list.Length == 0) throw new ArgumentException("A slider needs at least one step.", nameof(steps));
        ArgumentOutOfRangeException.ThrowIfNegative(active);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(active, list.Length);
        var first = list[0].Frame ?? throw new ArgumentException("Step 0 has no figure.", nameof(steps));
        var shape = TraceShape(first);
        for (int i = 0; i < list.Length; i++)
        {
            var (step, frame) = list[i];
            if (step is null) throw new ArgumentException($"Step {i} has no label.", nameof(steps));
            if (frame is null) throw new ArgumentException($"Step {i} (\"{step}\") has no figure.", nameof(steps));
            if (frame.settings.Slider is not null)
                throw new ArgumentException($"Step {i} (\"{step}\") is itself a slider.", nameof(steps));
            if (TraceShape(frame) != shape)
                throw new ArgumentException(
                    $"Step {i} (\"{step}\") has traces {TraceShape(frame)} but step 0 has {shape}: every step needs the same traces.",
                    nameof(steps));
        }
        var shown = list[active].Frame;
        return new(shown.panels, shown.settings with { Slider = new SliderSpec(label, list, active) });
    }

    static string TraceShape(Figure f) =>
        "[" + string.Join("; ", f.panels.Select(p => string.Join(", ", p.Traces.Select(t => t.GetType().Name.Replace("Trace", "").ToLowerInvariant())))) + "]";

    /// <summary>The labels of a slider's steps, in order (empty for a figure without a slider).</summary>
    public IReadOnlyList<string> SliderSteps => settings.Slider is { } s ? s.Steps.Select(x => x.Step).ToArray() : [];

    /// <summary>Applies a change to the figure, or to every step of a slider.</summary>
    Figure Each(Func<Figure, Figure> change) => settings.Slider is { } s
        ? Slider(s.Label, s.Steps.Select(x => (x.Step, change(x.Frame))), s.Active)
        : change(this);

    // ---- output -----------------------------------------------------------------------------------------------

    /// <summary>The figure as plotly.js JSON: <c>{"data": [traces…], "layout": {…}}</c>, compact, deterministic.</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions)) Write(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// A standalone HTML page showing this figure (for a browser, or for rendering to PNG headless).
    /// </summary>
    /// <remarks>plotly.js is inlined, so the page works offline.</remarks>
    public string ToHtml() => FigureHtml.Page(this);

    /// <summary>
    /// The HTML a notebook shows for this figure (what the <c>text/html</c> formatter writes): the drawing, the JSON,
    /// and, when <paramref name="carryPlotly"/>, plotly.js itself, as the first figure of a kernel carries it.
    /// </summary>
    public string ToHtmlFragment(bool carryPlotly = false) => FigureHtml.Fragment(this, carryPlotly);

    /// <summary>A description: title, panels, axes, and per trace its kind, name, point count and value range.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Figure");
        if (settings.Title is not null) sb.Append($" \"{settings.Title}\"");
        int traces = panels.Sum(p => p.Traces.Length);
        sb.Append(IsGrid ? $": grid {settings.GridRows} × {settings.GridColumns}, " : ": ");
        sb.Append(traces == 1 ? "1 trace" : $"{traces} traces");
        for (int k = 0; k < panels.Length; k++)
        {
            var p = panels[k];
            var indent = "  ";
            if (IsGrid)
            {
                sb.Append($"\n  [{k + 1}]{(p.Title is null ? "" : $" \"{p.Title}\"")}");
                indent = "    ";
            }
            var axes = DescribeAxis("x", p.X) + DescribeAxis("y", p.Y);
            if (axes.Length > 0) sb.Append(IsGrid ? $" {axes.TrimStart(',', ' ')}" : $"\n  {axes.TrimStart(',', ' ')}");
            foreach (var t in p.Traces) sb.Append($"\n{indent}{t.Describe()}");
            foreach (var line in p.Lines)
                sb.Append($"\n{indent}horizontal line y = {Summary.Number(line.Y)}{(line.Text is null ? "" : $" \"{line.Text}\"")}");
        }
        if (settings.Subtitle is not null) sb.Append($"\n  subtitle \"{settings.Subtitle}\"");
        if (settings.Slider is { } slider)
        {
            var labels = slider.Steps.Select(x => x.Step).ToArray();
            var range = labels.Length == 1 ? labels[0] : $"{labels[0]} … {labels[^1]}";
            sb.Append($"\n  slider \"{slider.Label}\": {labels.Length} step{(labels.Length == 1 ? "" : "s")} ({range}), showing {labels[slider.Active]}");
        }
        return sb.ToString();
    }

    // ---- internals --------------------------------------------------------------------------------------------

    bool IsGrid => settings.GridRows > 0;

    /// <summary>The width of the drawing in pixels, or null for the page's width.</summary>
    internal int? Width => settings.Width;

    /// <summary>The height of the drawing in pixels.</summary>
    internal int Height => settings.Height ?? (IsGrid ? 340 * settings.GridRows + 60 : 450)
        + (settings.Slider is null || settings.Height is not null ? 0 : SliderRoom)
        + (settings.Subtitle is null || settings.Height is not null ? 0 : 40);

    internal string? Title => settings.Title;

    Figure Add(Trace trace)
    {
        if (IsGrid)
            throw new InvalidOperationException("Add traces to each panel before putting the panels in Figure.Grid.");
        if (settings.Slider is not null)
            throw new InvalidOperationException("Add traces to each step's figure before making them a Figure.Slider.");
        return new([panels[0] with { Traces = panels[0].Traces.Add(trace) }], settings);
    }

    Figure MapPanels(Func<Panel, Panel> change) => Each(f => new(f.panels.Select(change).ToImmutableArray(), f.settings));

    static ScatterTrace ScatterOf<TX, TY>(IEnumerable<TX>? x, IEnumerable<TY> y, string? name, ScatterMode mode,
        LineDash dash, double? width, IEnumerable<TY>? errorY, string? color = null)
        where TX : INumberBase<TX> where TY : INumberBase<TY>
    {
        var ys = Doubles(y, nameof(y));
        var xs = x is null ? null : Doubles(x, nameof(x));
        if (xs is not null && xs.Length != ys.Length)
            throw new ArgumentException($"y has {ys.Length} values but x has {xs.Length}.", nameof(y));
        var errors = errorY is null ? null : Doubles(errorY, nameof(errorY));
        if (errors is not null && errors.Length != ys.Length)
            throw new ArgumentException($"errorY has {errors.Length} values but y has {ys.Length}.", nameof(errorY));
        if (color is not null) ArgumentException.ThrowIfNullOrWhiteSpace(color);
        return new ScatterTrace(name, xs, ys, mode, dash, width, errors, color);
    }

    static BarTrace BarOf<TY>(IEnumerable<string> labels, IEnumerable<TY> values, string? name, bool horizontal,
        IEnumerable<TY>? error)
        where TY : INumberBase<TY>
    {
        var vs = Doubles(values, nameof(values));
        var ls = LabelsOf(labels, vs.Length, nameof(labels), "values")!;
        var errors = error is null ? null : Doubles(error, nameof(error));
        if (errors is not null && errors.Length != vs.Length)
            throw new ArgumentException($"error has {errors.Length} values but there are {vs.Length} bars.", nameof(error));
        return new BarTrace(name, ls, vs, horizontal, errors);
    }

    static double[] Doubles<T>(IEnumerable<T> values, string argument) where T : INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(values, argument);
        return values.Select(v => double.CreateChecked(v)).ToArray();
    }

    /// <summary>
    /// Copies labels, checking their count. plotly.js merges repeated category labels into one, so a repeat gets
    /// invisible zero-width spaces appended ("the", "the\u200B"): it looks the same and stays its own category.
    /// </summary>
    static string[]? LabelsOf(IEnumerable<string>? labels, int count, string argument, string what)
    {
        if (labels is null) return null;
        var result = labels.ToArray();
        if (result.Length != count)
            throw new ArgumentException($"{argument} has {result.Length} labels but there are {count} {what}.", argument);
        var seen = new Dictionary<string, int>();
        for (int i = 0; i < result.Length; i++)
        {
            var label = result[i] ?? "";
            seen[label] = seen.TryGetValue(label, out int n) ? n + 1 : 0;
            result[i] = label + new string('\u200B', seen[label]);
        }
        return result;
    }

    static (double Min, double Max) RangeOf(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || min >= max)
            throw new ArgumentException($"An axis range needs finite min < max; got {min} and {max}.");
        return (min, max);
    }

    static string DescribeAxis(string letter, Axis a)
    {
        var parts = new List<string>();
        if (a.Title is not null) parts.Add($"\"{a.Title}\"");
        if (a.Log) parts.Add("log");
        if (a.Range is var (min, max)) parts.Add($"range {Summary.Number(min)} … {Summary.Number(max)}");
        return parts.Count == 0 ? "" : $", {letter} axis {string.Join(" ", parts)}";
    }

    // plotly.js names the k-th subplot's axes x, x2, x3… (in traces) and xaxis, xaxis2… (in the layout).
    static string Suffix(int k) => k == 0 ? "" : (k + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        WriteData(w);
        WriteLayout(w);
        if (settings.Slider is { } slider)
        {
            // Each step is a plotly.js frame, named by its position; the slider's steps animate to it at once.
            w.WriteStartArray("frames");
            for (int i = 0; i < slider.Steps.Length; i++)
            {
                var frame = slider.Steps[i].Frame;
                w.WriteStartObject();
                w.WriteString("name", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                frame.WriteData(w);
                frame.WriteLayout(w, inFrame: true);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    void WriteData(Utf8JsonWriter w)
    {
        w.WriteStartArray("data");
        // In a grid a named series keeps one colour in every panel and one legend entry (plotly.js would cycle
        // colours across the whole figure, so "LSTM" would change colour from panel to panel).
        var seriesColors = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int k = 0; k < panels.Length; k++)
            foreach (var trace in panels[k].Traces)
            {
                w.WriteStartObject();
                string? color = null;
                bool repeated = false;
                if (IsGrid && trace is not HeatmapTrace && trace.Name is { } name)
                {
                    repeated = seriesColors.ContainsKey(name);
                    if (!repeated) seriesColors[name] = Colorway[seriesColors.Count % Colorway.Length];
                    color = seriesColors[name];
                }
                trace.Write(w, color);
                if (color is not null)
                {
                    w.WriteString("legendgroup", trace.Name);
                    if (repeated) w.WriteBoolean("showlegend", false);
                }
                if (IsGrid && trace is HeatmapTrace) WriteColorBar(w, k);
                w.WriteString("xaxis", "x" + Suffix(k));
                w.WriteString("yaxis", "y" + Suffix(k));
                w.WriteEndObject();
            }
        w.WriteEndArray();
    }

    /// <summary>The layout; a slider's frame leaves out the size, which the figure with the slider sets.</summary>
    void WriteLayout(Utf8JsonWriter w, bool inFrame = false)
    {
        w.WriteStartObject("layout");
        if (settings.Title is not null || settings.Subtitle is not null)
        {
            w.WriteStartObject("title");
            w.WriteString("text", settings.Title ?? "");
            if (settings.Subtitle is not null)
            {
                w.WriteStartObject("subtitle");
                w.WriteString("text", settings.Subtitle.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;"));
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        if (!inFrame)
        {
            if (settings.Width is int width) w.WriteNumber("width", width);
            // Always written, so a PNG renderer draws the height the notebook shows (a grid's rows, a slider's room).
            w.WriteNumber("height", Height);
        }
        if (settings.ShowLegend is bool show) w.WriteBoolean("showlegend", show);
        if (panels.Any(p => p.Traces.Any(t => t is HeatmapTrace)))
        {
            // Past the colour bars: beside the right-hand cells of a grid, or at the right edge of a single plot.
            w.WriteStartObject("legend");
            Json.WriteNumber(w, "x", IsGrid ? 1.1 : 1.15);
            w.WriteEndObject();
        }
        if (panels.Any(p => p.Traces.Any(t => t is BarTrace))) w.WriteString("barmode", "group");
        for (int k = 0; k < panels.Length; k++)
        {
            WriteAxis(w, "xaxis" + Suffix(k), panels[k].X);
            WriteAxis(w, "yaxis" + Suffix(k), panels[k].Y);
        }
        if (IsGrid)
        {
            w.WriteStartObject("grid");
            w.WriteNumber("rows", settings.GridRows);
            w.WriteNumber("columns", settings.GridColumns);
            w.WriteString("pattern", "independent");
            Json.WriteNumber(w, "xgap", GridXGap);
            Json.WriteNumber(w, "ygap", GridYGap);
            w.WriteEndObject();
        }
        if (settings.Subtitle is not null)
        {
            w.WriteStartObject("margin");
            w.WriteNumber("t", 110); // room for the second title line
            w.WriteEndObject();
        }
        WriteShapes(w);
        WriteAnnotations(w);
        if (settings.Slider is { } slider) WriteSlider(w, slider);
        w.WriteEndObject();
    }

    const int SliderRoom = 110;

    void WriteSlider(Utf8JsonWriter w, SliderSpec slider)
    {
        w.WriteStartArray("sliders");
        w.WriteStartObject();
        w.WriteNumber("active", slider.Active);
        w.WriteStartObject("currentvalue");
        w.WriteString("prefix", slider.Label + ": ");
        w.WriteStartObject("font");
        w.WriteNumber("size", 14);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("pad");
        // Below the x axis's tick labels and title, which sit under the plot area where the slider starts.
        w.WriteNumber("t", panels.Any(p => p.X.Title is not null) ? 70 : 45);
        w.WriteEndObject();
        w.WriteStartArray("steps");
        for (int i = 0; i < slider.Steps.Length; i++)
        {
            w.WriteStartObject();
            w.WriteString("label", slider.Steps[i].Step);
            w.WriteString("method", "animate");
            w.WriteStartArray("args");
            w.WriteStartArray();
            w.WriteStringValue(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteEndArray();
            w.WriteStartObject();
            w.WriteString("mode", "immediate");
            w.WriteStartObject("frame");
            w.WriteNumber("duration", 0);
            w.WriteBoolean("redraw", true);
            w.WriteEndObject();
            w.WriteStartObject("transition");
            w.WriteNumber("duration", 0);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    static void WriteTitle(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject("title");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    static void WriteAxis(Utf8JsonWriter w, string key, Axis a)
    {
        w.WriteStartObject(key);
        if (a.Title is not null) WriteTitle(w, a.Title);
        if (a.Log)
        {
            w.WriteString("type", "log");
            w.WriteString("exponentformat", "power"); // 10⁻⁴ rather than plotly's default 100µ
        }
        else if (a.Categories) w.WriteString("type", "category");
        if (a.Range is var (min, max))
        {
            // plotly.js takes a log axis's range as log10 of the values.
            double lo = a.Log ? Math.Log10(min) : min, hi = a.Log ? Math.Log10(max) : max;
            w.WriteStartArray("range");
            Json.WriteNumberValue(w, a.Reversed ? hi : lo);
            Json.WriteNumberValue(w, a.Reversed ? lo : hi);
            w.WriteEndArray();
        }
        else if (a.Reversed) w.WriteString("autorange", "reversed");
        if (a.TickLabels is { } labels)
        {
            w.WriteString("tickmode", "array");
            Json.WriteNumbers(w, "tickvals", Enumerable.Range(0, labels.Length).Select(i => (double)i));
            Json.WriteStrings(w, "ticktext", labels);
        }
        w.WriteBoolean("automargin", true);
        w.WriteEndObject();
    }

    void WriteShapes(Utf8JsonWriter w)
    {
        if (!panels.Any(p => p.Lines.Length > 0)) return;
        w.WriteStartArray("shapes");
        for (int k = 0; k < panels.Length; k++)
            foreach (var line in panels[k].Lines)
            {
                // x in the axis's domain (0 = left edge, 1 = right edge), y in data units.
                w.WriteStartObject();
                w.WriteString("type", "line");
                w.WriteString("xref", $"x{Suffix(k)} domain");
                w.WriteNumber("x0", 0);
                w.WriteNumber("x1", 1);
                w.WriteString("yref", "y" + Suffix(k));
                Json.WriteNumber(w, "y0", line.Y);
                Json.WriteNumber(w, "y1", line.Y);
                w.WriteStartObject("line");
                w.WriteString("color", "gray");
                w.WriteNumber("width", 1.5);
                w.WriteString("dash", Json.Dash(line.Dash));
                w.WriteEndObject();
                w.WriteEndObject();
            }
        w.WriteEndArray();
    }

    void WriteAnnotations(Utf8JsonWriter w)
    {
        bool titles = IsGrid && panels.Any(p => p.Title is not null);
        if (!titles && !panels.Any(p => p.Lines.Any(l => l.Text is not null))) return;
        w.WriteStartArray("annotations");
        for (int k = 0; k < panels.Length; k++)
        {
            var p = panels[k];
            foreach (var line in p.Lines.Where(l => l.Text is not null))
            {
                w.WriteStartObject();
                w.WriteString("text", line.Text);
                w.WriteString("xref", $"x{Suffix(k)} domain");
                w.WriteNumber("x", 1);
                w.WriteString("xanchor", "right");
                w.WriteString("yref", "y" + Suffix(k));
                // Annotations, unlike shapes, take log10 of the value on a log axis.
                Json.WriteNumber(w, "y", p.Y.Log ? Math.Log10(line.Y) : line.Y);
                w.WriteString("yanchor", "bottom");
                w.WriteBoolean("showarrow", false);
                w.WriteString("bgcolor", "rgba(255,255,255,0.8)"); // readable where the label crosses a bar or a line
                w.WriteStartObject("font");
                w.WriteString("color", "gray");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            if (IsGrid && p.Title is not null)
            {
                w.WriteStartObject();
                w.WriteString("text", p.Title);
                w.WriteString("xref", $"x{Suffix(k)} domain");
                w.WriteNumber("x", 0.5);
                w.WriteString("xanchor", "center");
                w.WriteString("yref", $"y{Suffix(k)} domain");
                w.WriteNumber("y", 1);
                w.WriteString("yanchor", "bottom");
                w.WriteBoolean("showarrow", false);
                w.WriteStartObject("font");
                w.WriteNumber("size", 14);
                w.WriteEndObject();
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
    }

    const double GridXGap = 0.25, GridYGap = 0.3;

    /// <summary>
    /// Puts a heatmap's colour bar beside its own grid cell instead of at the figure's right edge, where the bars of
    /// several heatmaps would overlap. The cell's domain follows plotly.js's grid: with n cells and gap g, a step
    /// of 1/(n − g) and a cell width of (1 − g)/(n − g); rows count from the top.
    /// </summary>
    /// <summary>plotly.js's default colour sequence.</summary>
    static readonly string[] Colorway =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    void WriteColorBar(Utf8JsonWriter w, int k)
    {
        int rows = settings.GridRows, columns = settings.GridColumns;
        int row = k / columns, column = k % columns;
        double xStep = 1 / (columns - GridXGap), yStep = 1 / (rows - GridYGap);
        double xEnd = column * xStep + (1 - GridXGap) * xStep;
        double yStart = (rows - 1 - row) * yStep, yLength = (1 - GridYGap) * yStep;
        w.WriteStartObject("colorbar");
        Json.WriteNumber(w, "x", xEnd + 0.01);
        w.WriteString("xanchor", "left");
        Json.WriteNumber(w, "y", yStart + yLength / 2);
        w.WriteString("yanchor", "middle");
        Json.WriteNumber(w, "len", yLength);
        w.WriteNumber("thickness", 15);
        w.WriteEndObject();
    }

    /// <summary>One subplot: its traces, axes, reference lines, and its title when it sits in a grid.</summary>
    sealed record Panel(ImmutableArray<Trace> Traces, Axis X, Axis Y, ImmutableArray<HorizontalLine> Lines,
        string? Title = null);

    sealed record Axis(string? Title = null, bool Log = false, (double Min, double Max)? Range = null,
        bool Categories = false, bool Reversed = false, ImmutableArray<string>? TickLabels = null);

    sealed record HorizontalLine(double Y, string? Text, LineDash Dash);

    /// <summary>Figure-wide layout; GridRows is 0 for a single panel.</summary>
    /// <summary>A slider's label, its steps (label and figure) and the step shown first.</summary>
    sealed record SliderSpec(string Label, ImmutableArray<(string Step, Figure Frame)> Steps, int Active);

    sealed record Settings(string? Title = null, int? Width = null, int? Height = null, bool? ShowLegend = null,
        string? Subtitle = null, SliderSpec? Slider = null,
        int GridRows = 0, int GridColumns = 0);
}
