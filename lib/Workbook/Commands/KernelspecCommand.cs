using System.CommandLine;
using System.Diagnostics;
using Workbook.Notebooks;

namespace Workbook.Commands;

/// <summary>
/// <c>workbook kernelspec</c>: restores the dotnet-interactive tool pinned by the repository and installs the Jupyter
/// kernelspec <c>.net-csharp</c> for it, bound to the loopback interface (see <see cref="JupyterKernelSpec"/>), so that
/// Jupyter and VS Code's Jupyter extension run the notebooks on the same engine as <c>workbook run</c>.
/// </summary>
internal static class KernelspecCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data-dir")
        {
            Description = "Jupyter data folder to install into (default: your user's, as `jupyter kernelspec install --user`).",
        };
        var noRestore = new Option<bool>("--no-restore") { Description = "Do not run `dotnet tool restore` first." };
        var command = new Command("kernelspec", "Install the .net-csharp Jupyter kernelspec for the pinned dotnet-interactive tool, listening on loopback only.")
        {
            data, noRestore,
        };
        command.SetAction(async (parse, cancel) =>
            await RunAsync(parse.GetValue(data), !parse.GetValue(noRestore), Console.Out, Console.Error, cancel));
        return command;
    }

    public static async Task<int> RunAsync(string? dataDirectory, bool restore, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        if (restore)
        {
            var manifest = ToolManifest.Find(Directory.GetCurrentDirectory());
            if (manifest is null)
            {
                stderr.WriteLine("error: no .config/dotnet-tools.json here or above: run this command inside the repository.");
                return 2;
            }
            var info = new ProcessStartInfo(DotnetHost.Path(), "tool restore")
            {
                WorkingDirectory = Path.GetDirectoryName(Path.GetDirectoryName(manifest))!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync(cancel);
            var errors = process.StandardError.ReadToEndAsync(cancel);
            await process.WaitForExitAsync(cancel);
            if (process.ExitCode != 0)
            {
                stderr.WriteLine($"error: dotnet tool restore failed ({process.ExitCode}): {(await errors).Trim()} {(await output).Trim()}");
                return 1;
            }
        }
        var path = JupyterKernelSpec.Install(dataDirectory ?? JupyterKernelSpec.UserDataDirectory());
        stdout.WriteLine($"Installed the Jupyter kernelspec {JupyterKernelSpec.Name} (loopback only): {path}");
        return 0;
    }
}
