using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// The notebooks run as a Jupyter client runs them: <c>jupyter nbconvert --execute</c> (Debian's nbconvert and
/// nbclient) against the <c>.net-csharp</c> kernelspec that <c>workbook kernelspec</c> installs, which starts the
/// dotnet-interactive tool pinned by the repository.
/// </summary>
public sealed class JupyterClientTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("jupyter-client-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // a kernel may still be closing
        }
    }

    [JupyterFact]
    public async Task Two_notebooks_run_under_nbconvert_with_no_error_output()
    {
        var data = Path.Combine(_folder, "jupyter");
        JupyterKernelSpec.Install(data);
        var output = Path.Combine(_folder, "executed");
        string[] names = ["01-rnn-forward-pass.ipynb", "04-lstm-gates.ipynb"];
        var info = new ProcessStartInfo(JupyterFactAttribute.Jupyter)
        {
            WorkingDirectory = CourseRuns.NotebooksFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=900",
                     $"--ExecutePreprocessor.kernel_name={JupyterKernelSpec.Name}", "--output-dir", output })
            info.ArgumentList.Add(a);
        foreach (var n in names) info.ArgumentList.Add(n);
        info.Environment["JUPYTER_PATH"] = data;
        info.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"nbconvert exited with {process.ExitCode}: {await stderr}");

        foreach (var name in names)
        {
            var executed = NotebookDocument.Load(Path.Combine(output, name));
            var cells = executed.CodeCells.ToList();
            Assert.All(cells, c => Assert.NotNull(c.Json["execution_count"]));
            var errors = cells.SelectMany(c => c.Outputs.OfType<JsonObject>().Where(o => (string?)o["output_type"] == "error")
                .Select(o => $"cell {c.Number}: {(string?)o["ename"]}: {(string?)o["evalue"]}")).ToList();
            Assert.True(errors.Count == 0, $"{name}: {string.Join("\n", errors)}");
            Assert.Contains(cells, c => c.Outputs.Count > 0);
        }
    }

    [JupyterFact]
    public async Task The_kernel_of_the_kernelspec_listens_on_loopback_only()
    {
        var argv = JupyterKernelSpec.KernelJson()["argv"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Contains("--http-local-only", argv);
        var connection = Path.Combine(_folder, "connection.json");
        var ports = Enumerable.Range(0, 5).Select(_ => FreePort()).ToList();
        File.WriteAllText(connection, new JsonObject
        {
            ["shell_port"] = ports[0], ["iopub_port"] = ports[1], ["stdin_port"] = ports[2], ["control_port"] = ports[3], ["hb_port"] = ports[4],
            ["ip"] = "127.0.0.1", ["key"] = Guid.NewGuid().ToString("N"), ["transport"] = "tcp", ["signature_scheme"] = "hmac-sha256",
            ["kernel_name"] = JupyterKernelSpec.Name,
        }.ToJsonString());
        var info = new ProcessStartInfo(argv[0]) { WorkingDirectory = CourseRuns.NotebooksFolder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in argv.Skip(1)) info.ArgumentList.Add(a == "{connection_file}" ? connection : a);
        info.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            // The HTTP API starts after the kernel's ZeroMQ sockets: wait for a listener outside the five Jupyter ports.
            IReadOnlyList<IPEndPoint> listening = [];
            for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromMinutes(2); await Task.Delay(500))
            {
                listening = ListeningSockets(process.Id);
                if (listening.Any(e => !ports.Contains(e.Port) && e.Port is >= 1024)) break;
                Assert.False(process.HasExited, "the kernel exited");
            }
            Assert.Contains(listening, e => !ports.Contains(e.Port));
            Assert.All(listening, e => Assert.True(IPAddress.IsLoopback(e.Address), $"listening on {e}"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The TCP sockets in LISTEN state that process <paramref name="pid"/> or a descendant owns (from /proc).</summary>
    private static List<IPEndPoint> ListeningSockets(int pid)
    {
        var inodes = new HashSet<string>();
        foreach (var fd in ProcessTree.Of(pid).SelectMany(p => Directory.Exists($"/proc/{p}/fd") ? Directory.EnumerateFiles($"/proc/{p}/fd") : []))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                    inodes.Add(target[8..^1]);
            }
            catch (IOException)
            {
                // closed meanwhile
            }
        }
        var result = new List<IPEndPoint>();
        foreach (var (table, v6) in new[] { ("/proc/net/tcp", false), ("/proc/net/tcp6", true) })
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f[3] != "0A" || !inodes.Contains(f[9])) continue; // 0A = LISTEN
                var (address, port) = (f[1].Split(':')[0], int.Parse(f[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                var bytes = Convert.FromHexString(address);
                // /proc prints each 32-bit word of the address in host (little-endian) order.
                for (int w = 0; w < bytes.Length; w += 4) Array.Reverse(bytes, w, 4);
                result.Add(new IPEndPoint(new IPAddress(v6 ? bytes : bytes[..4]), port));
            }
        return result;
    }
}

/// <summary>
/// A test that needs Jupyter's nbconvert (Debian: jupyter-nbconvert, python3-nbclient) and Linux's /proc. Skipped
/// when they are missing, unless COURSENOTEBOOKS_REQUIRE_JUPYTER is 1 (as CI sets it, after installing them).
/// </summary>
public sealed class JupyterFactAttribute : FactAttribute
{
    /// <summary>The jupyter command of the system's Python (not a virtual environment's).</summary>
    public const string Jupyter = "/usr/bin/jupyter";

    public JupyterFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("COURSENOTEBOOKS_REQUIRE_JUPYTER") == "1") return;
        if (!OperatingSystem.IsLinux() || !File.Exists(Jupyter) || !File.Exists("/usr/bin/jupyter-nbconvert"))
            Skip = "Jupyter nbconvert is not installed (apt-get install jupyter-nbconvert python3-nbclient); CI installs it (.ci/run).";
    }
}
