using System.Diagnostics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace Workbook.Kernel;

/// <summary>
/// The kernel a notebook runs in: Microsoft.DotNet.Interactive's <see cref="CompositeKernel"/> with its
/// <see cref="CSharpKernel"/>, set up the way the dotnet-interactive tool 1.0.712001 sets it up for VS Code
/// (<c>KernelBuilder.CreateKernel</c> and <c>SetUpFormatters</c> for a browser front end, in the tool's sources at
/// commit df4e5cbc), minus the kernels of other languages. What the tool adds from packages the mirror does not serve
/// (the Jupyter package's <c>#!time</c>) is rebuilt here with the same output.
/// </summary>
public static class KernelComposition
{
    /// <summary>Creates the kernel and sets the process-wide formatter defaults.</summary>
    public static CompositeKernel Create()
    {
        var composite = new CompositeKernel();
        composite.Add(
            new CSharpKernel()
                .UseNugetDirective((kernel, packages) =>
                {
                    kernel.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
                    return Task.CompletedTask;
                })
                .UseKernelHelpers()
                .UseWho()
                .UseValueSharing(),
            ["c#", "C#"]);
        UseTime(composite);
        composite.DefaultKernelName = "csharp";

        // SetUpFormatters(BrowserFrontendEnvironment): HTML by default, strings as plain text.
        Formatter.DefaultMimeType = HtmlFormatter.MimeType;
        Formatter.SetPreferredMimeTypesFor(typeof(string), PlainTextFormatter.MimeType);
        return composite;
    }

    /// <summary><c>#!time</c>, as Microsoft.DotNet.Interactive.Jupyter's <c>UseDefaultMagicCommands</c> defines it.</summary>
    private static void UseTime(Microsoft.DotNet.Interactive.Kernel kernel)
    {
        kernel.AddDirective(
            new KernelActionDirective("#!time") { Description = "Time the execution of the following code in the submission." },
            (_, context) =>
            {
                var timer = Stopwatch.StartNew();
                context.OnComplete(invocation =>
                {
                    var elapsed = timer.Elapsed;
                    invocation.Publish(new DisplayedValueProduced(elapsed, context.Command,
                        [new FormattedValue(PlainTextFormatter.MimeType, $"Wall time: {elapsed.TotalMilliseconds}ms")]));
                });
                return Task.CompletedTask;
            });
    }
}
