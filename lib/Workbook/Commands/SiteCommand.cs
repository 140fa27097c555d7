using System.CommandLine;
using Workbook.Notebooks;
using Workbook.Site;

namespace Workbook.Commands;

/// <summary><c>workbook site</c>: the course as a static website, from the executed notebooks.</summary>
internal static class SiteCommand
{
    /// <summary>Where <c>workbook run</c> leaves the executed notebooks, and the site beside them.</summary>
    public static readonly string DefaultExecuted = Path.Combine("artifacts", "executed");

    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "Folder of executed notebooks (made by workbook run).", DefaultValueFactory = _ => DefaultExecuted };
        var output = new Option<string?>("--out") { Description = "Folder for the site (default: FROM/site)." };
        var command = new Command("site", "Build the course website (index, one page per notebook, offline figures and equations) from executed notebooks.")
        {
            from, output,
        };
        command.SetAction(parse => Run(parse.GetValue(from)!, parse.GetValue(output), Console.Out, Console.Error));
        return command;
    }

    /// <summary>Builds the site; 0 on success, 2 for bad input (the message names the file or folder).</summary>
    public static int Run(string from, string? output, TextWriter stdout, TextWriter stderr)
    {
        var site = output ?? Path.Combine(from, "site");
        try
        {
            var pages = SiteBuilder.Build(from, site);
            stdout.WriteLine($"Site of {pages.Count} notebook(s), {pages.Sum(p => p.Figures)} figures: {Path.Combine(site, "index.html")}");
            return 0;
        }
        catch (Exception e) when (e is SiteException or BadNotebookException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 2;
        }
    }
}
