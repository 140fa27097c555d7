using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// Every notebook runs on a fresh clone, on any machine: its code cells name files only by paths relative to the
/// notebook that stay inside the repository (<c>../data/…</c>, <c>../artifacts/lib/…</c>), never by an absolute path,
/// a path that climbs out of the repository, or a path read from the environment.
/// </summary>
public class NotebookPathTests
{
    public static TheoryData<string> Notebooks() => CourseNotebookTests.Notebooks();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Code_cells_name_no_absolute_path_and_no_path_outside_the_repository(string name)
    {
        var notebook = NotebookDocument.Load(Path.Combine(Fixtures.RepoRoot, "notebooks", name));
        var problems = notebook.CodeCells.SelectMany(cell => NotebookPaths.Problems(cell.Source)
            .Select(p => $"{name}, cell {cell.Number} ({cell.Id}), line {p.Line}: {p.Message}")).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Code_cells_read_no_path_from_the_environment(string name)
    {
        var notebook = NotebookDocument.Load(Path.Combine(Fixtures.RepoRoot, "notebooks", name));
        var problems = notebook.CodeCells.SelectMany(cell => NotebookPaths.EnvironmentLookups(cell.Source)
            .Select(p => $"{name}, cell {cell.Number} ({cell.Id}), line {p.Line}: {p.Message}")).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    // ---- the detector itself ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("#r \"../artifacts/lib/SequenceModels.dll\"")]
    [InlineData("#r \"nuget: MathNet.Numerics, 5.0.0\"")]
    [InlineData("var d = ConllReader.Read(\"../data/ner/train.conll\", TagScheme.Bio);")]
    [InlineData("var s = DataFile.ReadAllText(\"../data/tinyshakespeare/input.txt.gz\");")]
    [InlineData("var p = \"../data/../notebooks/x.txt\";")]
    [InlineData("var p = Path.Combine(\"..\", \"data\", \"gmb\");")]
    [InlineData("model.Save(\"../artifacts/models/ner.model\");")]
    [InlineData("var t = \"text/markdown\"; var u = \"1/4 = max σ′\"; var v = \"‖∂L/∂h⟨t⟩‖ / ‖∂L/∂h⟨T⟩‖\";")]
    [InlineData("var url = \"https://universaldependencies.org/treebanks/en_ewt/\";")]
    [InlineData("var w = $\"{a}/{b}\"; var x = \"...\"; var y = \"..\";")]
    [InlineData("Console.WriteLine($\"../data/{name}.txt\");")]
    public void Paths_inside_the_repository_and_text_that_is_no_path_pass(string code) =>
        Assert.Empty(NotebookPaths.Problems(code));

    [Theory]
    [InlineData("var lines = File.ReadAllLines(\"/work/shared/data/ud-ewt/en_ewt-ud-train.conllu\");", "absolute path \"/work/shared/data/ud-ewt/en_ewt-ud-train.conllu\"")]
    [InlineData("#r \"/opt/libs/Extra.dll\"", "absolute path \"/opt/libs/Extra.dll\"")]
    [InlineData("var p = @\"C:\\data\\gmb.csv\";", "absolute path \"C:\\data\\gmb.csv\"")]
    [InlineData("var p = \"\\\\\\\\server\\\\share\\\\x.csv\";", "absolute path \"\\\\server\\share\\x.csv\"")]
    [InlineData("var p = \"~/corpora/x.txt\";", "absolute path \"~/corpora/x.txt\"")]
    [InlineData("var p = \"\"\"/home/student/x.txt\"\"\";", "absolute path \"/home/student/x.txt\"")]
    [InlineData("var p = \"../../shared/data/gmb\";", "path outside the repository \"../../shared/data/gmb\"")]
    [InlineData("var p = \"../data/../../x.txt\";", "path outside the repository \"../data/../../x.txt\"")]
    [InlineData("var p = $\"../../{folder}/x.txt\";", "path outside the repository \"../../{…}/x.txt\"")]
    [InlineData("var p = Path.Combine(\"..\", \"..\", \"shared\", \"data\");", "path outside the repository \"../../shared/data\"")]
    [InlineData("var p = Path.Join(\"/work\", \"data\");", "absolute path \"/work/data\"")]
    public void Absolute_paths_and_paths_that_leave_the_repository_are_named(string code, string expected)
    {
        var problem = Assert.Single(NotebookPaths.Problems(code));
        Assert.Equal(1, problem.Line);
        Assert.Equal(expected, problem.Message);
    }

    [Fact]
    public void The_line_of_the_problem_is_given()
    {
        var problem = Assert.Single(NotebookPaths.Problems("var a = 1;\n\nvar p = \"../../x\";"));
        Assert.Equal(3, problem.Line);
    }

    [Theory]
    [InlineData("string root = Environment.GetEnvironmentVariable(\"COURSENOTEBOOKS_DATA\");", "Environment.GetEnvironmentVariable")]
    [InlineData("var all = System.Environment.GetEnvironmentVariables();", "Environment.GetEnvironmentVariables")]
    [InlineData("var p = Environment.ExpandEnvironmentVariables(\"%DATA%/x\");", "Environment.ExpandEnvironmentVariables")]
    [InlineData("var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);", "Environment.GetFolderPath")]
    public void A_path_read_from_the_environment_is_named(string code, string call)
    {
        var problem = Assert.Single(NotebookPaths.EnvironmentLookups(code));
        Assert.Equal($"{call}: a path from the environment differs from machine to machine; use a path under ../data/", problem.Message);
    }

    [Fact]
    public void Other_calls_are_no_environment_lookup() =>
        Assert.Empty(NotebookPaths.EnvironmentLookups("var n = Environment.ProcessorCount; var t = Environment.NewLine;"));
}

/// <summary>
/// Finds the file paths a notebook cell names — string literals (plain, verbatim, raw and interpolated, with each hole
/// read as one opaque path segment), <c>Path.Combine</c>/<c>Path.Join</c> calls whose arguments are literals, and
/// <c>#r</c>/<c>#load</c> directives — and reports those that would not work on another machine. Relative paths
/// resolve from the notebook's folder, <c>notebooks/</c>, one level below the repository root.
/// </summary>
internal static class NotebookPaths
{
    private static readonly CSharpParseOptions Script = CSharpParseOptions.Default.WithKind(SourceCodeKind.Script);

    /// <summary>Absolute paths and relative paths that climb above the repository root, with their 1-based line.</summary>
    public static IReadOnlyList<(int Line, string Message)> Problems(string code)
    {
        var root = CSharpSyntaxTree.ParseText(code, Script).GetRoot();
        var found = new List<(int, string)>();
        void Check(SyntaxNodeOrToken at, string? text)
        {
            if (text is not null && Problem(text) is { } message) found.Add((Line(at), message));
        }

        var combined = new HashSet<SyntaxNode>();
        foreach (var call in root.DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            if (call.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Combine" or "Join" } member
                || !member.Expression.ToString().EndsWith("Path", StringComparison.Ordinal)) continue;
            var parts = call.ArgumentList.Arguments.Select(a => Text(a.Expression)).ToList();
            // A relative path built from literal parts; a first part that is not a literal makes the whole unknown.
            if (parts.Count == 0 || parts[0] is null) continue;
            Check(call, string.Join('/', parts.TakeWhile(p => p is not null)));
            foreach (var a in call.ArgumentList.Arguments) combined.Add(a.Expression);
        }
        foreach (var node in root.DescendantNodes())
            if (!combined.Contains(node) && node is LiteralExpressionSyntax or InterpolatedStringExpressionSyntax)
                Check(node, Text((ExpressionSyntax)node));
        foreach (var directive in root.DescendantTrivia().Select(t => t.GetStructure()))
        {
            var file = directive switch
            {
                ReferenceDirectiveTriviaSyntax r => r.File,
                LoadDirectiveTriviaSyntax l => l.File,
                _ => default,
            };
            if (file.IsKind(SyntaxKind.StringLiteralToken) && !file.ValueText.StartsWith("nuget:", StringComparison.Ordinal))
                Check(file, file.ValueText);
        }
        return found.OrderBy(f => f.Item1).ToList();
    }

    /// <summary>Calls that read a path from the environment of the machine, with their 1-based line.</summary>
    public static IReadOnlyList<(int Line, string Message)> EnvironmentLookups(string code)
    {
        string[] calls = ["GetEnvironmentVariable", "GetEnvironmentVariables", "ExpandEnvironmentVariables", "GetFolderPath"];
        return CSharpSyntaxTree.ParseText(code, Script).GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(c => c.Expression is MemberAccessExpressionSyntax m && calls.Contains(m.Name.Identifier.ValueText)
                        && m.Expression.ToString().EndsWith("Environment", StringComparison.Ordinal))
            .Select(c => (Line(c), $"Environment.{((MemberAccessExpressionSyntax)c.Expression).Name.Identifier.ValueText}: " +
                                   "a path from the environment differs from machine to machine; use a path under ../data/"))
            .ToList();
    }

    /// <summary>What is wrong with a path, or null when it is fine or is not a path at all.</summary>
    public static string? Problem(string text)
    {
        if (text.Contains("://", StringComparison.Ordinal)) return null;
        if (IsAbsolute(text)) return $"absolute path \"{text}\"";
        var segments = text.Split('/', '\\');
        if (!segments.Contains("..")) return null;
        int depth = 1; // notebooks/ is one level below the repository root
        foreach (var segment in segments)
        {
            if (segment == "..")
            {
                if (--depth < 0) return $"path outside the repository \"{text}\"";
            }
            else if (segment is not ("" or ".")) depth++;
        }
        return null;
    }

    private static bool IsAbsolute(string text) =>
        (text.Length > 1 && text[0] == '/' && (char.IsLetterOrDigit(text[1]) || text[1] is '.' or '_' or '-'))
        || text.StartsWith(@"\\", StringComparison.Ordinal)
        || text.StartsWith("~/", StringComparison.Ordinal) || text.StartsWith(@"~\", StringComparison.Ordinal)
        || (text.Length > 2 && char.IsAsciiLetter(text[0]) && text[1] == ':' && text[2] is '/' or '\\');

    /// <summary>The text of a string expression (an interpolation hole reads "{…}"), or null for anything else.</summary>
    private static string? Text(ExpressionSyntax expression) => expression switch
    {
        LiteralExpressionSyntax literal when literal.Token.Value is string s => s,
        InterpolatedStringExpressionSyntax interpolated => string.Concat(interpolated.Contents.Select(c => c switch
        {
            InterpolatedStringTextSyntax t => t.TextToken.ValueText,
            _ => "{…}",
        })),
        _ => null,
    };

    private static int Line(SyntaxNodeOrToken at) => at.GetLocation()!.GetLineSpan().StartLinePosition.Line + 1;
}
