using System.Diagnostics;

namespace Workbook.Bench;

/// <summary>The timing protocols of ../shared/bench (torch_ner_bench.py), so our figures and PyTorch's compare.</summary>
internal static class Timing
{
    /// <summary>
    /// The script's <c>time_fn</c>: 3 warm-up calls; calibrate a call count n (×4 until a batch takes 50 ms), scale it
    /// to about <paramref name="target"/> seconds; time <paramref name="repeats"/> batches of n calls; the median
    /// seconds per call.
    /// </summary>
    public static double SecondsPerCall(Action call, double target = 0.3, int repeats = 5)
    {
        for (int i = 0; i < 3; i++) call();
        long n = 1;
        double elapsed;
        while (true)
        {
            elapsed = Time(call, n);
            if (elapsed >= 0.05) break;
            n *= 4;
        }
        n = Math.Max(1, (long)(n * target / elapsed));
        var perCall = new double[repeats];
        for (int r = 0; r < repeats; r++) perCall[r] = Time(call, n) / n;
        return Median(perCall);
    }

    // The training workloads (W1–W3) will add the script's time_steps here: 5 warm-up steps, runs of at least 50 steps
    // and 2 s (at most 10 s), the median of 3 runs.

    /// <summary>The median (the mean of the middle two for an even count), as Python's statistics.median.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double Time(Action call, long n)
    {
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < n; i++) call();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
