using System.Diagnostics;
using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>
/// A child that asks to die with its parent (PR_SET_PDEATHSIG, as bubblewrap's --die-with-parent does) outlives the
/// thread that asked for it: kernels are forked from the launcher's own thread, not from a pool thread that may end.
/// </summary>
public sealed class ProcessLauncherTests
{
    private static readonly string? Setpriv = new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists);

    private static ProcessStartInfo SleepUntilParentDies() => new(Setpriv!, ["--pdeathsig", "KILL", "sleep", "30"]);

    /// <summary>Starts the process on a thread of its own that ends 0.5 s later (setpriv has asked for the signal by then); returns it 1 s after that.</summary>
    private static Process StartFromEndedThread(Func<ProcessStartInfo, Process> start)
    {
        Process? process = null;
        var thread = new Thread(() =>
        {
            process = start(SleepUntilParentDies());
            Thread.Sleep(500);
        });
        thread.Start();
        thread.Join();
        Thread.Sleep(1000);
        return process!;
    }

    [Fact]
    public void A_process_started_through_the_launcher_outlives_the_thread_that_asked_for_it()
    {
        if (Setpriv is null) return; // util-linux is on every Debian machine; nothing to show without it
        using var process = StartFromEndedThread(info => ProcessLauncher.StartAsync(info).GetAwaiter().GetResult());
        try
        {
            Assert.False(process.HasExited, $"exited with {(process.HasExited ? process.ExitCode : 0)}");
        }
        finally
        {
            process.Kill();
        }
    }

    [Fact]
    public void Started_directly_from_a_thread_that_ends_it_is_killed_which_is_why_the_launcher_exists()
    {
        if (Setpriv is null) return;
        using var process = StartFromEndedThread(info => Process.Start(info)!);
        Assert.True(process.WaitForExit(5000));
        Assert.Equal(137, process.ExitCode);
    }
}
