using System.Globalization;
using System.Text.Json;

namespace SequenceModels.Plotting;

/// <summary>How a line trace draws its points (plotly.js <c>scatter.mode</c>).</summary>
public enum ScatterMode
{
    /// <summary>Points joined by lines (<c>lines</c>).</summary>
    Lines,
    /// <summary>Points only (<c>markers</c>).</summary>
    Markers,
    /// <summary>Points joined by lines, with a marker on each (<c>lines+markers</c>).</summary>
    LinesAndMarkers,
}

/// <summary>The dash pattern of a line (plotly.js <c>line.dash</c>).</summary>
public enum LineDash
{
    /// <summary>A continuous line.</summary>
    Solid,
    /// <summary>Dashes.</summary>
    Dash,
    /// <summary>Dots.</summary>
    Dot,
    /// <summary>Dashes and dots.</summary>
    DashDot,
}

/// <summary>One plotly.js trace. The figure writes <c>xaxis</c>/<c>yaxis</c>; the trace writes the rest.</summary>
internal abstract class Trace(string? name)
{
    public string? Name { get; } = name;

    /// <summary>
    /// Writes the trace's own fields into an open JSON object; <paramref name="color"/>, when given, fixes the colour
    /// (a grid gives a series the same colour in every panel).
    /// </summary>
    public abstract void Write(Utf8JsonWriter w, string? color = null);

    /// <summary>One line for the text/plain description.</summary>
    public abstract string Describe();

    /// <summary>A named trace gets a legend entry; an unnamed one none (plotly.js would show "trace 3").</summary>
    protected void WriteName(Utf8JsonWriter w)
    {
        if (Name is null) w.WriteBoolean("showlegend", false);
        else w.WriteString("name", Name);
    }

    protected string Named(string kind) => Name is null ? kind : $"{kind} \"{Name}\"";
}

/// <summary>A <c>scatter</c> trace: lines, markers or both; optional symmetric error bars on y.</summary>
internal sealed class ScatterTrace(string? name, double[]? x, double[] y, ScatterMode mode, LineDash dash, double? width,
    double[]? errorY, string? ownColor = null) : Trace(name)
{
    /// <summary>The colour the caller chose, which wins over a grid's series colour.</summary>
    public string? OwnColor { get; } = ownColor;

    public double[]? X { get; } = x;
    public double[] Y { get; } = y;

    public override void Write(Utf8JsonWriter w, string? color = null)
    {
        color = OwnColor ?? color;
        w.WriteString("type", "scatter");
        WriteName(w);
        w.WriteString("mode", mode switch
        {
            ScatterMode.Markers => "markers",
            ScatterMode.LinesAndMarkers => "lines+markers",
            _ => "lines",
        });
        if (X is not null) Json.WriteNumbers(w, "x", X);
        Json.WriteNumbers(w, "y", Y);
        if (dash != LineDash.Solid || width is not null || color is not null)
        {
            w.WriteStartObject("line");
            if (color is not null) w.WriteString("color", color);
            if (dash != LineDash.Solid) w.WriteString("dash", Json.Dash(dash));
            if (width is double lw) Json.WriteNumber(w, "width", lw);
            w.WriteEndObject();
        }
        if (color is not null)
        {
            w.WriteStartObject("marker");
            w.WriteString("color", color);
            w.WriteEndObject();
        }
        Json.WriteErrorBars(w, "error_y", errorY);
    }

    public override string Describe()
    {
        var kind = mode == ScatterMode.Markers ? "scatter" : "line";
        var xPart = X is null ? "" : $", x {Summary.Range(X)}";
        var errors = errorY is null ? "" : ", with error bars";
        return $"{Named(kind)}: {Summary.Count(Y, "point")}{xPart}, y {Summary.Range(Y)}{errors}";
    }
}

/// <summary>A <c>bar</c> trace: one bar per label, vertical or horizontal. Several bar traces are grouped.</summary>
internal sealed class BarTrace(string? name, string[] labels, double[] values, bool horizontal, double[]? error = null)
    : Trace(name)
{
    public override void Write(Utf8JsonWriter w, string? color = null)
    {
        w.WriteString("type", "bar");
        WriteName(w);
        if (color is not null)
        {
            w.WriteStartObject("marker");
            w.WriteString("color", color);
            w.WriteEndObject();
        }
        if (horizontal)
        {
            w.WriteString("orientation", "h");
            Json.WriteNumbers(w, "x", values);
            Json.WriteStrings(w, "y", labels);
            Json.WriteErrorBars(w, "error_x", error);
        }
        else
        {
            w.WriteString("orientation", "v");
            Json.WriteStrings(w, "x", labels);
            Json.WriteNumbers(w, "y", values);
            Json.WriteErrorBars(w, "error_y", error);
        }
    }

    public override string Describe() =>
        $"{Named(horizontal ? "horizontal bar" : "bar")}: {Summary.Count(values, "bar")}, values {Summary.Range(values)}"
        + (error is null ? "" : ", with error bars");
}

/// <summary>
/// A <c>heatmap</c> trace. <c>z</c> is written row by row, so row i of the matrix is the i-th y label.
/// </summary>
internal sealed class HeatmapTrace(double[][] z, string[]? x, string[]? y, string colorscale, double? zmin, double? zmax,
    string? valueFormat) : Trace(null)
{
    public int Rows => z.Length;
    public int Columns => z.Length == 0 ? 0 : z[0].Length;

    public override void Write(Utf8JsonWriter w, string? color = null)
    {
        w.WriteString("type", "heatmap");
        w.WriteStartArray("z");
        foreach (var row in z) Json.WriteNumberArray(w, row);
        w.WriteEndArray();
        if (x is not null) Json.WriteStrings(w, "x", x);
        if (y is not null) Json.WriteStrings(w, "y", y);
        if (LightToDark.TryGetValue(colorscale, out var stops))
        {
            w.WriteStartArray("colorscale");
            for (int i = 0; i < stops.Length; i++)
            {
                w.WriteStartArray();
                Json.WriteNumberValue(w, i / (double)(stops.Length - 1));
                w.WriteStringValue(stops[i]);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        else w.WriteString("colorscale", colorscale);
        if (zmin is double lo) Json.WriteNumber(w, "zmin", lo);
        if (zmax is double hi) Json.WriteNumber(w, "zmax", hi);
        if (valueFormat is not null) w.WriteString("texttemplate", "%{z:" + valueFormat + "}");
    }

    /// <summary>ColorBrewer's 9-class single-hue scales, white (low) to dark (high).</summary>
    static readonly Dictionary<string, string[]> LightToDark = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Blues"] = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"],
        ["Greens"] = ["#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#006d2c", "#00441b"],
        ["Greys"] = ["#ffffff", "#f0f0f0", "#d9d9d9", "#bdbdbd", "#969696", "#737373", "#525252", "#252525", "#000000"],
        ["Oranges"] = ["#fff5eb", "#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801", "#a63603", "#7f2704"],
        ["Purples"] = ["#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#54278f", "#3f007d"],
        ["Reds"] = ["#fff5f0", "#fee0d2", "#fcbba1", "#fc9272", "#fb6a4a", "#ef3b2c", "#cb181d", "#a50f15", "#67000d"],
    };

    public override string Describe() =>
        $"heatmap {Rows} × {Columns}, z {Summary.Range(z.SelectMany(r => r).ToArray())}, colorscale {colorscale}";
}

/// <summary>Number formatting for the JSON (rounded, invariant, NaN/∞ as null).</summary>
internal static class Json
{
    /// <summary>
    /// Rounds to 7 significant digits (float precision, far below what a screen can show) so the JSON stays small
    /// and float inputs print as typed (0.1f, not 0.10000000149011612). Whole numbers are kept exactly.
    /// </summary>
    public static double Round(double v)
    {
        if (v == 0) return 0; // also turns -0 into 0
        if (double.IsInteger(v)) return v;
        return double.Parse(v.ToString("G7", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    public static void WriteNumberValue(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v)) w.WriteNumberValue(Round(v));
        else w.WriteNullValue(); // JSON has no NaN or ∞; plotly.js leaves a gap at null
    }

    public static void WriteNumber(Utf8JsonWriter w, string name, double v)
    {
        w.WritePropertyName(name);
        WriteNumberValue(w, v);
    }

    public static void WriteNumberArray(Utf8JsonWriter w, IEnumerable<double> values)
    {
        w.WriteStartArray();
        foreach (var v in values) WriteNumberValue(w, v);
        w.WriteEndArray();
    }

    public static void WriteNumbers(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WritePropertyName(name);
        WriteNumberArray(w, values);
    }

    /// <summary>Symmetric error bars from the given half-widths; nothing when there are none.</summary>
    public static void WriteErrorBars(Utf8JsonWriter w, string name, double[]? halfWidths)
    {
        if (halfWidths is null) return;
        w.WriteStartObject(name);
        w.WriteString("type", "data");
        WriteNumbers(w, "array", halfWidths);
        w.WriteBoolean("visible", true);
        w.WriteEndObject();
    }

    public static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var s in values) w.WriteStringValue(s);
        w.WriteEndArray();
    }

    public static string Dash(LineDash dash) => dash switch
    {
        LineDash.Dash => "dash",
        LineDash.Dot => "dot",
        LineDash.DashDot => "dashdot",
        _ => "solid",
    };
}

/// <summary>Short numeric summaries for the text/plain description.</summary>
internal static class Summary
{
    public static string Number(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    public static string Count(double[] values, string noun)
    {
        int missing = values.Count(v => !double.IsFinite(v));
        var text = $"{values.Length} {noun}{(values.Length == 1 ? "" : "s")}";
        return missing == 0 ? text : $"{text} ({missing} NaN/∞)";
    }

    /// <summary>The range of the finite values, "min … max", or "none" when there are none.</summary>
    public static string Range(double[] values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? "none" : $"{Number(finite.Min())} … {Number(finite.Max())}";
    }
}
