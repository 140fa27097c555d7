using System.Text.RegularExpressions;

namespace Workbook.Kernel;

/// <summary>A directive line of a cell: <c>#r "..."</c>, <c>#i "..."</c> or a <c>#!name</c> magic command.</summary>
/// <param name="Line">The 1-based line in the cell.</param>
/// <param name="Name">"r", "i", or the magic's name with its "#!" (for example "#!time").</param>
/// <param name="Argument">The quoted argument of #r/#i, or the rest of a magic's line.</param>
public sealed record Directive(int Line, string Name, string Argument)
{
    /// <summary>True for <c>#r "nuget: ..."</c>.</summary>
    public bool IsNuGet => Name == "r" && Argument.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase);

    /// <summary>The directive as written, for messages.</summary>
    public string Text => Name is "r" or "i" ? $"#{Name} \"{Argument}\"" : (Name + " " + Argument).TrimEnd();
}

/// <summary>
/// Finds the directives of a cell the way Polyglot Notebooks does (at the start of any line) and blanks their lines,
/// so the C# left over keeps its line numbers.
/// </summary>
public static partial class Directives
{
    /// <summary>The magic commands that switch a cell to C#.</summary>
    public static readonly IReadOnlySet<string> CSharpMagics = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "#!csharp", "#!c#" };

    /// <summary>The magic commands the runner carries out itself.</summary>
    public static readonly IReadOnlySet<string> SupportedMagics = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "#!time" };

    /// <summary>Magic commands that switch a cell to another language (the runner executes C# only).</summary>
    public static readonly IReadOnlySet<string> OtherLanguageMagics = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "#!fsharp", "#!f#", "#!pwsh", "#!powershell", "#!javascript", "#!js", "#!html", "#!markdown", "#!md",
        "#!sql", "#!kql", "#!mermaid", "#!http", "#!python", "#!r", "#!value", "#!vscode",
    };

    /// <summary>Splits a cell into its directives and the C# code, with directive lines left empty.</summary>
    public static (string Code, IReadOnlyList<Directive> Directives) Extract(string source)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var found = new List<Directive>();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            Match m;
            if ((m = ReferenceLine().Match(line)).Success)
                found.Add(new Directive(i + 1, m.Groups["kind"].Value, m.Groups["arg"].Value.Trim()));
            else if ((m = MagicLine().Match(line)).Success)
                found.Add(new Directive(i + 1, m.Groups["name"].Value, m.Groups["rest"].Value.Trim()));
            else
                continue;
            lines[i] = "";
        }
        return (string.Join('\n', lines), found);
    }

    /// <summary>The language a cell's magic commands switch it to, if not C# (null when the cell is C#).</summary>
    public static string? OtherLanguage(IEnumerable<Directive> directives) =>
        directives.FirstOrDefault(d => OtherLanguageMagics.Contains(d.Name))?.Name;

    [GeneratedRegex("""^#(?<kind>[ri])\s+"(?<arg>[^"]*)"\s*(//.*)?$""")]
    private static partial Regex ReferenceLine();

    [GeneratedRegex(@"^(?<name>#![A-Za-z#][\w#\-]*)(?<rest>.*)$")]
    private static partial Regex MagicLine();
}
