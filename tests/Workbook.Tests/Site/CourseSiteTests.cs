using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Workbook.Commands;
using Workbook.Notebooks;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Site;

/// <summary>
/// The whole course, executed once (every notebook, with PNGs), and its website, checked in one headless Chromium
/// with the network blocked. COURSENOTEBOOKS_EXECUTED may name a folder already made by
/// <c>workbook run notebooks --out FOLDER</c>, to check it without running the notebooks again.
/// </summary>
public sealed class CourseSiteFixture : IAsyncLifetime
{
    private DirectoryInfo? _temp;

    /// <summary>The executed notebooks (and their exported pages).</summary>
    public string Executed { get; private set; } = "";

    /// <summary>The site built from them by <c>workbook site</c>.</summary>
    public string Site { get; private set; } = "";

    public string RunOutput { get; private set; } = "";

    public Browser? Browser { get; private set; }

    public string? Missing { get; private set; }

    public async Task InitializeAsync()
    {
        var (_, missing) = FigureRenderer.Find(Fixtures.RepoRoot);
        if (missing is not null)
        {
            Missing = missing;
            return;
        }
        _temp = Directory.CreateTempSubdirectory("workbook-site-tests-");
        if (Environment.GetEnvironmentVariable("COURSENOTEBOOKS_EXECUTED") is { Length: > 0 } given)
            Executed = given;
        else
        {
            // The course runs the other notebook tests share, written out as the main job writes them (PNGs, pages).
            Executed = Path.Combine(_temp.FullName, "executed");
            var (renderer, _) = FigureRenderer.Find(Fixtures.RepoRoot);
            var plotly = await File.ReadAllTextAsync(PlotlyScript.Find(Fixtures.RepoRoot)!);
            var stderr = new StringWriter();
            var runs = new List<(string, TimeSpan)>();
            foreach (var name in Directory.GetFiles(CourseRuns.NotebooksFolder, "*.ipynb").Select(Path.GetFileName).Order(StringComparer.Ordinal))
            {
                var result = await CourseRuns.UnfinishedAsync(name!);
                var output = Path.Combine(Executed, name!);
                await RunCommand.WriteAsync(result.Executed.Clone(output), output, renderer, plotly, stderr, CancellationToken.None);
                runs.Add((Path.GetFileNameWithoutExtension(name!), result.Duration));
            }
            Workbook.Site.SiteBuilder.RecordRunTimes(Executed, runs);
            RunOutput = stderr.ToString();
        }
        Site = Path.Combine(_temp.FullName, "site");
        var siteOut = new StringWriter();
        var siteErr = new StringWriter();
        if (SiteCommand.Run(Executed, Site, siteOut, siteErr) != 0) throw new InvalidOperationException(siteErr.ToString());
        Browser = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        try
        {
            _temp?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still hold a file for a moment
        }
    }
}

public sealed class CourseSiteTests(CourseSiteFixture course) : IClassFixture<CourseSiteFixture>
{
    private static readonly string[] SliderNotebooks = ["02-", "04-", "05-", "08-"];

    private IEnumerable<NotebookDocument> ExecutedNotebooks() =>
        Directory.GetFiles(course.Executed, "*.ipynb").Order(StringComparer.Ordinal).Select(NotebookDocument.Load);

    private IReadOnlyList<string> SitePages() =>
        Directory.GetFiles(course.Site, "*.html").Order(StringComparer.Ordinal).ToList();

    private Browser Chromium()
    {
        Assert.True(course.Browser is not null, course.Missing);
        return course.Browser!;
    }

    [BrowserFact]
    public void Every_notebook_ran_and_every_figure_carries_its_png()
    {
        Chromium();
        var notebooks = ExecutedNotebooks().ToList();
        Assert.Equal(Directory.GetFiles(Path.Combine(Fixtures.RepoRoot, "notebooks"), "*.ipynb").Length, notebooks.Count);
        foreach (var notebook in notebooks)
        {
            var errors = notebook.CodeCells.SelectMany(c => c.Outputs.OfType<JsonObject>()).Count(o => (string?)o["output_type"] == "error");
            Assert.True(errors == 0, $"{notebook.Name} has {errors} error output(s)\n{course.RunOutput}");
            var figureOutputs = notebook.CodeCells.SelectMany(c => c.Outputs.OfType<JsonObject>())
                .Where(o => o["data"]?["text/html"] is { } h && NotebookCell.JoinLines(h).Contains("class=\"sm-figure-json\"")).ToList();
            Assert.NotEmpty(figureOutputs);
            foreach (var output in figureOutputs)
            {
                var png = Convert.FromBase64String((string?)output["data"]!["image/png"] ?? throw new Xunit.Sdk.XunitException($"{notebook.Name}: a figure has no image/png"));
                Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
                Assert.Contains("<img class=\"sm-figure-png\" src=\"data:image/png;base64,", NotebookCell.JoinLines(output["data"]!["text/html"]));
                Assert.NotNull(output["data"]!["text/plain"]);
            }
        }
    }

    [BrowserFact]
    public async Task Nbconvert_without_scripts_shows_every_figure_as_an_image()
    {
        var browser = Chromium();
        var nbconvert = new[] { "/usr/bin/jupyter-nbconvert", "/usr/local/bin/jupyter-nbconvert" }.FirstOrDefault(File.Exists);
        Assert.True(nbconvert is not null, "jupyter-nbconvert not found (apt-get install jupyter-nbconvert; .ci/run does)");
        var folder = Directory.CreateTempSubdirectory("workbook-nbconvert-");
        try
        {
            var notebooks = ExecutedNotebooks().ToList();
            var info = new ProcessStartInfo(nbconvert) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "--to", "html", "--output-dir", folder.FullName }.Concat(notebooks.Select(n => n.Path))) info.ArgumentList.Add(a);
            using (var process = Process.Start(info)!)
            {
                var stderr = process.StandardError.ReadToEndAsync();
                await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                Assert.True(process.ExitCode == 0, await stderr);
            }
            var problems = new List<string>();
            var page = await browser.NewPageAsync(problems, javaScript: false);
            foreach (var notebook in notebooks)
            {
                await page.GotoAsync(new Uri(Path.Combine(folder.FullName, notebook.Name + ".html")).AbsoluteUri);
                var shown = await page.EvaluateAsync<int>(
                    "() => Array.from(document.querySelectorAll('img.sm-figure-png')).filter(i => i.complete && i.naturalWidth > 100).length");
                Assert.Equal(FigureRenderer.Figures(notebook).Count, shown);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [BrowserTheory]
    [InlineData("file")]
    [InlineData("http")]
    public async Task Every_site_page_loads_offline_with_figures_drawn_equations_typeset_and_links_resolving(string scheme)
    {
        var browser = Chromium();
        using var server = scheme == "http" ? new StaticServer(course.Site) : null;
        string Address(string file) => server is null
            ? new Uri(file).AbsoluteUri
            : $"{server.Origin}/{Uri.EscapeDataString(Path.GetFileName(file))}";
        var problems = new List<string>();
        var page = await browser.NewPageAsync(problems, allowedOrigin: server?.Origin);
        var pages = SitePages();
        Assert.Contains(pages, p => Path.GetFileName(p) == "index.html");
        Assert.Equal(ExecutedNotebooks().Count() + 1, pages.Count);
        foreach (var file in pages)
        {
            problems.Clear();
            await page.GotoAsync(Address(file), new PageGotoOptions { WaitUntil = WaitUntilState.Load });
            var (figures, drawn) = await Browser.WaitForFiguresAsync(page);
            Assert.True(figures == drawn, $"{Path.GetFileName(file)}: {drawn} of {figures} figures drawn; {string.Join("; ", problems)}");
            if (Path.GetFileName(file) != "index.html") Assert.True(figures > 0, $"{Path.GetFileName(file)} shows no figure");
            var equations = await page.EvaluateAsync<int[]>("() => [document.querySelectorAll('.math').length, document.querySelectorAll('.math .katex').length, document.querySelectorAll('.katex-error').length]");
            Assert.True(equations[0] == equations[1] && equations[2] == 0,
                $"{Path.GetFileName(file)}: {equations[1]} of {equations[0]} equations typeset, {equations[2]} KaTeX errors");
            var raw = await page.EvaluateAsync<string[]>("""
                () => {
                  const main = document.querySelector('main').cloneNode(true);
                  main.querySelectorAll('pre, code, .katex, .sm-figure').forEach(e => e.remove());
                  return main.textContent.match(/\$[^$\n]+\$/g) || [];
                }
                """);
            Assert.True(raw.Length == 0, $"{Path.GetFileName(file)}: TeX left as text: {string.Join(" | ", raw.Take(5))}");
            var links = await page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)");
            foreach (var link in links) AssertResolves(Path.GetFileName(file), link, server?.Origin);
            Assert.True(problems.Count == 0, $"{Path.GetFileName(file)}: {string.Join("; ", problems)}");
        }
    }

    /// <summary>An internal link names a file of the site and, after #, an element id of that page.</summary>
    private void AssertResolves(string from, string link, string? origin)
    {
        var uri = new Uri(link);
        bool internalLink = origin is null ? uri.Scheme == "file" : link.StartsWith(origin, StringComparison.Ordinal);
        if (!internalLink) return;
        var relative = Uri.UnescapeDataString(origin is null ? Path.GetRelativePath(course.Site, uri.LocalPath) : uri.AbsolutePath.TrimStart('/'));
        var target = Path.Combine(course.Site, relative.Length == 0 ? "index.html" : relative);
        Assert.True(File.Exists(target), $"{from}: the link {link} leads nowhere");
        if (uri.Fragment.Length > 1)
        {
            var id = Uri.UnescapeDataString(uri.Fragment[1..]);
            Assert.True(File.ReadAllText(target).Contains($"id=\"{System.Net.WebUtility.HtmlEncode(id)}\"", StringComparison.Ordinal),
                $"{from}: the link {link} names no element of {Path.GetFileName(target)}");
        }
    }

    [BrowserFact]
    public async Task No_figure_has_text_that_overlaps_other_text()
    {
        var browser = Chromium();
        var problems = new List<string>();
        var page = await browser.NewPageAsync(problems);
        var overlaps = new List<string>();
        int checkedFigures = 0;
        foreach (var file in SitePages().Where(p => Path.GetFileName(p) != "index.html"))
        {
            await page.GotoAsync(new Uri(file).AbsoluteUri);
            await Browser.WaitForFiguresAsync(page);
            var found = await page.EvaluateAsync<string[]>(OverlapScript);
            checkedFigures += await page.EvaluateAsync<int>("() => document.querySelectorAll('.sm-figure .plot-container').length");
            overlaps.AddRange(found.Select(o => $"{Path.GetFileName(file)}: {o}"));
        }
        Assert.True(checkedFigures > 40, $"only {checkedFigures} figures were checked");
        Assert.True(overlaps.Count == 0, string.Join("\n", overlaps));
    }

    /// <summary>
    /// For each drawn figure: titles, axis titles, annotations (a grid's panel titles, line labels) and legend entries
    /// must not overlap one another or any tick label (boxes from the SVG, 1 px of slack).
    /// </summary>
    internal const string OverlapScript = """
        () => {
          const found = [];
          document.querySelectorAll('.sm-figure .plot-container').forEach(container => {
            const svg = container.querySelector('.main-svg') ? container : null;
            if (!svg) return;
            const title = (container.querySelector('text.gtitle') || {}).textContent || '(untitled)';
            const box = e => { const r = e.getBoundingClientRect(); return { x0: r.left, x1: r.right, y0: r.top, y1: r.bottom, text: e.textContent.trim() }; };
            const visible = b => b.text.length > 0 && b.x1 - b.x0 > 0 && b.y1 - b.y0 > 0;
            const labels = Array.from(container.querySelectorAll('text.gtitle, text.gtitle-subtitle, text[class$="title"], g.annotation text, text.legendtext'))
              .map(box).filter(visible);
            const ticks = Array.from(container.querySelectorAll('g[class$="tick"] text, g[class*="tick2"] text')).map(box).filter(visible);
            const hit = (a, b) => Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 1 && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 1;
            const seen = new Set();
            for (let i = 0; i < labels.length; i++) {
              for (let j = i + 1; j < labels.length; j++)
                if (hit(labels[i], labels[j])) seen.add(`"${labels[i].text}" overlaps "${labels[j].text}"`);
              for (const t of ticks)
                if (hit(labels[i], t)) seen.add(`"${labels[i].text}" overlaps tick label "${t.text}"`);
            }
            seen.forEach(s => found.push(`figure "${title}": ${s}`));
          });
          return found;
        }
        """;

    [BrowserFact]
    public async Task The_interactive_figures_change_when_their_slider_moves()
    {
        var browser = Chromium();
        var problems = new List<string>();
        var page = await browser.NewPageAsync(problems);
        foreach (var prefix in SliderNotebooks)
        {
            var file = SitePages().Single(p => Path.GetFileName(p).StartsWith(prefix, StringComparison.Ordinal));
            await page.GotoAsync(new Uri(file).AbsoluteUri);
            await Browser.WaitForFiguresAsync(page);
            int sliders = await page.EvaluateAsync<int>("() => Array.from(document.querySelectorAll('.sm-figure-plot')).filter(g => g.layout && g.layout.sliders && g.layout.sliders.length).length");
            Assert.True(sliders >= 1, $"{Path.GetFileName(file)} has no figure with a slider");
            for (int k = 0; k < sliders; k++)
            {
                var before = await page.EvaluateAsync<string>(SliderState, k);
                // Click the right end of the slider's rail, as a reader would: the slider jumps to its last step.
                var rail = await page.EvaluateAsync<double[]>("""
                    (k) => {
                      const gd = Array.from(document.querySelectorAll('.sm-figure-plot')).filter(g => g.layout && g.layout.sliders && g.layout.sliders.length)[k];
                      gd.scrollIntoView();
                      const r = gd.querySelector('.slider-rail-rect').getBoundingClientRect();
                      return [r.right - 2, r.top + r.height / 2];
                    }
                    """, k);
                await page.Mouse.ClickAsync((float)rail[0], (float)rail[1]);
                await page.WaitForFunctionAsync($"(k) => ({SliderState})(k) !== {System.Text.Json.JsonSerializer.Serialize(before)}", k,
                    new PageWaitForFunctionOptions { Timeout = 10_000 });
                var after = await page.EvaluateAsync<string>(SliderState, k);
                Assert.NotEqual(before, after);
                var active = await page.EvaluateAsync<int[]>("""
                    (k) => {
                      const gd = Array.from(document.querySelectorAll('.sm-figure-plot')).filter(g => g.layout && g.layout.sliders && g.layout.sliders.length)[k];
                      return [gd.layout.sliders[0].active, gd.layout.sliders[0].steps.length];
                    }
                    """, k);
                Assert.Equal(active[1] - 1, active[0]);
            }
            Assert.True(problems.Count == 0, $"{Path.GetFileName(file)}: {string.Join("; ", problems)}");
        }
    }

    // What the k-th slider figure shows: its traces' values and its title.
    private const string SliderState = """
        (k) => {
          const gd = Array.from(document.querySelectorAll('.sm-figure-plot')).filter(g => g.layout && g.layout.sliders && g.layout.sliders.length)[k];
          return JSON.stringify([gd.data.map(t => [t.x, t.y]), gd.layout.title && gd.layout.title.text]);
        }
        """;

    [BrowserFact]
    public async Task The_exported_page_and_a_notebook_like_page_of_outputs_draw_every_figure_offline()
    {
        var browser = Chromium();
        var notebook = ExecutedNotebooks().First(n => n.Name.StartsWith("02-", StringComparison.Ordinal));
        var figures = FigureRenderer.Figures(notebook).Count;
        var problems = new List<string>();
        var page = await browser.NewPageAsync(problems);

        await page.GotoAsync(new Uri(Path.ChangeExtension(notebook.Path, ".html")).AbsoluteUri);
        Assert.Equal((figures, figures), await Browser.WaitForFiguresAsync(page));

        // The outputs alone, in order, as Jupyter and VS Code put them in one page: plotly.js comes from the first
        // figure's output, nowhere else.
        var outputs = notebook.CodeCells.SelectMany(c => c.Outputs.OfType<JsonObject>())
            .Select(o => o["data"]?["text/html"] is { } h ? NotebookCell.JoinLines(h) : "").Where(h => h.Length > 0);
        var like = Path.Combine(Path.GetTempPath(), $"workbook-outputs-{Guid.NewGuid():N}.html");
        File.WriteAllText(like, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>"
            + string.Join("\n", outputs.Select(h => $"<div class=\"output\">{h}</div>")) + "</body></html>");
        try
        {
            Assert.Single(Regex.Matches(File.ReadAllText(like), "class=\"sm-plotly-js\""));
            await page.GotoAsync(new Uri(like).AbsoluteUri);
            Assert.Equal((figures, figures), await Browser.WaitForFiguresAsync(page));
        }
        finally
        {
            File.Delete(like);
        }
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }
}
