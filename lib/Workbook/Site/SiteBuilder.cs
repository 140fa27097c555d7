using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SequenceModels.Exercises;
using SequenceModels.Plotting;
using Workbook.Notebooks;

namespace Workbook.Site;

/// <summary>One notebook of the site: its page, title, sections, exercises, figures and run time.</summary>
/// <param name="Name">The notebook's file name without extension ("02-bptt-and-vanishing-gradients").</param>
/// <param name="Page">The page's file name in the site ("02-bptt-and-vanishing-gradients.html").</param>
/// <param name="Title">The notebook's "# " heading.</param>
/// <param name="Sections">Its "## " headings, in order.</param>
/// <param name="Exercises">Its exercises (id and title), in order.</param>
/// <param name="Figures">How many figures its outputs show.</param>
/// <param name="RunTime">How long it ran, when the runner recorded it.</param>
public sealed record SitePage(string Name, string Page, string Title, IReadOnlyList<string> Sections,
    IReadOnlyList<(string Id, string Title)> Exercises, int Figures, TimeSpan? RunTime);

/// <summary>Bad input to the site builder (a missing folder, no executed notebooks): the message names it.</summary>
public sealed class SiteException(string message) : Exception(message);

/// <summary>
/// The course as a static website, from executed notebooks: an index (the table of contents), one page per notebook
/// with previous/next links, equations typeset by KaTeX and figures drawn by plotly.js, both shipped in the site's
/// <c>assets/</c> folder, so it works offline, from <c>file://</c> and from any static server.
/// </summary>
public static class SiteBuilder
{
    /// <summary>The file, beside the executed notebooks, where the runner records each notebook's run time.</summary>
    public const string RunTimesFile = "run-times.json";

    /// <summary>The course's name, at the top of every page.</summary>
    public const string CourseTitle = "Sequence models, in C#";

    /// <summary>
    /// Builds the site from every <c>*.ipynb</c> in <paramref name="executedFolder"/> (in name order) into
    /// <paramref name="siteFolder"/>, which is replaced as a whole only when the new site is complete.
    /// </summary>
    public static IReadOnlyList<SitePage> Build(string executedFolder, string siteFolder)
    {
        if (!Directory.Exists(executedFolder))
            throw new SiteException($"{executedFolder}: no such folder (run the notebooks first: workbook run notebooks).");
        var files = Directory.GetFiles(executedFolder, "*.ipynb").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new SiteException($"{executedFolder}: no executed notebooks (*.ipynb) to build a site from (run: workbook run notebooks).");
        var times = ReadRunTimes(executedFolder);
        var notebooks = files.Select(NotebookDocument.Load).ToList();
        var pages = notebooks.Select(n => Describe(n, times.TryGetValue(n.Name, out var t) ? t : null)).ToList();
        var names = pages.ToDictionary(p => p.Name + ".ipynb", p => p.Page, StringComparer.Ordinal);

        var full = Path.GetFullPath(siteFolder);
        var parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        var work = Path.Combine(parent, $".{Path.GetFileName(full)}.building-{Environment.ProcessId}");
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(work);
        try
        {
            WriteAssets(Path.Combine(work, "assets"));
            File.WriteAllText(Path.Combine(work, "index.html"), Index(pages));
            for (int i = 0; i < pages.Count; i++)
            {
                var main = HtmlExport.Cells(notebooks[i], stripPlotly: true, link: href => Link(href, names));
                var nav = Navigation(pages, i);
                File.WriteAllText(Path.Combine(work, pages[i].Page),
                    HtmlExport.Page($"{pages[i].Title} · {CourseTitle}", Head, main, nav, nav.Replace("class=\"site-nav\"", "class=\"site-nav bottom\"")));
            }
            if (Directory.Exists(full)) Directory.Delete(full, recursive: true);
            Directory.Move(work, full);
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
        return pages;
    }

    /// <summary>Records run times (by notebook name) in <see cref="RunTimesFile"/>, keeping the other notebooks' times.</summary>
    public static void RecordRunTimes(string executedFolder, IEnumerable<(string Name, TimeSpan Duration)> runs)
    {
        var times = ReadRunTimes(executedFolder);
        foreach (var (name, duration) in runs) times[name] = duration;
        var json = new JsonObject();
        foreach (var (name, duration) in times.OrderBy(p => p.Key, StringComparer.Ordinal))
            json[name] = Math.Round(duration.TotalSeconds, 1);
        AtomicFile.WriteAllText(Path.Combine(executedFolder, RunTimesFile), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static Dictionary<string, TimeSpan> ReadRunTimes(string folder)
    {
        var path = Path.Combine(folder, RunTimesFile);
        var times = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        if (!File.Exists(path)) return times;
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is JsonObject o)
                foreach (var (name, value) in o)
                    if (value is JsonValue v && v.TryGetValue(out double seconds)) times[name] = TimeSpan.FromSeconds(seconds);
        }
        catch (JsonException e)
        {
            throw new SiteException($"{path}: not a JSON object of run times ({e.Message}).");
        }
        return times;
    }

    private static SitePage Describe(NotebookDocument notebook, TimeSpan? runTime)
    {
        var sections = notebook.Cells.Where(c => c.Type == "markdown")
            .SelectMany(c => c.Source.Split('\n'))
            .Where(l => l.StartsWith("## ", StringComparison.Ordinal)).Select(l => l[3..].Trim()).ToList();
        var titles = ExerciseCatalogue.All.ToDictionary(e => e.Id, e => e.Title);
        var exercises = notebook.Cells.SelectMany(c => c.Tags)
            .Where(t => t.StartsWith("exercise:", StringComparison.Ordinal)).Select(t => t["exercise:".Length..])
            .Select(id => (id, titles.TryGetValue(id, out var title) ? title : id)).ToList();
        return new SitePage(notebook.Name, notebook.Name + ".html", HtmlExport.Title(notebook), sections, exercises,
            FigureRenderer.Figures(notebook).Count, runTime);
    }

    /// <summary>A notebook link goes to its page; another relative link (a file of the repository) has no page.</summary>
    private static string? Link(string href, IReadOnlyDictionary<string, string> pages)
    {
        var hash = href.IndexOf('#');
        var (file, fragment) = hash < 0 ? (href, "") : (href[..hash], href[hash..]);
        return pages.TryGetValue(Path.GetFileName(file), out var page) && !file.Contains("..", StringComparison.Ordinal) ? page + fragment : null;
    }

    private static string Navigation(IReadOnlyList<SitePage> pages, int i)
    {
        var sb = new StringBuilder("<nav class=\"site-nav\">");
        sb.Append($"<a class=\"home\" href=\"index.html\">{Encode(CourseTitle)}</a>");
        sb.Append(i > 0 ? $"<a rel=\"prev\" href=\"{pages[i - 1].Page}\">← {Encode(pages[i - 1].Title)}</a>" : "<span></span>");
        sb.Append(i < pages.Count - 1 ? $"<a rel=\"next\" href=\"{pages[i + 1].Page}\">{Encode(pages[i + 1].Title)} →</a>" : "<span></span>");
        sb.Append("</nav>\n");
        return sb.ToString();
    }

    private static string Index(IReadOnlyList<SitePage> pages)
    {
        var main = new StringBuilder();
        main.Append($"<h1>{Encode(CourseTitle)}</h1>\n");
        main.Append("<p>The course's notebooks, executed: prose, code, outputs and figures. Figures with a slider can be played with here, without a kernel.</p>\n");
        main.Append("<table class=\"contents\">\n<thead><tr><th>Notebook</th><th>Exercises</th><th>Figures</th><th>Run time</th></tr></thead>\n<tbody>\n");
        foreach (var p in pages)
        {
            main.Append($"<tr><td><a href=\"{p.Page}\">{Encode(p.Title)}</a>");
            if (p.Sections.Count > 0)
                main.Append("<div class=\"sections\">").Append(string.Join(" · ", p.Sections.Select(s => Encode(StripMarkdown(s))))).Append("</div>");
            main.Append("</td><td>");
            main.Append(p.Exercises.Count == 0 ? "—" : string.Join("<br>", p.Exercises.Select(e => $"{Encode(e.Id)} {Encode(e.Title)}")));
            main.Append($"</td><td class=\"number\">{p.Figures}</td><td class=\"number\">");
            main.Append(p.RunTime is { } t ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "—");
            main.Append("</td></tr>\n");
        }
        main.Append("</tbody>\n</table>\n");
        var total = pages.Where(p => p.RunTime is not null).Sum(p => p.RunTime!.Value.TotalSeconds);
        main.Append($"<p class=\"totals\">{pages.Count} notebooks, {pages.Sum(p => p.Exercises.Count)} exercises, {pages.Sum(p => p.Figures)} figures");
        if (pages.All(p => p.RunTime is not null)) main.Append($", {total.ToString("0", CultureInfo.InvariantCulture)} s to run them all");
        main.Append(".</p>\n");
        return HtmlExport.Page(CourseTitle, Head, main.ToString(), "", "");
    }

    // Headings keep their markdown (`code`, $maths$, *emphasis*) in the notebook; in the contents plain text reads better.
    private static string StripMarkdown(string heading) => heading.Replace("`", "").Replace("*", "").Replace("$", "");

    private const string Head = """
        <link rel="stylesheet" href="assets/site.css">
        <link rel="stylesheet" href="assets/katex/katex.min.css">
        <script src="assets/plotly.min.js"></script>
        <script src="assets/katex/katex.min.js"></script>
        <script src="assets/typeset.js"></script>

        """;

    private static void WriteAssets(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "katex", "fonts"));
        File.WriteAllText(Path.Combine(folder, "site.css"), HtmlExport.Style + "\n" + SiteStyle);
        File.WriteAllText(Path.Combine(folder, "plotly.min.js"), Figure.PlotlyScript);
        File.WriteAllText(Path.Combine(folder, "typeset.js"), WebAssets.TypesetScript);
        foreach (var file in WebAssets.KatexFiles.Where(f => f != "katex.min.css"))
            File.WriteAllBytes(Path.Combine(folder, "katex", file), WebAssets.Katex(file));
        File.WriteAllText(Path.Combine(folder, "katex", "katex.min.css"), WebAssets.KatexCss());
    }

    private static string Encode(string text) => HtmlExport.Encode(text);

    private const string SiteStyle = """
        nav.site-nav { max-width: 1000px; margin: 0 auto; padding: 10px 24px; display: flex; gap: 16px; justify-content: space-between; background: #f6f8fa; border-bottom: 1px solid #d0d7de; font-size: 14px; }
        nav.site-nav.bottom { border-top: 1px solid #d0d7de; border-bottom: none; }
        nav.site-nav a { color: #0969da; text-decoration: none; }
        nav.site-nav a.home { font-weight: 600; }
        table.contents { width: 100%; margin: 16px 0; } table.contents td { vertical-align: top; padding: 6px 8px; }
        table.contents .sections { color: #57606a; font-size: 13px; margin-top: 4px; }
        td.number { text-align: right; white-space: nowrap; }
        .repo-link { border-bottom: 1px dotted #6e7781; }
        """;
}
