using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Workbook.Kernel;

// The kernel process: one per notebook, started by the runner with the notebook's folder as working directory.
// Requests arrive as JSON lines on stdin; events leave on stdout (see Protocol). Cells' own Console output is captured.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;

var protocolOut = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
var protocolIn = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
var sink = new OutputSink(protocolOut);
OutputSink.Current = sink;
Console.SetOut(sink.StandardOutput);
Console.SetError(sink.StandardError);
Console.SetIn(TextReader.Null); // stdin carries the protocol; a cell reading the console sees end of input

var kernel = new ScriptKernel(Directory.GetCurrentDirectory(), sink, new NuGetRestorer(DotnetHost.Path()));
sink.Send(new JsonObject { ["type"] = EventType.Ready });

while (protocolIn.ReadLine() is { } line)
{
    var request = JsonNode.Parse(line)!.AsObject();
    var type = (string?)request["type"];
    if (type == "shutdown") break;
    if (type != "execute") continue;
    bool ok;
    try
    {
        ok = await kernel.ExecuteAsync((int)request["cell"]!, (string?)request["code"] ?? "");
    }
    catch (Exception e)
    {
        sink.Error(e.GetType().FullName ?? "Exception", e.Message, e.ToString().Split('\n'));
        ok = false;
    }
    sink.Flush();
    sink.Send(new JsonObject { ["type"] = EventType.Done, ["ok"] = ok });
}
return 0;
