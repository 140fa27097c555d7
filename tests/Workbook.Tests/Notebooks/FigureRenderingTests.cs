using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

public class FigureRenderingTests : IDisposable
{
    private readonly Fixtures _f = new();

    public void Dispose() => _f.Dispose();

    private string FigureNotebook()
    {
        var relative = Path.GetRelativePath(_f.Folder, Fixtures.LibraryDll).Replace('\\', '/');
        return _f.Write("figures.ipynb",
            $"#r \"nuget: MathNet.Numerics, 5.0.0\"\n#r \"{relative}\"\nusing SequenceModels.Plotting;",
            "Figure.Line(new[] { 1.0, 4.0, 9.0 }, \"squares\").WithTitle(\"first\")",
            "display(Figure.Bar(new[] { \"a\", \"b\" }, new[] { 2.0, 3.0 }).WithTitle(\"second\"));\nConsole.WriteLine(\"between\");\nFigure.Line(new[] { 3.0, 2.0 }).WithLogY()");
    }

    [BrowserFact]
    public async Task Figures_are_rendered_to_png_files_named_after_their_cells()
    {
        var path = FigureNotebook();
        var stdout = new StringWriter();
        var code = await global::Workbook.Commands.RunCommand.RunAsync(
            new global::Workbook.Commands.RunRequest([path], _f.Output, RunOptions.Default, WriteHtml: true, RenderPng: true),
            stdout, new StringWriter(), default);
        Assert.True(code == 0, stdout.ToString());
        var plots = Path.Combine(_f.Output, "plots", "figures");
        Assert.Equal(["cell-02.png", "cell-03-1.png", "cell-03-2.png"], Directory.GetFiles(plots).Select(Path.GetFileName).Order());
        foreach (var png in Directory.GetFiles(plots))
        {
            var bytes = File.ReadAllBytes(png);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            Assert.Equal(900, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4))); // IHDR width
            Assert.Equal(450, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4))); // IHDR height
            Assert.True(bytes.Length > 5_000, $"{png} is too small to hold a chart ({bytes.Length} bytes)");
        }
        Assert.Contains("3 (3)", stdout.ToString()); // the summary's figures column: found (rendered)
    }

    [BrowserFact]
    public async Task The_exported_page_draws_every_figure_in_a_browser()
    {
        var path = FigureNotebook();
        Assert.Equal(0, (await _f.RunAsync(path)).ExitCode);
        var page = Path.Combine(_f.Output, "figures.html");
        var (chromium, _) = FigureRenderer.Find(Fixtures.RepoRoot);
        Assert.NotNull(chromium);
        var dom = await DumpDomAsync(page);
        // plotly.js replaces each figure's text placeholder with its SVG chart.
        Assert.Equal(3, Regex.Matches(dom, "class=\"sm-figure\"").Count);
        Assert.Equal(3, Regex.Matches(dom, "class=\"plot-container plotly\"").Count);
        Assert.Contains(">first<", dom);
        Assert.Contains(">second<", dom);
    }

    private static async Task<string> DumpDomAsync(string page)
    {
        var chromium = Environment.GetEnvironmentVariable("COURSENOTEBOOKS_CHROMIUM") is { Length: > 0 } set ? set : "chromium";
        var profile = Directory.CreateTempSubdirectory("workbook-test-chromium-");
        var info = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", $"--user-data-dir={profile.FullName}", "--virtual-time-budget=20000",
                     "--dump-dom", new Uri(page).AbsoluteUri })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var dom = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        profile.Delete(true);
        return await dom;
    }
}
