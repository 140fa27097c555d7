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

    /// <summary>One timed run of <see cref="Steps"/>.</summary>
    public readonly record struct Run(double SecondsPerStep, int Steps, double Elapsed);

    /// <summary>The result of <see cref="Steps"/>: the median seconds per step and every run.</summary>
    public sealed record StepTiming(double MedianSecondsPerStep, IReadOnlyList<Run> Runs);

    /// <summary>
    /// The script's <c>time_steps</c>: <paramref name="warmup"/> untimed steps, then <paramref name="repeats"/> runs,
    /// each lasting until it has at least <paramref name="minSteps"/> steps and <paramref name="minTime"/> seconds (or
    /// <paramref name="maxTime"/> seconds and 5 steps); the median seconds per step over the runs.
    /// </summary>
    public static StepTiming Steps(Func<double> step, int warmup = 5, int minSteps = 50, double minTime = 2.0,
        double maxTime = 10.0, int repeats = 3)
    {
        for (int i = 0; i < warmup; i++) step();
        var runs = new Run[repeats];
        for (int r = 0; r < repeats; r++)
        {
            int n = 0;
            long start = Stopwatch.GetTimestamp();
            double elapsed;
            while (true)
            {
                step();
                n++;
                elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if ((n >= minSteps && elapsed >= minTime) || (elapsed >= maxTime && n >= 5)) break;
            }
            runs[r] = new Run(elapsed / n, n, elapsed);
        }
        return new StepTiming(Median(runs.Select(x => x.SecondsPerStep).ToArray()), runs);
    }

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
