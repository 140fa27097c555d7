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
    // Every workload the command knows, in the order `all` runs them. W1–W3 (the NER tagger's training and inference
    // steps) need the LSTM tagger: each gets its Run here, printing `W1 tokens/s: …` and `W1 ms/step: …`.
    private static readonly (string Name, string Description, Action<TextWriter>? Run)[] Workloads =
    [
        ("matmul", "float32 matrix products, GFLOP/s for the four reference shapes", MatmulBench.Run),
        ("W1", "NER tagger training step, unidirectional LSTM (not built yet)", null),
        ("W2", "NER tagger training step, bidirectional LSTM (not built yet)", null),
        ("W3", "NER tagger inference, bidirectional LSTM (not built yet)", null),
    ];

    public static Command Create()
    {
        var names = Workloads.Select(w => w.Name).Append("all").ToArray();
        var workload = new Argument<string>("workload")
        {
            Description = "What to measure: " + string.Join("; ", Workloads.Select(w => $"{w.Name}: {w.Description}")) +
                          "; all: every workload.",
            DefaultValueFactory = _ => "matmul",
        };
        workload.AcceptOnlyFromAmong(names);
        var command = new Command("bench", "Measure training speed and matrix-product throughput (use a Release build).");
        command.Arguments.Add(workload);
        command.SetAction(parse => Run(parse.GetValue(workload)!, Console.Out, Console.Error));
        return command;
    }

    /// <summary>Runs the chosen workloads; 2 if one of them is not available yet.</summary>
    internal static int Run(string name, TextWriter output, TextWriter error)
    {
#if DEBUG
        error.WriteLine("warning: a Debug build of the workbook; measure with `dotnet run -c Release`.");
#endif
        int exitCode = 0, ran = 0;
        foreach (var (workloadName, _, run) in Workloads.Where(w => name == "all" || w.Name == name))
        {
            if (run is null)
            {
                error.WriteLine($"{workloadName}: not available yet (needs the LSTM tagger).");
                exitCode = 2;
                continue;
            }
            run(output);
            ran++;
        }
        if (ran > 0)
        {
            using var self = Process.GetCurrentProcess();
            output.WriteLine($"peak working set: {self.PeakWorkingSet64 / (1024 * 1024)} MB");
        }
        return exitCode;
    }
}
