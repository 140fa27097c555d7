using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Workbook.Notebooks;

/// <summary>
/// The constraints of the nbformat 4 JSON schema (nbformat.v4.5.schema.json; minors 0–4 differ only in making cell
/// ids absent), checked in code: required keys, types, no unknown keys where the schema forbids them, cell and output
/// kinds, mime bundles, cell ids. Returns every violation with its JSON path.
/// </summary>
public static partial class NotebookSchema
{
    /// <summary>Every violation, as "path: problem"; empty when the notebook is valid.</summary>
    public static IReadOnlyList<string> Validate(JsonNode? notebook)
    {
        var errors = new List<string>();
        if (notebook is not JsonObject nb)
        {
            errors.Add("$: a notebook is a JSON object");
            return errors;
        }
        Keys(nb, "$", errors, required: ["metadata", "nbformat_minor", "nbformat", "cells"],
            allowed: ["metadata", "nbformat_minor", "nbformat", "cells"]);
        if (nb["nbformat"] is { } major && (Integer(major) is not 4))
            errors.Add("$.nbformat: must be 4");
        int minor = nb["nbformat_minor"] is { } mn && Integer(mn) is int m and >= 0 ? m : -1;
        if (nb["nbformat_minor"] is not null && minor < 0) errors.Add("$.nbformat_minor: must be an integer ≥ 0");
        if (nb["metadata"] is { } meta) NotebookMetadata(meta, errors);
        if (nb["cells"] is { } cells)
        {
            if (cells is not JsonArray list) errors.Add("$.cells: must be an array");
            else
            {
                var ids = new HashSet<string>();
                for (int i = 0; i < list.Count; i++) Cell(list[i], $"$.cells[{i}]", minor, ids, errors);
            }
        }
        return errors;
    }

    private static void NotebookMetadata(JsonNode meta, List<string> errors)
    {
        if (meta is not JsonObject m)
        {
            errors.Add("$.metadata: must be an object");
            return;
        }
        if (m["kernelspec"] is { } ks)
        {
            if (ks is not JsonObject k) errors.Add("$.metadata.kernelspec: must be an object");
            else
            {
                Keys(k, "$.metadata.kernelspec", errors, required: ["name", "display_name"]);
                StringField(k, "name", "$.metadata.kernelspec", errors);
                StringField(k, "display_name", "$.metadata.kernelspec", errors);
            }
        }
        if (m["language_info"] is { } li)
        {
            if (li is not JsonObject l) errors.Add("$.metadata.language_info: must be an object");
            else
            {
                Keys(l, "$.metadata.language_info", errors, required: ["name"]);
                foreach (var f in new[] { "name", "file_extension", "mimetype", "pygments_lexer" })
                    StringField(l, f, "$.metadata.language_info", errors);
                if (l["codemirror_mode"] is { } cm && cm.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Object))
                    errors.Add("$.metadata.language_info.codemirror_mode: must be a string or an object");
            }
        }
        if (m["orig_nbformat"] is { } orig && Integer(orig) is not >= 1) errors.Add("$.metadata.orig_nbformat: must be an integer ≥ 1");
        StringField(m, "title", "$.metadata", errors);
        if (m["authors"] is { } authors && authors is not JsonArray) errors.Add("$.metadata.authors: must be an array");
    }

    private static void Cell(JsonNode? node, string path, int minor, HashSet<string> ids, List<string> errors)
    {
        if (node is not JsonObject cell)
        {
            errors.Add($"{path}: a cell is an object");
            return;
        }
        var type = cell["cell_type"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (type is not ("code" or "markdown" or "raw"))
        {
            // Unrecognised cells from a future minor revision are allowed if they have cell_type and metadata.
            if (type is null) errors.Add($"{path}.cell_type: must be \"code\", \"markdown\" or \"raw\"");
            else Keys(cell, path, errors, required: ["cell_type", "metadata"]);
            return;
        }
        string[] required = type == "code"
            ? ["cell_type", "metadata", "source", "outputs", "execution_count"]
            : ["cell_type", "metadata", "source"];
        string[] allowed = type == "code"
            ? ["id", "cell_type", "metadata", "source", "outputs", "execution_count"]
            : ["id", "cell_type", "metadata", "source", "attachments"];
        if (minor >= 5) required = [.. required, "id"];
        Keys(cell, path, errors, required, allowed);

        if (cell["id"] is { } id)
        {
            if (id.GetValueKind() != JsonValueKind.String || !CellId().IsMatch((string)id!))
                errors.Add($"{path}.id: must be 1 to 64 letters, digits, '-' or '_'");
            else if (!ids.Add((string)id!))
                errors.Add($"{path}.id: \"{(string)id!}\" is used by an earlier cell (cell ids must be unique)");
        }
        if (cell["metadata"] is { } meta) CellMetadata(meta, $"{path}.metadata", type, errors);
        if (cell["source"] is { } source) MultilineString(source, $"{path}.source", errors);
        if (cell["attachments"] is { } att)
        {
            if (att is not JsonObject a) errors.Add($"{path}.attachments: must be an object");
            else foreach (var (name, bundle) in a) MimeBundle(bundle, $"{path}.attachments.{name}", errors);
        }
        if (type != "code") return;
        ExecutionCount(cell["execution_count"], $"{path}.execution_count", errors);
        if (cell["outputs"] is { } outputs)
        {
            if (outputs is not JsonArray list) errors.Add($"{path}.outputs: must be an array");
            else for (int i = 0; i < list.Count; i++) Output(list[i], $"{path}.outputs[{i}]", errors);
        }
    }

    private static void CellMetadata(JsonNode meta, string path, string type, List<string> errors)
    {
        if (meta is not JsonObject m)
        {
            errors.Add($"{path}: must be an object");
            return;
        }
        if (m["name"] is { } name && (name.GetValueKind() != JsonValueKind.String || ((string)name!).Length == 0))
            errors.Add($"{path}.name: must be a non-empty string");
        if (m["tags"] is { } tags)
        {
            if (tags is not JsonArray t || t.Any(x => x?.GetValueKind() != JsonValueKind.String || ((string)x!).Contains(',')))
                errors.Add($"{path}.tags: must be an array of strings without commas");
            else if (t.Select(x => (string)x!).Distinct().Count() != t.Count)
                errors.Add($"{path}.tags: tags must be unique");
        }
        if (m["jupyter"] is { } j && j is not JsonObject) errors.Add($"{path}.jupyter: must be an object");
        if (type == "code")
        {
            if (m["collapsed"] is { } c && c.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                errors.Add($"{path}.collapsed: must be true or false");
            if (m["scrolled"] is { } sc && !(sc.GetValueKind() is JsonValueKind.True or JsonValueKind.False ||
                                              sc.GetValueKind() == JsonValueKind.String && (string)sc! == "auto"))
                errors.Add($"{path}.scrolled: must be true, false or \"auto\"");
            if (m["execution"] is { } e && (e is not JsonObject eo || eo.Any(kv => kv.Value?.GetValueKind() != JsonValueKind.String)))
                errors.Add($"{path}.execution: must be an object of strings");
        }
        if (type == "raw") StringField(m, "format", path, errors);
    }

    private static void Output(JsonNode? node, string path, List<string> errors)
    {
        if (node is not JsonObject output)
        {
            errors.Add($"{path}: an output is an object");
            return;
        }
        var type = output["output_type"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        switch (type)
        {
            case "execute_result":
                Keys(output, path, errors, ["output_type", "data", "metadata", "execution_count"],
                    ["output_type", "data", "metadata", "execution_count"]);
                ExecutionCount(output["execution_count"], $"{path}.execution_count", errors);
                MimeBundle(output["data"], $"{path}.data", errors);
                ObjectField(output, "metadata", path, errors);
                break;
            case "display_data":
                Keys(output, path, errors, ["output_type", "data", "metadata"], ["output_type", "data", "metadata"]);
                MimeBundle(output["data"], $"{path}.data", errors);
                ObjectField(output, "metadata", path, errors);
                break;
            case "stream":
                Keys(output, path, errors, ["output_type", "name", "text"], ["output_type", "name", "text"]);
                StringField(output, "name", path, errors);
                if (output["text"] is { } text) MultilineString(text, $"{path}.text", errors);
                break;
            case "error":
                Keys(output, path, errors, ["output_type", "ename", "evalue", "traceback"], ["output_type", "ename", "evalue", "traceback"]);
                StringField(output, "ename", path, errors);
                StringField(output, "evalue", path, errors);
                if (output["traceback"] is { } tb && (tb is not JsonArray a || a.Any(x => x?.GetValueKind() != JsonValueKind.String)))
                    errors.Add($"{path}.traceback: must be an array of strings");
                break;
            case null:
                errors.Add($"{path}.output_type: missing or not a string");
                break;
            default:
                break; // an unrecognised output type from a future minor revision
        }
    }

    private static void MimeBundle(JsonNode? node, string path, List<string> errors)
    {
        if (node is null) return;
        if (node is not JsonObject bundle)
        {
            errors.Add($"{path}: a mime bundle is an object");
            return;
        }
        foreach (var (mime, value) in bundle)
            if (!JsonMime().IsMatch(mime)) MultilineString(value, $"{path}['{mime}']", errors);
    }

    private static void MultilineString(JsonNode? node, string path, List<string> errors)
    {
        if (node?.GetValueKind() == JsonValueKind.String) return;
        if (node is JsonArray a && a.All(x => x?.GetValueKind() == JsonValueKind.String)) return;
        errors.Add($"{path}: must be a string or an array of strings");
    }

    private static void ExecutionCount(JsonNode? node, string path, List<string> errors)
    {
        if (node is null) return; // null is allowed (not run)
        if (Integer(node) is not >= 0) errors.Add($"{path}: must be null or an integer ≥ 0");
    }

    private static void Keys(JsonObject o, string path, List<string> errors, string[] required, string[]? allowed = null)
    {
        foreach (var key in required)
            if (!o.ContainsKey(key)) errors.Add($"{path}: missing required key \"{key}\"");
        if (allowed is null) return;
        foreach (var (key, _) in o)
            if (!allowed.Contains(key)) errors.Add($"{path}: unexpected key \"{key}\"");
    }

    private static void StringField(JsonObject o, string key, string path, List<string> errors)
    {
        if (o[key] is { } v && v.GetValueKind() != JsonValueKind.String) errors.Add($"{path}.{key}: must be a string");
    }

    private static void ObjectField(JsonObject o, string key, string path, List<string> errors)
    {
        if (o[key] is { } v && v is not JsonObject) errors.Add($"{path}.{key}: must be an object");
    }

    private static int? Integer(JsonNode node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) ? i : null;

    [GeneratedRegex("^[a-zA-Z0-9-_]{1,64}$")]
    private static partial Regex CellId();

    [GeneratedRegex(@"^application/(.*\+)?json$")]
    private static partial Regex JsonMime();
}
