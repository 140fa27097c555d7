using System.CommandLine;
using System.Diagnostics;
using Workbook.Bench;

namespace Workbook.Commands;

/// <summary>
/// <c>workbook bench [matmul|W1|W2|W3|all]</c>: the speed benchmarks of ../shared/bench, printed so they compare line
/// by line with torch_ner_bench.py run on the same machine. Run it from a Release build.
/// </summary>
internal static class BenchCommand
{
    // Every workload the command knows, in the order `all` runs them; each gets the minimum seconds per timed run.
    private static readonly (string Name, string Description, Action<TextWriter, double> Run)[] Workloads =
    [
        ("matmul", "float32 matrix products, GFLOP/s for the four reference shapes", (output, _) => MatmulBench.Run(output)),
        ("W1", "NER tagger training step, LSTM 50/50, B=64 T=32", (output, seconds) => NerBench.Run(NerBench.Workloads[0], output, seconds)),
        ("W2", "NER tagger training step, BiLSTM 100/128, B=32 T=48", (output, seconds) => NerBench.Run(NerBench.Workloads[1], output, seconds)),
        ("W3", "NER tagger inference (forward + argmax), BiLSTM 100/128, B=256 T=48", (output, seconds) => NerBench.Run(NerBench.Workloads[2], output, seconds)),
    ];

    public static Command Create()
    {
        var names = Workloads.Select(w => w.Name).Append("all").ToArray();
        var workload = new Argument<string>("workload")
        {
            Description = "What to measure: " + string.Join("; ", Workloads.Select(w => $"{w.Name}: {w.Description}")) +
                          "; all: every workload.",
            DefaultValueFactory = _ => "all",
        };
        workload.AcceptOnlyFromAmong(names);
        var seconds = new Option<double>("--seconds")
        {
            Description = "The shortest timed run of W1–W3 (the reference protocol's 2 s; runs stop at 10 s or 5× this).",
            DefaultValueFactory = _ => 2.0,
        };
        var command = new Command("bench", "Measure training speed and matrix-product throughput (use a Release build).");
        command.Arguments.Add(workload);
        command.Options.Add(seconds);
        command.SetAction(parse => Run(parse.GetValue(workload)!, Console.Out, Console.Error, parse.GetValue(seconds)));
        return command;
    }

    /// <summary>Runs the chosen workloads (0), or reports a bad <paramref name="seconds"/> (2).</summary>
    internal static int Run(string name, TextWriter output, TextWriter error, double seconds = 2.0)
    {
        if (!(seconds > 0) || double.IsInfinity(seconds))
        {
            error.WriteLine($"error: --seconds must be a positive number of seconds, not {seconds}.");
            return 2;
        }
#if DEBUG
        error.WriteLine("warning: a Debug build of the workbook; measure with `dotnet run -c Release`.");
#endif
        output.WriteLine($"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, Gemm kernel {SequenceModels.Gemm.Kernel}");
        foreach (var (_, _, run) in Workloads.Where(w => name == "all" || w.Name == name))
        {
            // Each workload starts from a heap without the last one's model and optimiser state (as the reference
            // disposes its model after each workload).
            GC.Collect();
            GC.WaitForPendingFinalizers();
            run(output, seconds);
            output.Flush();
        }
        using var self = Process.GetCurrentProcess();
        output.WriteLine($"peak working set: {self.PeakWorkingSet64 / (1024 * 1024)} MB");
        return 0;
    }
}
