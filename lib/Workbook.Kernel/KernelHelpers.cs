using Microsoft.AspNetCore.Html;
using Workbook.Kernel;

// The helpers the Polyglot Notebooks C# kernel gives every cell (display, HTML, x.Display()), under the same names and
// namespace, so a notebook runs unchanged in VS Code and in the headless runner.
namespace Microsoft.DotNet.Interactive
{
    /// <summary>Helpers imported into every cell with <c>using static Microsoft.DotNet.Interactive.Kernel;</c>.</summary>
    public static class Kernel
    {
        /// <summary>Displays a value below the cell, formatted for the given MIME types (default: its preferred ones).</summary>
        public static DisplayedValue display(object? value, params string[] mimeTypes) =>
            OutputSink.Current.Display(value, mimeTypes);

        /// <summary>Wraps a string so that it is displayed as HTML.</summary>
        public static IHtmlContent HTML(string content) => new HtmlString(content);
    }

    /// <summary>The extension method form: <c>value.Display()</c>.</summary>
    public static class DisplayExtensions
    {
        /// <summary>Displays a value below the cell, formatted for the given MIME types (default: its preferred ones).</summary>
        public static DisplayedValue Display(this object? value, params string[] mimeTypes) =>
            OutputSink.Current.Display(value, mimeTypes);

        /// <summary>Displays a string as content of the given MIME type (for example <c>"text/markdown"</c>).</summary>
        public static DisplayedValue DisplayAs(this string value, string mimeType) =>
            OutputSink.Current.DisplayRaw(value, mimeType);
    }

    /// <summary>A displayed output that can be replaced in place.</summary>
    public sealed class DisplayedValue
    {
        internal DisplayedValue(string displayId, string[] mimeTypes) => (DisplayId, MimeTypes) = (displayId, mimeTypes);

        /// <summary>The id the output carries in the notebook.</summary>
        public string DisplayId { get; }

        internal string[] MimeTypes { get; }

        /// <summary>Replaces the displayed value.</summary>
        public void Update(object? value) => OutputSink.Current.Update(this, value);
    }
}
