using System.Collections.Concurrent;
using System.Diagnostics;

namespace Workbook.Notebooks;

/// <summary>
/// Starts processes from one thread that lives as long as the runner. On Linux a child asked to die with its parent
/// (bubblewrap's <c>--die-with-parent</c>, i.e. <c>PR_SET_PDEATHSIG</c>) is killed when the <em>thread</em> that forked
/// it ends, not the process: started from a thread-pool thread, a sandboxed kernel got SIGKILL (exit code 137)
/// whenever the pool retired that thread, at start or in the middle of a notebook. Forked from this thread, a kernel
/// dies with the runner and only then.
/// </summary>
internal static class ProcessLauncher
{
    private static readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> Requests = [];

    static ProcessLauncher()
    {
        var thread = new Thread(Serve) { IsBackground = true, Name = "kernel launcher" };
        thread.Start();
    }

    /// <summary>Starts <paramref name="info"/> on the launcher thread; faults with what <see cref="Process.Start(ProcessStartInfo)"/> throws.</summary>
    public static Task<Process> StartAsync(ProcessStartInfo info)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((info, started));
        return started.Task;
    }

    private static void Serve()
    {
        foreach (var (info, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(info) ?? throw new InvalidOperationException("Process.Start returned null"));
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        }
    }
}
