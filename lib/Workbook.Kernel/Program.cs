using System.Text;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Connection;
using Workbook.Kernel;

// The notebook kernel process. Usage: Workbook.Kernel [stdio] --working-dir DIR [--grading]
// It is the .NET Interactive engine composed as `dotnet-interactive [vscode] stdio` composes it for C#, speaking the
// same JSON-lines protocol on stdin/stdout: KernelCommandEnvelopes in, KernelEventEnvelopes out, KernelReady first.
// With --grading, the first line of stdin is the grader's key (hex) for signing check results (CheckCapture).
var workingDirectory = Environment.CurrentDirectory;
bool grading = false;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--working-dir" && i + 1 < args.Length) workingDirectory = args[++i];
    else if (args[i] == "--grading") grading = true;
    else if (args[i] is not "stdio" and not "[vscode]")
    {
        Console.Error.WriteLine($"Workbook.Kernel: unknown argument {args[i]} (usage: Workbook.Kernel [stdio] --working-dir DIR [--grading])");
        return 2;
    }
}
if (!Directory.Exists(workingDirectory))
{
    Console.Error.WriteLine($"Workbook.Kernel: the working directory {workingDirectory} does not exist");
    return 2;
}

Console.InputEncoding = Encoding.UTF8;
Console.OutputEncoding = Encoding.UTF8;
Environment.CurrentDirectory = Path.GetFullPath(workingDirectory);

// The protocol keeps stdin and stdout to itself: a cell that reads the console sees the end of its input instead of
// the runner's next command (the tool shares Console.In with its cells, so there Console.ReadLine() takes the next
// command off the wire).
var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
byte[]? gradingKey = null;
if (grading)
{
    try
    {
        gradingKey = Convert.FromHexString(stdin.ReadLine() ?? "");
    }
    catch (FormatException)
    {
    }
    if (gradingKey is not { Length: >= 32 })
    {
        Console.Error.WriteLine("Workbook.Kernel: --grading expects a key of at least 32 bytes, in hex, on the first line of stdin");
        return 2;
    }
}
var protocolIn = new EndOfInputExits(stdin);
var protocolOut = TextWriter.Synchronized(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true });
Console.SetIn(TextReader.Null);

using var kernel = KernelComposition.Create();
var sender = KernelCommandAndEventSender.FromTextWriter(protocolOut, KernelHost.CreateHostUri("stdio"));
var receiver = KernelCommandAndEventReceiver.FromTextReader(protocolIn);
using var capture = gradingKey is null ? null : new CheckCapture(gradingKey, protocolOut).Attach(kernel);
var host = kernel.UseHost(sender, receiver, KernelHost.CreateHostUriForCurrentProcessId());
kernel.UseQuitCommand(() =>
{
    host.Dispose();
    Environment.Exit(0);
    return Task.CompletedTask;
});
await host.ConnectAndWaitAsync();
return 0;

/// <summary>
/// The protocol's input. The engine's receiver asks for a line with a one-second timeout and asks again when it
/// expires; a read it abandons would swallow the next command, so the one read in flight is kept and handed to the
/// next call. When the runner closes the input (it exited or was killed), the kernel exits too (the receiver would
/// otherwise take each null line as "nothing yet" and ask again at once, forever).
/// </summary>
internal sealed class EndOfInputExits(TextReader reader) : TextReader
{
    private Task<string?>? _pending;

    public override string? ReadLine() => reader.ReadLine() ?? Exit();

    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var read = _pending ??= reader.ReadLineAsync();
        try
        {
            await read.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return null; // no line yet; the read stays pending for the next call
        }
        _pending = null;
        return await read ?? Exit();
    }

    public override Task<string?> ReadLineAsync() => ReadLineAsync(CancellationToken.None).AsTask();

    private static string? Exit()
    {
        Environment.Exit(0);
        return null;
    }
}
