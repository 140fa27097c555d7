using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SequenceModels.Tests.Text;

namespace SequenceModels.Tests.Prose;

/// <summary>
/// The text of a notebook's cells, for tests that re-derive the numbers its prose quotes. Numbers that the run writes
/// into the notebook need no test; the others — arithmetic such as 0.85¹⁹ ≈ 0.046, or a fact about the code's settings —
/// are found in the text by a pattern and checked against the computation, so that editing either one fails the test.
/// </summary>
internal sealed class NotebookText
{
    private readonly Dictionary<string, (string Type, string Source)> _cells;

    private NotebookText(string name, Dictionary<string, (string Type, string Source)> cells) => (Name, _cells) = (name, cells);

    /// <summary>The notebook's file name.</summary>
    public string Name { get; }

    /// <summary>Reads notebooks/<paramref name="name"/> from the repository.</summary>
    public static NotebookText Load(string name)
    {
        var cells = Cells(name).ToDictionary(
            c => (string)c!["id"]!,
            c => ((string)c!["cell_type"]!, string.Concat(c["source"]!.AsArray().Select(line => (string)line!))));
        return new NotebookText(name, cells);
    }

    /// <summary>The cells of notebooks/<paramref name="name"/>, as nbformat JSON.</summary>
    public static JsonArray Cells(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TextFiles.RepoRoot, "notebooks", name)))!["cells"]!.AsArray();

    /// <summary>The source of the markdown cell <paramref name="id"/>.</summary>
    public string Markdown(string id) => Source(id, "markdown");

    /// <summary>The source of the code cell <paramref name="id"/> (for the fixed words of a cell that writes prose).</summary>
    public string Code(string id) => Source(id, "code");

    private string Source(string id, string type)
    {
        Assert.True(_cells.TryGetValue(id, out var cell), $"{Name} has no cell {id}.");
        Assert.True(cell.Type == type, $"{Name}, cell {id} is {cell.Type}, not {type}.");
        return cell.Source;
    }

    /// <summary>
    /// The text that group "q" of <paramref name="pattern"/> captures in <paramref name="text"/>; fails, naming the
    /// pattern, when the prose no longer says it.
    /// </summary>
    public static string Quote(string text, string pattern)
    {
        var match = Regex.Match(text, pattern);
        Assert.True(match.Success, $"The prose no longer matches {pattern}.");
        return match.Groups["q"].Value;
    }

    /// <summary>
    /// Asserts that <paramref name="actual"/>, rounded to the digits the prose quotes, is the quoted number. Quoted
    /// forms: "0.046" (decimals), "9 \cdot 10^{-8}" (a mantissa and a power of ten), "10^{-6}" (an order of magnitude).
    /// </summary>
    public static void RoundsTo(string quoted, double actual)
    {
        var power = Regex.Match(quoted, @"^(?:(?<m>-?[\d.]+)\s*\\cdot\s*)?10\^\{?(?<e>-?\d+)\}?$");
        if (power.Success)
        {
            int exponent = int.Parse(power.Groups["e"].Value, CultureInfo.InvariantCulture);
            if (!power.Groups["m"].Success)
            {
                Assert.True(Math.Round(Math.Log10(Math.Abs(actual))) == exponent, $"{actual:E3} is not of the order of 10^{exponent}, as quoted.");
                return;
            }
            RoundsTo(power.Groups["m"].Value, actual / Math.Pow(10, exponent));
            return;
        }
        var value = double.Parse(quoted, NumberStyles.Float, CultureInfo.InvariantCulture);
        int decimals = quoted.Contains('.') ? quoted.Length - quoted.IndexOf('.') - 1 : 0;
        Assert.True(Math.Round(actual, decimals, MidpointRounding.AwayFromZero) == value,
            $"{actual.ToString("R", CultureInfo.InvariantCulture)} does not round to the quoted {quoted}.");
    }

    /// <summary>σ(z) = 1 / (1 + e^−z).</summary>
    public static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}

/// <summary>A notebook's markdown and code, read from notebooks/ (shared by the prose tests of notebooks 07–09).</summary>
internal sealed class NotebookCellsText
{
    public NotebookCellsText(string file)
    {
        var cells = NotebookText.Cells(file);
        string Source(JsonNode cell) => string.Concat(cell["source"]!.AsArray().Select(s => (string)s!));
        RawMarkdown = string.Join("\n\n", cells.Where(c => (string)c!["cell_type"]! == "markdown").Select(c => Source(c!)));
        Code = string.Join("\n\n", cells.Where(c => (string)c!["cell_type"]! == "code").Select(c => Source(c!)));
        Markdown = Regex.Replace(RawMarkdown, @"\s+", " ");
        CodeText = Regex.Replace(Code, @"\s+", " ");
        ExerciseCells = cells.Count(c => c!["metadata"]?["tags"]?.AsArray().Any(t => ((string)t!).StartsWith("exercise:", StringComparison.Ordinal)) == true);
    }

    /// <summary>Every markdown cell, with runs of white space (line breaks included) read as one space.</summary>
    public string Markdown { get; }

    /// <summary>Every markdown cell as written.</summary>
    public string RawMarkdown { get; }

    /// <summary>Every code cell as written.</summary>
    public string Code { get; }

    /// <summary>Every code cell with runs of white space read as one space: the prose that cells write with the run's numbers.</summary>
    public string CodeText { get; }

    /// <summary>The number of exercise cells.</summary>
    public int ExerciseCells { get; }
}
