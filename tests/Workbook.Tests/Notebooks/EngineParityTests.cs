using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// The workbook's kernel produces what the dotnet-interactive tool — VS Code's engine, driven over stdio as VS Code
/// drives it — produces: every notebook, cell by cell, output by output, with only timing-dependent numbers masked.
/// A cell tagged <c>measured</c> (its outputs show what the machine measured: times, memory) is compared by the kinds and MIME types of its outputs.
/// </summary>
public partial class EngineParityTests
{
    public static TheoryData<string> Notebooks() => CourseNotebookTests.Notebooks();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Every_cell_gives_the_same_outputs_as_the_dotnet_interactive_tool(string name)
    {
        var ours = (await CourseRuns.UnfinishedAsync(name)).Executed;
        var tool = await CourseRuns.UnfinishedAsync(name, KernelEngine.Tool);
        Assert.True(tool.Succeeded, string.Join("\n", tool.Errors.Select(e => e.Message)));
        var ourCells = ours.CodeCells.ToList();
        var toolCells = tool.Executed.CodeCells.ToList();
        Assert.Equal(ourCells.Count, toolCells.Count);
        for (int i = 0; i < ourCells.Count; i++)
        {
            bool measured = ourCells[i].Tags.Contains("measured");
            var expected = measured ? Shape(toolCells[i].Outputs) : Mask(toolCells[i].Outputs);
            var actual = measured ? Shape(ourCells[i].Outputs) : Mask(ourCells[i].Outputs);
            Assert.True(expected == actual,
                $"{name}, cell {ourCells[i].Number} ({ourCells[i].Id}):\n--- tool ---\n{Excerpt(expected, actual)}\n--- workbook ---\n{Excerpt(actual, expected)}");
        }
    }

    [Fact]
    public void Masking_hides_timings_and_nothing_else()
    {
        Assert.Equal("Wall time: #ms", Mask("Wall time: 1234.5678ms"));
        Assert.Equal("trained in # s (# tokens/s)", Mask("trained in 12.3 s (45,678 tokens/s)"));
        Assert.Equal("loss 0.1234 after 300 steps", Mask("loss 0.1234 after 300 steps"));
        Assert.Equal(Mask("x:     9.5 ms"), Mask("x:   105.0 ms"));
    }

    /// <summary>Each output's kind, stream name and MIME types.</summary>
    private static string Shape(JsonArray outputs) => string.Join("; ", outputs.OfType<JsonObject>().Select(o =>
        $"{(string?)o["output_type"]}:{(string?)o["name"]}:{string.Join(",", (o["data"] as JsonObject ?? []).Select(kv => kv.Key))}"));

    /// <summary>The outputs as JSON text with measured times replaced by #.</summary>
    private static string Mask(JsonArray outputs) => Mask(outputs.ToJsonString());

    // The number and the spaces that pad it to a column: "    12.3 ms" and "   105.0 ms" both read " # ms".
    private static string Mask(string text) =>
        Timing().Replace(text, m => (m.Groups["pad"].Length > 0 ? " " : "") + "#" + m.Groups["sep"].Value + m.Groups["unit"].Value);

    // A number followed by a unit of time or of throughput.
    [GeneratedRegex(@"(?<pad> *)(?<n>\d[\d,]*(\.\d+)?)(?<sep>\s?)(?<unit>ms|s|min|seconds|tokens/s|steps/s)\b")]
    private static partial Regex Timing();

    /// <summary>The part of <paramref name="a"/> around its first difference from <paramref name="b"/>.</summary>
    private static string Excerpt(string a, string b)
    {
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        int start = Math.Max(0, i - 200);
        return (start > 0 ? "…" : "") + a[start..Math.Min(a.Length, i + 300)];
    }
}
