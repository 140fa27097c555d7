using System.Diagnostics;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Workbook.Kernel;

/// <summary>
/// Runs the C# cells of one notebook in order, in one script state (the engine of the Polyglot Notebooks C# kernel):
/// variables, methods and classes carry from cell to cell. Each cell compiles as a submission named "cell N", so
/// compile errors and stack traces point at the cell and its line.
/// </summary>
internal sealed class ScriptKernel
{
    /// <summary>The namespaces every cell starts with, as in the Polyglot Notebooks C# kernel.</summary>
    public static readonly string[] DefaultImports =
    [
        "System", "System.Collections", "System.Collections.Generic", "System.Linq", "System.Text",
        "System.Threading.Tasks", "Microsoft.DotNet.Interactive", "Microsoft.DotNet.Interactive.Formatting",
        "Microsoft.DotNet.Interactive.Kernel",
    ];

    private readonly string _notebookDirectory;
    private readonly OutputSink _sink;
    private readonly NuGetRestorer _restorer;
    private readonly List<PackageReference> _packages = [];
    private readonly List<string> _sources = [];
    private readonly HashSet<string> _referenced = new(StringComparer.Ordinal);
    private ScriptOptions _options;
    private ScriptState<object>? _state;

    public ScriptKernel(string notebookDirectory, OutputSink sink, NuGetRestorer restorer)
    {
        _notebookDirectory = notebookDirectory;
        _sink = sink;
        _restorer = restorer;
        _options = ScriptOptions.Default
            .WithReferences(FrameworkAssemblies().Concat([typeof(ScriptKernel).Assembly.Location,
                typeof(Microsoft.DotNet.Interactive.Formatting.Formatter).Assembly.Location,
                typeof(Microsoft.AspNetCore.Html.HtmlString).Assembly.Location]).Distinct())
            .WithImports(DefaultImports)
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(notebookDirectory))
            .WithSourceResolver(new SourceFileResolver([], notebookDirectory))
            .WithEmitDebugInformation(true)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithFileEncoding(System.Text.Encoding.UTF8);
    }

    /// <summary>Runs one cell; reports its outputs through the sink; returns false on a compile error or exception.</summary>
    public async Task<bool> ExecuteAsync(int cell, string source)
    {
        var (code, directives) = Directives.Extract(source);
        bool timed;
        try
        {
            timed = ApplyDirectives(cell, directives);
        }
        catch (KernelException e)
        {
            _sink.Error("DirectiveError", e.Message, [e.Message]);
            return false;
        }
        if (string.IsNullOrWhiteSpace(code)) return true;

        var clock = Stopwatch.StartNew();
        var options = _options.WithFilePath($"cell {cell}");
        var script = _state is null ? CSharpScript.Create(code, options) : _state.Script.ContinueWith(code, options);
        var errors = script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            ReportCompileErrors(cell, errors);
            return false;
        }

        var state = _state is null
            ? await script.RunAsync(catchException: _ => true)
            : await script.RunFromAsync(_state, catchException: _ => true);
        _state = state;
        if (state.Exception is { } exception)
        {
            ReportException(cell, exception);
            return false;
        }
        if (HasTrailingExpression(script.GetCompilation())) _sink.Result(state.ReturnValue);
        if (timed) _sink.StandardOutput.Write($"Wall time: {clock.Elapsed.TotalMilliseconds:0.###}ms{Environment.NewLine}");
        return true;
    }

    /// <summary>Carries out #r, #i and magic commands; returns whether #!time was asked for.</summary>
    private bool ApplyDirectives(int cell, IReadOnlyList<Directive> directives)
    {
        bool timed = false;
        var newPackages = new List<PackageReference>();
        foreach (var d in directives)
        {
            string where = $"cell {cell}, line {d.Line}";
            if (Directives.CSharpMagics.Contains(d.Name)) continue;
            if (d.Name.Equals("#!time", StringComparison.OrdinalIgnoreCase))
            {
                timed = true;
            }
            else if (Directives.OtherLanguageMagics.Contains(d.Name))
            {
                throw new KernelException($"{where}: {d.Name} switches to another language; the runner executes C# cells only.");
            }
            else if (d.Name == "i")
            {
                if (!d.Argument.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
                    throw new KernelException($"{where}: #i supports package sources only (#i \"nuget: URL-or-folder\").");
                var source = d.Argument["nuget:".Length..].Trim();
                _sources.Add(Directory.Exists(Path.Combine(_notebookDirectory, source))
                    ? Path.GetFullPath(Path.Combine(_notebookDirectory, source))
                    : source);
            }
            else if (d.IsNuGet)
            {
                var package = PackageReference.Parse(d.Argument);
                var existing = _packages.Concat(newPackages).FirstOrDefault(p => p.Id.Equals(package.Id, StringComparison.OrdinalIgnoreCase));
                if (existing is null) newPackages.Add(package);
                else if (package.Version is not null && existing.Version is not null && package.Version != existing.Version)
                    throw new KernelException(
                        $"{where}: {package.Id} {package.Version} was asked for, but version {existing.Version} is already loaded.");
            }
            else if (d.Name == "r")
            {
                AddReference(ResolveAssemblyPath(d.Argument, where));
            }
            else
            {
                throw new KernelException(
                    $"{where}: the directive {d.Name} is not supported by the runner (supported: #!csharp, #!time, #r \"file.dll\", #r \"nuget: Id, Version\", #i \"nuget: source\").");
            }
        }

        if (newPackages.Count > 0)
        {
            var all = _packages.Concat(newPackages).ToList();
            var assemblies = _restorer.Restore(all, _sources);
            _packages.AddRange(newPackages);
            foreach (var path in assemblies) AddReference(path);
        }
        return timed;
    }

    private string ResolveAssemblyPath(string argument, string where)
    {
        var path = Path.IsPathRooted(argument) ? argument : Path.GetFullPath(Path.Combine(_notebookDirectory, argument));
        if (File.Exists(path)) return path;
        throw new KernelException(
            $"{where}: #r \"{argument}\": no such file ({path}). If it is the workbook library, build it first: dotnet build CourseNotebooks.sln");
    }

    private void AddReference(string path)
    {
        // An assembly the kernel already has (Formatting, the framework) is referenced once, from where it is loaded.
        var name = AssemblyName.GetAssemblyName(path).Name;
        if (_options.MetadataReferences.OfType<PortableExecutableReference>()
            .Any(r => r.FilePath is { } p && Path.GetFileNameWithoutExtension(p).Equals(name, StringComparison.OrdinalIgnoreCase)))
            return;
        if (_referenced.Add(path)) _options = _options.AddReferences(MetadataReference.CreateFromFile(path));
    }

    private void ReportCompileErrors(int cell, IReadOnlyList<Diagnostic> errors)
    {
        var lines = errors.Select(d =>
        {
            var p = d.Location.GetLineSpan().StartLinePosition;
            return $"cell {cell}, line {p.Line + 1}, column {p.Character + 1}: error {d.Id}: {d.GetMessage()}";
        }).ToList();
        _sink.Error("CompilationError", lines[0], lines);
    }

    private void ReportException(int cell, Exception exception)
    {
        while (exception is AggregateException { InnerExceptions.Count: 1 } or TargetInvocationException && exception.InnerException is not null)
            exception = exception.InnerException!;
        var frame = new StackTrace(exception, true).GetFrames()
            .FirstOrDefault(f => f.GetFileName() is { } file && Path.GetFileName(file).StartsWith("cell ", StringComparison.Ordinal));
        string where = frame is null ? $"cell {cell}" : $"{Path.GetFileName(frame.GetFileName())}, line {frame.GetFileLineNumber()}";
        var type = exception.GetType().FullName ?? exception.GetType().Name;
        var traceback = new List<string> { $"{where}: {type}: {exception.Message}" };
        // Script frames name their cell ("in cell 3:line 2"), without the folder Roslyn puts in front.
        var folder = _notebookDirectory.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        traceback.AddRange(exception.ToString().Replace(folder + "cell ", "cell ").Split('\n').Select(l => l.TrimEnd())
            .Where(l => !l.Contains("Microsoft.CodeAnalysis.Scripting", StringComparison.Ordinal)
                        && !l.Contains("--- End of stack trace", StringComparison.Ordinal)
                        && !l.Contains("System.Runtime.CompilerServices", StringComparison.Ordinal)
                        && !l.Contains("System.Runtime.ExceptionServices", StringComparison.Ordinal)));
        _sink.Error(type, $"{where}: {exception.Message}", traceback);
    }

    /// <summary>True when the cell ends with an expression without a semicolon whose value is shown.</summary>
    private static bool HasTrailingExpression(Compilation compilation)
    {
        var tree = compilation.SyntaxTrees.Single();
        if (((Microsoft.CodeAnalysis.CSharp.Syntax.CompilationUnitSyntax)tree.GetRoot()).Members.LastOrDefault()
            is not Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax
            {
                Statement: Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionStatementSyntax { SemicolonToken.IsMissing: true } statement,
            })
            return false;
        var type = compilation.GetSemanticModel(tree).GetTypeInfo(statement.Expression).Type;
        return type is not null && type.SpecialType != SpecialType.System_Void;
    }

    private static IEnumerable<string> FrameworkAssemblies()
    {
        var tpa = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "";
        var shared = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return tpa.Split(Path.PathSeparator)
            .Where(p => p.Length > 0 && Path.GetDirectoryName(p) == shared && IsManaged(p));
    }

    private static bool IsManaged(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
