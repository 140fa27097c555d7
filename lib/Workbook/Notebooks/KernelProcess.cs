using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Workbook.Notebooks;

/// <summary>
/// A kernel process running one notebook's cells, driven over the dotnet-interactive stdio protocol as VS Code's
/// Polyglot Notebooks drives it: one KernelCommandEnvelope per line on stdin (SubmitCode with a token), one
/// KernelEventEnvelope per line on stdout, the command's events carrying its token (or a child token "token.n").
/// One process per notebook keeps notebooks apart (working directory, loaded assemblies, formatter registrations)
/// and lets the runner stop a cell that runs too long by ending the process.
/// </summary>
internal sealed class KernelProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonObject> _events = Channel.CreateUnbounded<JsonObject>();
    private readonly StringBuilder _stderr = new();
    private readonly string _session = Guid.NewGuid().ToString("N")[..8];
    private int _submissions;

    private readonly CancellationTokenSource _stopped = new();
    private volatile string? _killedFor;

    private KernelProcess(Process process, long? memoryLimit)
    {
        _process = process;
        _ = Task.Run(ReadEventsAsync);
        _ = Task.Run(ReadErrorsAsync);
        if (memoryLimit is { } limit) _ = Task.Run(() => WatchMemoryAsync(limit));
    }

    /// <summary>The process id (for tests and diagnostics).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts a kernel and waits for its KernelReady event (at most <paramref name="startTimeout"/>).</summary>
    public static async Task<KernelProcess> StartAsync(KernelLaunch launch, TimeSpan startTimeout, CancellationToken cancel)
    {
        Process process;
        try
        {
            process = await ProcessLauncher.StartAsync(launch.StartInfo());
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new KernelStartException($"could not start {launch.FileName}: {e.Message}");
        }
        var kernel = new KernelProcess(process, launch.MemoryLimitBytes);
        foreach (var line in launch.Preamble) await process.StandardInput.WriteLineAsync(line.AsMemory(), cancel);
        await process.StandardInput.FlushAsync(cancel);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(startTimeout);
        try
        {
            while (true)
            {
                var e = await kernel._events.Reader.ReadAsync(timeout.Token);
                if ((string?)e["eventType"] == "KernelReady") return kernel;
            }
        }
        catch (Exception e) when (e is ChannelClosedException or OperationCanceledException)
        {
            kernel.Kill();
            var why = e is ChannelClosedException ? $"it exited with code {SafeExitCode(process)}" : $"it was not ready within {startTimeout.TotalSeconds:0} s";
            var tail = kernel.ErrorTail();
            kernel.Dispose();
            cancel.ThrowIfCancellationRequested();
            throw new KernelStartException($"the kernel did not start ({why}){(tail.Length > 0 ? ": " + tail : "")}");
        }
    }

    /// <summary>
    /// Submits one cell's code and returns its events in order, up to and including CommandSucceeded or
    /// CommandFailed. When the cell runs past <paramref name="timeout"/> or the kernel dies, the result says so and
    /// the kernel is no longer usable.
    /// </summary>
    public async Task<CellExecution> ExecuteAsync(int cell, string code, TimeSpan timeout, CancellationToken cancel,
        IReadOnlyDictionary<string, string>? parameters = null)
    {
        var token = $"{_session}-{++_submissions}";
        var commandParameters = new JsonObject { ["cellIndex"] = (cell - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var (k, v) in parameters ?? new Dictionary<string, string>()) commandParameters[k] = v;
        var envelope = new JsonObject
        {
            ["token"] = token,
            ["commandType"] = "SubmitCode",
            ["command"] = new JsonObject
            {
                ["code"] = code,
                ["targetKernelName"] = "csharp",
                ["parameters"] = commandParameters,
            },
        };
        var events = new List<JsonObject>();
        try
        {
            await _process.StandardInput.WriteLineAsync(envelope.ToJsonString().AsMemory(), cancel);
            await _process.StandardInput.FlushAsync(cancel);
        }
        catch (IOException)
        {
            return await CrashedAsync(events);
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        limit.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var e = await _events.Reader.ReadAsync(limit.Token);
                if (!BelongsTo(e, token)) continue;
                events.Add(e);
                if ((string?)e["command"]?["token"] == token && (string?)e["eventType"] is "CommandSucceeded" or "CommandFailed")
                    return new CellExecution(events, (string?)e["eventType"] == "CommandSucceeded", CellFailure.None);
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            Kill();
            return new CellExecution(events, false, CellFailure.Timeout);
        }
        catch (ChannelClosedException)
        {
            return await CrashedAsync(events);
        }
    }

    private async Task<CellExecution> CrashedAsync(List<JsonObject> events)
    {
        await _process.WaitForExitAsync(CancellationToken.None);
        if (_killedFor is { } reason) return new CellExecution(events, false, CellFailure.Crash, reason);
        var tail = ErrorTail();
        return new CellExecution(events, false, CellFailure.Crash, $"exit code {SafeExitCode(_process)}{(tail.Length > 0 ? ". " + tail : "")}");
    }

    /// <summary>True when the event was produced by the command <paramref name="token"/> or one it started.</summary>
    internal static bool BelongsTo(JsonObject e, string token) =>
        (string?)e["command"]?["token"] is { } t && (t == token || t.StartsWith(token + ".", StringComparison.Ordinal));

    public void Dispose()
    {
        _stopped.Cancel();
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine(new JsonObject { ["token"] = $"{_session}-quit", ["commandType"] = "Quit", ["command"] = new JsonObject() }.ToJsonString());
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(3000)) Kill();
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
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }
    }

    /// <summary>Ends the kernel when its process tree's resident memory passes <paramref name="limit"/> bytes.</summary>
    private async Task WatchMemoryAsync(long limit)
    {
        try
        {
            while (!_process.HasExited)
            {
                await Task.Delay(100, _stopped.Token);
                long resident = ProcessTree.ResidentBytes(_process.Id);
                if (resident <= limit) continue;
                _killedFor = $"it used more than {limit / (1024 * 1024)} MB of memory (the limit); the kernel was stopped";
                Kill();
                return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            // disposed, or the process is gone
        }
    }

    private static string SafeExitCode(Process process)
    {
        try
        {
            return process.HasExited ? process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    private async Task ReadEventsAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                // Anything that is not an event envelope (the tool's banner, a native library printing) is skipped.
                if (line.Length == 0 || line[0] != '{') continue;
                JsonObject? e;
                try
                {
                    e = JsonNode.Parse(line) as JsonObject;
                }
                catch (JsonException)
                {
                    continue;
                }
                if (e?["eventType"] is not null) await _events.Writer.WriteAsync(e);
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

/// <summary>A kernel process that could not be started; the message says why.</summary>
internal sealed class KernelStartException(string message) : Exception(message);

/// <summary>How a cell ended besides normally.</summary>
internal enum CellFailure
{
    None,
    Timeout,
    Crash,
}

/// <summary>The events of one cell, whether it succeeded, and why not.</summary>
internal sealed record CellExecution(IReadOnlyList<JsonObject> Events, bool Ok, CellFailure Failure, string? Detail = null);
