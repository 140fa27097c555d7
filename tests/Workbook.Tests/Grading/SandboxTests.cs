using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Workbook.Grading;
using Workbook.Notebooks;

namespace Workbook.Tests.Grading;

/// <summary>
/// What a submission's kernel can reach in the sandbox, tried from inside it with code the grader's analysis would
/// have refused (so the sandbox itself is what stops it).
/// </summary>
public sealed class SandboxTests : IAsyncLifetime
{
    private readonly CourseWorkbook _workbook = CourseWorkbook.Load(Fixtures.RepoRoot)!;
    private Sandbox _mine = null!;
    private Sandbox _other = null!;
    private KernelProcess _kernel = null!;
    private TcpListener _listener = null!;

    public async Task InitializeAsync()
    {
        _mine = Sandbox.Create(_workbook, isolated: true);
        _other = Sandbox.Create(_workbook, isolated: true);
        File.WriteAllText(Path.Combine(_other.NotebooksFolder, "secret.ipynb"), "another student's work");
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Environment.SetEnvironmentVariable("GRADER_SECRET", "do not leak");
        _kernel = await KernelProcess.StartAsync(_mine.Launch(_workbook, Convert.ToHexString(new byte[32]), 2048L << 20), TimeSpan.FromMinutes(3), CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _kernel.Dispose();
        _listener.Stop();
        _mine.Dispose();
        _other.Dispose();
        return Task.CompletedTask;
    }

    private async Task<string> Value(string code)
    {
        var run = await _kernel.ExecuteAsync(1, code, TimeSpan.FromMinutes(2), CancellationToken.None);
        var outputs = new KernelOutputs().Build(run.Events, 1, 1);
        Assert.True(run.Ok, string.Join("\n", outputs.Select(o => o!.ToJsonString())));
        var result = outputs.OfType<JsonObject>().Single(o => (string?)o["output_type"] == "execute_result");
        return NotebookCell.JoinLines(result["data"]!["text/plain"]);
    }

    /// <summary>C# that runs <paramref name="statement"/> and gives "done", or the name of the exception it threw.</summary>
    private static string Attempt(string statement) =>
        $"((Func<string>)(() => {{ try {{ {statement}; return \"done\"; }} catch (Exception e) {{ return e.GetType().Name; }} }}))()";

    private static string Quote(string path) => "@\"" + path.Replace("\"", "\"\"") + "\"";

    [SandboxFact]
    public async Task It_sees_neither_other_submissions_nor_the_reference_solutions_nor_the_instructors_files()
    {
        var solution = Path.Combine(_workbook.SolutionsFolder, "01-rnn-forward-pass", "01.one-hot.csx");
        Assert.True(File.Exists(solution));
        Assert.Equal("False False False False",
            await Value($"$\"{{System.IO.File.Exists({Quote(Path.Combine(_other.NotebooksFolder, "secret.ipynb"))})}} {{System.IO.File.Exists({Quote(solution)})}} " +
                        $"{{System.IO.File.Exists({Quote(Path.Combine(Fixtures.RepoRoot, "README.md"))})}} {{System.IO.Directory.Exists(\"/root/.ssh\")}}\""));
        // What it does see: its own notebook folder, the workbook's library and data.
        Assert.Equal("True True", await Value("$\"{System.IO.File.Exists(\"../artifacts/lib/SequenceModels.dll\")} {System.IO.File.Exists(\"../data/README.md\")}\""));
    }

    [SandboxFact]
    public async Task It_writes_only_in_its_own_folder()
    {
        Assert.Equal("written", await Value("System.IO.File.WriteAllText(\"mine.txt\", \"ok\"); \"written\""));
        Assert.True(File.Exists(Path.Combine(_mine.NotebooksFolder, "mine.txt")));
        foreach (var target in new[] { "../data/planted.txt", "../artifacts/lib/planted.dll", Path.Combine(_other.NotebooksFolder, "planted.txt"), "/usr/planted.txt" })
        {
            Assert.NotEqual("done", await Value(Attempt($"System.IO.File.WriteAllText({Quote(target)}, \"x\")")));
        }
        Assert.False(File.Exists(Path.Combine(Fixtures.RepoRoot, "data", "planted.txt")));
        Assert.False(File.Exists(Path.Combine(_other.NotebooksFolder, "planted.txt")));
    }

    [SandboxFact]
    public async Task It_has_no_network_and_none_of_the_graders_environment()
    {
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        Assert.Equal("SocketException", await Value(Attempt($"new System.Net.Sockets.TcpClient().Connect(\"127.0.0.1\", {port})")));
        Assert.Equal("null", await Value("Environment.GetEnvironmentVariable(\"GRADER_SECRET\") ?? \"null\""));
        Assert.Equal("65534", await Value("System.IO.File.ReadAllLines(\"/proc/self/status\").First(l => l.StartsWith(\"Uid:\")).Split('\\t')[1]"));
    }
}

/// <summary>A test of the bubblewrap sandbox: skipped where it cannot be made, unless COURSENOTEBOOKS_REQUIRE_SANDBOX is 1 (CI).</summary>
public sealed class SandboxFactAttribute : FactAttribute
{
    public SandboxFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("COURSENOTEBOOKS_REQUIRE_SANDBOX") == "1") return;
        if (!GradingFixture.CanSandbox) Skip = $"{Sandbox.Probe()}; CI installs bubblewrap (.ci/run).";
    }
}
