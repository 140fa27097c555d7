using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.DotNet.Interactive.Formatting;

namespace SequenceModels;

/// <summary>
/// How notebooks show MathNet matrices: a compact table with the shape in its caption (text/html) and MathNet's own
/// text (text/plain), instead of the Formatting library's dump of the object's properties. Registered when the library
/// is first used, in Polyglot Notebooks and in the headless runner alike.
/// </summary>
public static class MatrixFormatting
{
    /// <summary>Rows and columns shown before the middle is elided with "…".</summary>
    public const int MaxShown = 12;

    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "The notebook kernel shows library types through formatters registered when the library loads.")]
    internal static void Register()
    {
        Formatter.Register<Matrix<double>>((m, writer) => writer.Write(ToHtml(m)), HtmlFormatter.MimeType);
        Formatter.Register<Matrix<double>>((m, writer) => writer.Write(m.ToString(MaxShown, MaxShown, "G6", CultureInfo.InvariantCulture)), PlainTextFormatter.MimeType);
        Formatter.Register<Matrix<float>>((m, writer) => writer.Write(ToHtml(m)), HtmlFormatter.MimeType);
        Formatter.Register<Matrix<float>>((m, writer) => writer.Write(m.ToString(MaxShown, MaxShown, "G6", CultureInfo.InvariantCulture)), PlainTextFormatter.MimeType);
    }

    /// <summary>An HTML table of the matrix (at most <see cref="MaxShown"/> rows and columns, 4 significant digits).</summary>
    public static string ToHtml<T>(Matrix<T> m) where T : struct, IEquatable<T>, IFormattable
    {
        var rows = Shown(m.RowCount);
        var columns = Shown(m.ColumnCount);
        var html = new StringBuilder();
        html.Append("<table style=\"font-family:monospace;border-collapse:collapse\"><caption style=\"text-align:left\">");
        html.Append($"{WebUtility.HtmlEncode(typeof(T).Name)} matrix {m.RowCount} × {m.ColumnCount}</caption>");
        foreach (var i in rows)
        {
            html.Append("<tr>");
            foreach (var j in columns)
            {
                var text = i < 0 ? (j < 0 ? "⋱" : "⋮") : j < 0 ? "…" : m[i, j].ToString("G4", CultureInfo.InvariantCulture);
                html.Append("<td style=\"padding:1px 6px;text-align:right\">").Append(WebUtility.HtmlEncode(text)).Append("</td>");
            }
            html.Append("</tr>");
        }
        return html.Append("</table>").ToString();
    }

    /// <summary>The indices to show; −1 stands for the elided middle.</summary>
    private static IEnumerable<int> Shown(int count) =>
        count <= MaxShown
            ? Enumerable.Range(0, count)
            : Enumerable.Range(0, MaxShown / 2).Append(-1).Concat(Enumerable.Range(count - MaxShown / 2, MaxShown / 2));
}
