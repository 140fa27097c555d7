using System.Text.Json.Nodes;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

public class NotebookSchemaTests
{
    private static IReadOnlyList<string> ErrorsAfter(Action<JsonObject> change)
    {
        var nb = Fixtures.NotebookJson(Fixtures.Markdown("m"), Fixtures.Code("c"));
        change(nb);
        return NotebookSchema.Validate(nb);
    }

    private static JsonObject Cell(JsonObject nb, int i) => (JsonObject)nb["cells"]![i]!;

    [Fact]
    public void A_well_formed_notebook_has_no_errors() => Assert.Empty(ErrorsAfter(_ => { }));

    [Theory]
    [InlineData("missing-id", "$.cells[1]: missing required key \"id\"")]
    [InlineData("bad-id", "$.cells[1].id: must be 1 to 64 letters, digits, '-' or '_'")]
    [InlineData("duplicate-id", "$.cells[1].id: \"same\" is used by an earlier cell (cell ids must be unique)")]
    [InlineData("unknown-key", "$.cells[0]: unexpected key \"outputs\"")]
    [InlineData("bad-source", "$.cells[1].source: must be a string or an array of strings")]
    [InlineData("bad-output", "$.cells[1].outputs[0]: missing required key \"text\"")]
    [InlineData("bad-count", "$.cells[1].execution_count: must be null or an integer ≥ 0")]
    [InlineData("bad-mime", "$.cells[1].outputs[0].data['text/plain']: must be a string or an array of strings")]
    [InlineData("bad-tags", "$.cells[1].metadata.tags: must be an array of strings without commas")]
    [InlineData("no-kernel-name", "$.metadata.kernelspec: missing required key \"name\"")]
    public void Each_schema_rule_is_reported_with_its_path(string breakage, string expected)
    {
        var errors = ErrorsAfter(nb =>
        {
            var code = Cell(nb, 1);
            switch (breakage)
            {
                case "missing-id": code.Remove("id"); break;
                case "bad-id": code["id"] = "has space"; break;
                case "duplicate-id": Cell(nb, 0)["id"] = "same"; code["id"] = "same"; break;
                case "unknown-key": Cell(nb, 0)["outputs"] = new JsonArray(); break;
                case "bad-source": code["source"] = 5; break;
                case "bad-output": code["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout" }); break;
                case "bad-count": code["execution_count"] = -1; break;
                case "bad-mime":
                    code["outputs"] = new JsonArray(new JsonObject
                    {
                        ["output_type"] = "display_data", ["metadata"] = new JsonObject(),
                        ["data"] = new JsonObject { ["text/plain"] = 3, ["application/vnd.x+json"] = new JsonObject { ["any"] = 1 } },
                    });
                    break;
                case "bad-tags": code["metadata"]!["tags"] = new JsonArray("a,b"); break;
                case "no-kernel-name": ((JsonObject)nb["metadata"]!["kernelspec"]!).Remove("name"); break;
            }
        });
        Assert.Equal(expected, Assert.Single(errors));
    }

    [Fact]
    public void Older_minor_versions_need_no_cell_ids()
    {
        var nb = Fixtures.NotebookJson(Fixtures.Code("c"));
        nb["nbformat_minor"] = 4;
        Cell(nb, 0).Remove("id");
        Assert.Empty(NotebookSchema.Validate(nb));
    }
}
