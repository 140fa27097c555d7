using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Workbook.Notebooks;

/// <summary>
/// A Jupyter notebook (nbformat 4) held as its JSON tree, so everything the runner does not change — cell ids,
/// metadata, markdown, key order — is written back exactly as it was read. The runner only replaces code cells'
/// outputs and execution counts.
/// </summary>
public sealed class NotebookDocument
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 1, // as Jupyter and VS Code write notebooks
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private NotebookDocument(string path, JsonObject root)
    {
        Path = path;
        Root = root;
        Cells = ((JsonArray)root["cells"]!).Select((c, i) => new NotebookCell(this, (JsonObject)c!, i)).ToList();
    }

    /// <summary>The file the notebook was read from.</summary>
    public string Path { get; }

    /// <summary>The whole notebook.</summary>
    public JsonObject Root { get; }

    /// <summary>Every cell, in order.</summary>
    public IReadOnlyList<NotebookCell> Cells { get; }

    /// <summary>The code cells, in order.</summary>
    public IEnumerable<NotebookCell> CodeCells => Cells.Where(c => c.IsCode);

    /// <summary>The file name without folder or extension (for example "01-rnn-forward-pass").</summary>
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>
    /// Reads and checks a notebook: a missing file, text that is not JSON, a notebook that is not nbformat 4 or breaks
    /// its schema, and a cell in a language other than C# each throw <see cref="BadNotebookException"/>.
    /// </summary>
    public static NotebookDocument Load(string path)
    {
        if (!File.Exists(path)) throw new BadNotebookException(path, null, "no such file");
        string text;
        try
        {
            text = File.ReadAllText(path, new UTF8Encoding(false, throwOnInvalidBytes: true));
        }
        catch (DecoderFallbackException)
        {
            throw new BadNotebookException(path, null, "not UTF-8 text");
        }
        return Parse(path, text);
    }

    /// <summary>Parses notebook JSON read from <paramref name="path"/> (for messages) and checks it like Load.</summary>
    public static NotebookDocument Parse(string path, string text)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new BadNotebookException(path, null,
                $"not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}");
        }
        if (root is not JsonObject obj) throw new BadNotebookException(path, null, "not a notebook (the JSON is not an object)");
        if (obj["nbformat"] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || v.GetValue<double>() != 4)
            throw new BadNotebookException(path, null,
                $"not an nbformat 4 notebook (nbformat is {obj["nbformat"]?.ToJsonString() ?? "missing"})");
        var errors = NotebookSchema.Validate(obj);
        if (errors.Count > 0)
            throw new BadNotebookException(path, null,
                $"does not follow the nbformat 4 schema: {errors[0]}" + (errors.Count > 1 ? $" (and {errors.Count - 1} more)" : ""));
        var notebook = new NotebookDocument(path, obj);
        notebook.CheckLanguages();
        return notebook;
    }

    /// <summary>The notebook as nbformat JSON text (indent 1, non-ASCII kept, final newline).</summary>
    public string ToJson() => Format(Root);

    /// <summary>Any notebook JSON in the canonical text form (indent 1, non-ASCII kept, final newline).</summary>
    public static string Format(JsonNode notebook) => notebook.ToJsonString(Indented) + "\n";

    /// <summary>Writes the notebook atomically (a crash never leaves a half-written file).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>A deep copy, for writing an executed version without touching this one.</summary>
    public NotebookDocument Clone(string? path = null) => new(path ?? Path, (JsonObject)Root.DeepClone());

    private void CheckLanguages()
    {
        var language = (string?)Root["metadata"]?["kernelspec"]?["language"] ?? (string?)Root["metadata"]?["language_info"]?["name"];
        if (language is not null && !NotebookCell.IsCSharp(language))
            throw new BadNotebookException(Path, null, $"the notebook's language is {language}; the runner executes C# notebooks only");
        foreach (var cell in CodeCells)
            if (cell.OtherLanguage() is { } other)
                throw new BadNotebookException(Path, cell.Number,
                    $"the cell is written in {other}; the runner executes C# cells only");
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}

/// <summary>One cell of a <see cref="NotebookDocument"/>.</summary>
public sealed class NotebookCell
{
    internal NotebookCell(NotebookDocument notebook, JsonObject json, int index)
    {
        Notebook = notebook;
        Json = json;
        Index = index;
    }

    /// <summary>The notebook the cell belongs to.</summary>
    public NotebookDocument Notebook { get; }

    /// <summary>The cell's JSON.</summary>
    public JsonObject Json { get; }

    /// <summary>0-based position among all cells.</summary>
    public int Index { get; }

    /// <summary>1-based position among all cells, as messages name it ("cell 7").</summary>
    public int Number => Index + 1;

    /// <summary>"code", "markdown" or "raw".</summary>
    public string Type => (string)Json["cell_type"]!;

    /// <summary>True for a code cell.</summary>
    public bool IsCode => Type == "code";

    /// <summary>The cell id (nbformat 4.5), if any.</summary>
    public string? Id => (string?)Json["id"];

    /// <summary>The cell's tags (metadata.tags).</summary>
    public IReadOnlyList<string> Tags => Json["metadata"]?["tags"] is JsonArray a ? a.Select(t => (string)t!).ToList() : [];

    /// <summary>The source text (nbformat stores it as one string or as a list of lines).</summary>
    public string Source
    {
        get => JoinLines(Json["source"]);
        set => Json["source"] = SplitLines(value);
    }

    /// <summary>The code cell's outputs (empty for other cells).</summary>
    public JsonArray Outputs => Json["outputs"] as JsonArray ?? [];

    /// <summary>Replaces the outputs and execution count of a code cell.</summary>
    public void SetOutputs(JsonArray outputs, int? executionCount)
    {
        if (!IsCode) throw new InvalidOperationException($"cell {Number} is not a code cell");
        Json["outputs"] = outputs;
        Json["execution_count"] = executionCount;
    }

    /// <summary>The language the cell is written in, when it is not C# (from its metadata or a #!language line).</summary>
    public string? OtherLanguage()
    {
        var meta = Json["metadata"];
        foreach (var declared in new[] { (string?)meta?["dotnet_interactive"]?["language"], (string?)meta?["polyglot_notebook"]?["kernelName"] })
            if (declared is not null && !IsCSharp(declared)) return declared;
        // A kernel-switching magic on a line of its own: "#!fsharp", "#!pwsh", … (#!csharp and #!time are C#).
        foreach (var line in Source.Split('\n'))
        {
            var text = line.Trim();
            if (!text.StartsWith("#!", StringComparison.Ordinal)) continue;
            var name = text.Split(' ', 2)[0];
            if (OtherLanguageMagics.Contains(name)) return name;
        }
        return null;
    }

    /// <summary>The magics that switch a cell to another kernel of the dotnet-interactive tool.</summary>
    private static readonly HashSet<string> OtherLanguageMagics = new(StringComparer.OrdinalIgnoreCase)
    {
        "#!fsharp", "#!f#", "#!pwsh", "#!powershell", "#!javascript", "#!js", "#!html", "#!markdown", "#!md",
        "#!sql", "#!kql", "#!mermaid", "#!http", "#!python", "#!r", "#!value", "#!vscode",
    };

    internal static bool IsCSharp(string language) =>
        language.Equals("csharp", StringComparison.OrdinalIgnoreCase) || language.Equals("c#", StringComparison.OrdinalIgnoreCase);

    /// <summary>nbformat's multiline string: one string, or a list of lines each ending with "\n" but the last.</summary>
    public static string JoinLines(JsonNode? node) => node switch
    {
        null => "",
        JsonArray a => string.Concat(a.Select(x => (string?)x)),
        _ => (string?)node ?? "",
    };

    /// <summary>Splits text into nbformat's list of lines (each keeps its "\n").</summary>
    public static JsonArray SplitLines(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n') continue;
            lines.Add(text[start..(i + 1)]);
            start = i + 1;
        }
        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }
}

/// <summary>A notebook the runner cannot run; the message names the file and, where it applies, the cell.</summary>
public sealed class BadNotebookException(string path, int? cell, string problem)
    : Exception(cell is null ? $"{path}: {problem}" : $"{path}, cell {cell}: {problem}")
{
    /// <summary>The notebook's path.</summary>
    public string NotebookPath { get; } = path;

    /// <summary>The 1-based cell, when the problem is in one cell.</summary>
    public int? Cell { get; } = cell;
}
