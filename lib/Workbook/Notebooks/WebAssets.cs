using System.Text;
using System.Text.RegularExpressions;

namespace Workbook.Notebooks;

/// <summary>
/// KaTeX (npm katex, pinned by lib/Workbook/package-lock.json), embedded in the runner: equations typeset with no
/// network, in the exported pages (inlined) and in the site (as files).
/// </summary>
public static partial class WebAssets
{
    /// <summary>The KaTeX release.</summary>
    public const string KatexVersion = "0.16.22";

    /// <summary>Every KaTeX file the pages use, by path relative to a <c>katex/</c> folder (<c>katex.min.js</c>,
    /// <c>katex.min.css</c>, <c>fonts/KaTeX_Main-Regular.woff2</c>, …).</summary>
    public static IReadOnlyList<string> KatexFiles { get; } = typeof(WebAssets).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("katex/", StringComparison.Ordinal)).Select(n => n["katex/".Length..]).Order(StringComparer.Ordinal).ToList();

    /// <summary>The bytes of one KaTeX file (a path from <see cref="KatexFiles"/>).</summary>
    public static byte[] Katex(string file)
    {
        using var stream = typeof(WebAssets).Assembly.GetManifestResourceStream("katex/" + file)
            ?? throw new InvalidOperationException($"katex/{file} is not embedded in the workbook; rebuild it (the build runs npm ci in lib/Workbook).");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// katex.min.css for a page that links its fonts from <c>fonts/</c> beside it: only the woff2 fonts, which
    /// every current browser reads (the woff and ttf fallbacks are not shipped).
    /// </summary>
    public static string KatexCss() => FontSources().Replace(Encoding.UTF8.GetString(Katex("katex.min.css")),
        m => $"src:url(fonts/{m.Groups[1].Value}.woff2) format(\"woff2\")");

    /// <summary>katex.min.css with its woff2 fonts inlined as data URLs, for a page that must stand alone.</summary>
    public static string KatexCssInline() => FontSources().Replace(Encoding.UTF8.GetString(Katex("katex.min.css")),
        m => $"src:url(data:font/woff2;base64,{Convert.ToBase64String(Katex($"fonts/{m.Groups[1].Value}.woff2"))}) format(\"woff2\")");

    /// <summary>
    /// Typesets every equation of the page (<c>span.math</c> with <c>\(…\)</c>, <c>span.math.display</c> with <c>\[…\]</c>)
    /// with KaTeX, leaving the TeX in place where KaTeX is missing.
    /// </summary>
    public const string TypesetScript = """
        (function () {
          function typeset() {
            if (!window.katex) return;
            var nodes = document.querySelectorAll(".math");
            for (var i = 0; i < nodes.length; i++) {
              var el = nodes[i], tex = el.textContent.trim(), display = el.classList.contains("display");
              if ((tex.indexOf("\\(") === 0 && tex.slice(-2) === "\\)") || (tex.indexOf("\\[") === 0 && tex.slice(-2) === "\\]"))
                tex = tex.slice(2, -2);
              katex.render(tex, el, { displayMode: display, throwOnError: false });
            }
          }
          if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", typeset);
          else typeset();
        })();
        """;

    // One @font-face src list: the woff2 url first, then woff and ttf fallbacks.
    [GeneratedRegex("""src:url\(fonts/([A-Za-z0-9_-]+)\.woff2\) format\("woff2"\)(,url\([^)]*\) format\("[a-z]+"\))*""")]
    private static partial Regex FontSources();
}
