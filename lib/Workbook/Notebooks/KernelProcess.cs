using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Workbook.Kernel;

namespace Workbook.Notebooks;

/// <summary>
/// A kernel process (Workbook.Kernel) running one notebook's cells. One process per notebook keeps notebooks apart
/// (working directory, loaded assemblies, formatter registrations) and lets the runner stop a cell that runs too
/// long by ending the process.
/// </summary>
internal sealed class KernelProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonObject> _events = Channel.CreateUnbounded<JsonObject>();
    private readonly StringBuilder _stderr = new();

    private KernelProcess(Process process)
    {
        _process = process;
        _ = Task.Run(ReadEventsAsync);
        _ = Task.Run(ReadErrorsAsync);
    }

    /// <summary>The kernel assembly, beside the runner's own.</summary>
    public static string KernelAssembly => Path.Combine(AppContext.BaseDirectory, "Workbook.Kernel.dll");

    /// <summary>Starts a kernel in <paramref name="workingDirectory"/> and waits until it is ready.</summary>
    public static async Task<KernelProcess> StartAsync(string workingDirectory, CancellationToken cancel)
    {
        if (!File.Exists(KernelAssembly))
            throw new FileNotFoundException($"The kernel {KernelAssembly} is missing; rebuild the workbook (dotnet build).");
        var info = new ProcessStartInfo(DotnetHost.Path())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(KernelAssembly);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the kernel process.");
        var kernel = new KernelProcess(process);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            while (true)
            {
                var e = await kernel._events.Reader.ReadAsync(timeout.Token);
                if ((string?)e["type"] == EventType.Ready) return kernel;
            }
        }
        catch (Exception e) when (e is ChannelClosedException or OperationCanceledException)
        {
            kernel.Dispose();
            throw new InvalidOperationException($"The kernel did not start: {kernel.ErrorTail()}");
        }
    }

    /// <summary>
    /// Runs one cell and returns its events in order, ending with a "done" event. When the cell runs past
    /// <paramref name="timeout"/> or the kernel dies, the result says so and the kernel is no longer usable.
    /// </summary>
    public async Task<CellExecution> ExecuteAsync(int cell, string code, TimeSpan timeout, CancellationToken cancel)
    {
        var events = new List<JsonObject>();
        await _process.StandardInput.WriteLineAsync(Protocol.ToLine(Protocol.Execute(cell, code)).AsMemory(), cancel);
        await _process.StandardInput.FlushAsync(cancel);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        limit.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var e = await _events.Reader.ReadAsync(limit.Token);
                if ((string?)e["type"] == EventType.Done) return new CellExecution(events, (bool?)e["ok"] == true, CellFailure.None);
                events.Add(e);
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            Kill();
            return new CellExecution(events, false, CellFailure.Timeout);
        }
        catch (ChannelClosedException)
        {
            await _process.WaitForExitAsync(CancellationToken.None);
            return new CellExecution(events, false, CellFailure.Crash, $"exit code {_process.ExitCode}. {ErrorTail()}".Trim());
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine(Protocol.ToLine(Protocol.Shutdown()));
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(2000)) Kill();
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            Kill();
        }
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private async Task ReadEventsAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.Length > 0 && line[0] == Protocol.Marker && JsonNode.Parse(line.AsSpan(1).ToString()) is JsonObject e)
                    await _events.Writer.WriteAsync(e);
                else // something printed to the process's stdout behind the kernel's back: keep it as output
                    await _events.Writer.WriteAsync(new JsonObject { ["type"] = EventType.Stream, ["name"] = "stdout", ["text"] = line + "\n" });
            }
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    private async Task ReadErrorsAsync()
    {
        var buffer = new char[4096];
        int n;
        while ((n = await _process.StandardError.ReadAsync(buffer)) > 0)
            lock (_stderr)
            {
                _stderr.Append(buffer, 0, n);
                if (_stderr.Length > 64_000) _stderr.Remove(0, _stderr.Length - 32_000);
            }
    }

    private string ErrorTail()
    {
        lock (_stderr)
        {
            var text = _stderr.ToString().Trim();
            return text.Length > 2000 ? "…" + text[^2000..] : text;
        }
    }
}

/// <summary>How a cell ended besides normally.</summary>
internal enum CellFailure
{
    None,
    Timeout,
    Crash,
}

/// <summary>The events of one cell, whether it succeeded, and why not.</summary>
internal sealed record CellExecution(IReadOnlyList<JsonObject> Events, bool Ok, CellFailure Failure, string? Detail = null);
