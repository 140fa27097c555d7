using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SequenceModels.Exercises;
using Workbook.Notebooks;

namespace Workbook.Grading;

/// <summary>What the analysis found in one exercise cell.</summary>
/// <param name="Exercise">The exercise id.</param>
/// <param name="Violations">Why the cell scores nothing, one line each naming the line of the cell (empty: none).</param>
/// <param name="Calls">The other exercises whose functions (the student's) this cell calls.</param>
public sealed record CellAnalysis(string Exercise, IReadOnlyList<string> Violations, IReadOnlyList<string> Calls)
{
    /// <summary>True when the cell calls the reference implementation or uses something exercise cells may not.</summary>
    public bool Flagged => Violations.Count > 0;
}

/// <summary>
/// Reads the exercise cells of a graded notebook with Roslyn, compiled as the engine compiles them (C# script
/// submissions, one per cell, each seeing the cells before it, with the notebook's references), and finds:
/// <list type="bullet">
/// <item>calls of the exercise's reference implementation (the checker's <see cref="ReferenceAttribute"/>s), of any
/// library method that runs it underneath (<see cref="LibraryCallGraph"/>, read from the library's IL), and of any
/// function an earlier cell defined (the notebook's, or a helper in another exercise's cell) that does either: the
/// exercise scores nothing;</item>
/// <item>anything an exercise cell has no business using — reflection (which could reach the reference, or forge a
/// check result), the checkers themselves, the engine's formatters and kernel, files, processes, threads, native
/// code, <c>unsafe</c>, <c>dynamic</c>, directives: an exercise cell may use the language, System's value types and
/// collections, LINQ, Math, Random, MathNet.Numerics, the library's public types other than the exercise's
/// reference and the checkers, Console.Write/WriteLine and display();</item>
/// <item>which other exercises' functions the cell calls (for messages about failures that cascade).</item>
/// </list>
/// A flagged cell is not run at all.
/// </summary>
public sealed class ExerciseAnalysis
{
    private static readonly string[] Imports =
        ["System", "System.Text", "System.Collections", "System.Collections.Generic", "System.Threading.Tasks", "System.Linq"];

    private readonly IReadOnlyList<MetadataReference> _references;
    private readonly LibraryCallGraph? _calls;
    private readonly Dictionary<string, IReadOnlyDictionary<int, int>> _reaching = [];

    /// <summary>Analysis against the workbook's built library (artifacts/lib) and the kernel's engine (artifacts/kernel).</summary>
    public ExerciseAnalysis(string libraryFolder, string kernelFolder)
    {
        var framework = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator)
            .Where(p => p.Length > 0 && Path.GetDirectoryName(p) == Path.GetDirectoryName(typeof(object).Assembly.Location));
        var library = Directory.EnumerateFiles(libraryFolder, "*.dll");
        var engine = new[] { "Microsoft.DotNet.Interactive.dll", "Microsoft.DotNet.Interactive.Formatting.dll" }
            .Select(f => Path.Combine(kernelFolder, f)).Where(File.Exists);
        _references = framework.Concat(library).Concat(engine).Where(IsManaged)
            .GroupBy(Path.GetFileName).Select(g => (MetadataReference)MetadataReference.CreateFromFile(g.First())).ToList();
        string libraryFile = Path.Combine(libraryFolder, LibraryAssembly + ".dll");
        // A library that is missing or not an assembly fails the notebook's set-up cell, which reports it; the calls
        // are then not followed (there is nothing to grade).
        _calls = File.Exists(libraryFile) && IsManaged(libraryFile) ? LibraryCallGraph.Read(libraryFile) : null;
    }

    /// <summary>Analyses every exercise cell of <paramref name="graded"/>.</summary>
    public IReadOnlyDictionary<string, CellAnalysis> Analyse(GradedNotebook graded)
    {
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, usings: Imports, nullableContextOptions: NullableContextOptions.Disable);
        // The engine's UseKernelHelpers submits this before the first cell.
        var helpers = CSharpSyntaxTree.ParseText("using static Microsoft.DotNet.Interactive.Kernel;", GradedNotebook.ScriptParseOptions);
        var previous = CSharpCompilation.CreateScriptCompilation("helpers", helpers, _references, options, returnType: typeof(object));
        var functions = graded.Exercises.Where(e => e.Function.Length > 0).ToDictionary(e => e.Function, e => e.Id);
        var results = new Dictionary<string, CellAnalysis>();
        var models = new Dictionary<SyntaxTree, SemanticModel>();
        int n = 0;
        foreach (var cell in graded.Document.CodeCells)
        {
            var tree = CSharpSyntaxTree.ParseText(GradedNotebook.WithoutDirectives(cell.Source), GradedNotebook.ScriptParseOptions);
            var compilation = CSharpCompilation.CreateScriptCompilation($"cell{++n}", tree, _references, options, previous, typeof(object));
            // Roslyn chains a submission only onto one that compiles: a cell with errors is left out of the chain (the
            // engine would not have run it either).
            if (!compilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error)) previous = compilation;
            models[tree] = compilation.GetSemanticModel(tree);
            var (role, exercise) = graded.RoleOf(cell);
            if (role != CellRole.Exercise || exercise is null) continue;
            var violations = Directives(cell.Source).ToList();
            var calls = new SortedSet<string>(StringComparer.Ordinal);
            Walk(models, tree, References(exercise), Reaching(exercise), exercise, functions, violations, calls);
            results[exercise] = new CellAnalysis(exercise, violations.Distinct().ToList(), calls.ToList());
        }
        return results;
    }

    /// <summary>The members an exercise's checker names as its reference implementation.</summary>
    private static IReadOnlyList<(string Type, string Member)> References(string exercise) =>
        ReferenceAttributes(exercise).SelectMany(r => r.Members.Select(member => (Name(r.Type), member)))
            .ToList();

    /// <summary>The [Reference] attributes of the exercise's checker.</summary>
    private static IEnumerable<ReferenceAttribute> ReferenceAttributes(string exercise) =>
        typeof(Check).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.GetCustomAttribute<ExerciseAttribute>()?.Id == exercise)
            .SelectMany(m => m.GetCustomAttributes<ReferenceAttribute>());

    /// <summary>
    /// The library's methods that run the exercise's reference implementation, directly or through other library
    /// methods (<see cref="LibraryCallGraph"/>), each with the reference member it reaches.
    /// </summary>
    private IReadOnlyDictionary<int, int> Reaching(string exercise)
    {
        if (_calls is null) return new Dictionary<int, int>();
        if (_reaching.TryGetValue(exercise, out var known)) return known;
        var targets = ReferenceAttributes(exercise).SelectMany(r => r.Members.SelectMany(member => _calls.Members(r.Type.Namespace, r.Type.Name, member)));
        return _reaching[exercise] = _calls.Reaching(targets);
    }

    /// <summary>The metadata tokens of the library methods a symbol stands for: a method (its definition), or a
    /// property's getter and setter; none for anything else or outside the library.</summary>
    private static IEnumerable<int> LibraryMethods(ISymbol symbol)
    {
        if (symbol.ContainingAssembly?.Name != LibraryAssembly) return [];
        return symbol switch
        {
            IMethodSymbol method => [(method.ReducedFrom ?? method).OriginalDefinition.MetadataToken],
            IPropertySymbol property => new[] { property.OriginalDefinition.GetMethod, property.OriginalDefinition.SetMethod }
                .Where(m => m is not null).Select(m => m!.MetadataToken),
            _ => [],
        };
    }

    /// <summary>The reference member a library symbol runs ("Viterbi.ForwardPass"), or null when it runs none.</summary>
    private string? Reached(ISymbol symbol, IReadOnlyDictionary<int, int> reaching) =>
        LibraryMethods(symbol).Select(m => reaching.TryGetValue(m, out int reference) ? _calls!.NameOf(reference) : null).FirstOrDefault(r => r is not null);

    /// <summary>A symbol's type (the symbol itself for a type), namespace, and member name (null for a type).</summary>
    private static (INamedTypeSymbol? Type, string Namespace, string? Member) Parts(ISymbol symbol)
    {
        var type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        var ns = (type?.ContainingNamespace ?? symbol.ContainingNamespace)?.ToDisplayString() ?? "";
        return (type, ns, type is null || SymbolEqualityComparer.Default.Equals(symbol, type) ? null : symbol.Name);
    }

    private const string LibraryAssembly = "SequenceModels";

    private static string Name(Type type) => type.IsGenericType ? type.Name[..type.Name.IndexOf('`')] : type.Name;

    private static IEnumerable<string> Directives(string source)
    {
        var lines = source.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
            if (GradedNotebook.IsDirective(lines[i]))
                yield return $"line {i + 1}: the directive {lines[i].Trim()} (an exercise cell may not load code or switch kernels)";
    }

    private void Walk(IReadOnlyDictionary<SyntaxTree, SemanticModel> models, SyntaxTree tree, IReadOnlyList<(string Type, string Member)> references,
        IReadOnlyDictionary<int, int> reaching, string exercise, IReadOnlyDictionary<string, string> functions, List<string> violations, ISet<string> calls)
    {
        var model = models[tree];
        var routes = new Dictionary<ISymbol, string?>(SymbolEqualityComparer.Default);
        foreach (var node in tree.GetRoot().DescendantNodesAndSelf())
        {
            string Where() => $"line {node.GetLocation().GetLineSpan().StartLinePosition.Line + 1}";
            switch (node)
            {
                case UnsafeStatementSyntax or PointerTypeSyntax or FunctionPointerTypeSyntax or FixedStatementSyntax:
                    violations.Add($"{Where()}: unsafe code");
                    continue;
                case IdentifierNameSyntax { Identifier.ValueText: "dynamic" } id when model.GetTypeInfo(id).Type?.TypeKind == TypeKind.Dynamic:
                    violations.Add($"{Where()}: dynamic (late binding)");
                    continue;
                case MakeRefExpressionSyntax or RefTypeExpressionSyntax or RefValueExpressionSyntax:
                    violations.Add($"{Where()}: __makeref/__refvalue");
                    continue;
                case AttributeSyntax attribute:
                    violations.Add($"{Where()}: the attribute [{attribute}]");
                    continue;
                case MethodDeclarationSyntax method when method.Modifiers.Any(SyntaxKind.ExternKeyword):
                    violations.Add($"{Where()}: an extern method");
                    continue;
            }
            if (node is not (SimpleNameSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax)) continue;
            if (InsideNameof(node)) continue;
            var symbol = model.GetSymbolInfo(node).Symbol ?? model.GetSymbolInfo(node).CandidateSymbols.FirstOrDefault();
            if (symbol is null) continue;
            if (symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } ctor) symbol = ctor;
            var text = node.ToString();
            if (IsDeclaredInCells(symbol))
            {
                if (symbol is IMethodSymbol m && functions.TryGetValue(m.Name, out var other) && other != exercise) calls.Add(other);
                // What an earlier cell defined (a notebook helper, or a helper in another exercise's cell, where the
                // call was allowed) must not run this exercise's reference either.
                if (CanRun(symbol) && symbol.DeclaringSyntaxReferences.All(r => r.SyntaxTree != tree))
                {
                    if (!routes.TryGetValue(symbol, out var route))
                        routes[symbol] = route = Route(symbol, models, references, reaching, new HashSet<ISymbol>(SymbolEqualityComparer.Default));
                    if (route is not null)
                        violations.Add($"{Where()}: uses {symbol.Name} (`{Shorten(text)}`), defined in an earlier cell, which {route}: the exercise asks you to write it yourself");
                }
                continue;
            }
            if (symbol is ILocalSymbol or IParameterSymbol or ITypeParameterSymbol or IRangeVariableSymbol or ILabelSymbol or IDiscardSymbol or INamespaceSymbol)
                continue;
            var (type, ns, member) = Parts(symbol);
            if (IsReference(references, ns, type, member))
            {
                violations.Add($"{Where()}: calls the reference implementation {type!.Name}.{member} (`{text}`): the exercise asks you to write it yourself");
                continue;
            }
            if (Forbidden(ns, type, member) is { } why)
            {
                violations.Add($"{Where()}: uses {Display(type, member)} (`{Shorten(text)}`): {why}");
                continue;
            }
            if (Reached(symbol, reaching) is { } reached)
                violations.Add($"{Where()}: uses {Display(type, member)} (`{Shorten(text)}`), which runs the reference implementation " +
                               $"{reached}: the exercise asks you to write it yourself");
        }
    }

    /// <summary>
    /// True for what can compute an answer from the check's inputs: a method, property, constructor or type, or a
    /// variable holding a function. A variable holding data (an evaluation, a trained model) was computed before the
    /// check ran, so using it cannot answer the check, whatever computed it.
    /// </summary>
    private static bool CanRun(ISymbol symbol) => symbol switch
    {
        IFieldSymbol field => field.Type.TypeKind == TypeKind.Delegate,
        ILocalSymbol local => local.Type.TypeKind == TypeKind.Delegate,
        _ => true,
    };

    private static bool IsReference(IReadOnlyList<(string Type, string Member)> references, string ns, INamedTypeSymbol? type, string? member) =>
        member is not null && type is not null && references.Any(r => r.Type == type.Name && r.Member == member) && ns.StartsWith("SequenceModels", StringComparison.Ordinal);

    /// <summary>
    /// How a symbol defined in an earlier cell reaches the exercise's reference implementation ("calls the reference
    /// implementation X", "calls Y, which runs the reference implementation X", "calls Z, defined in an earlier cell,
    /// which …"), read from its declaration and, in turn, from those of the cell-defined symbols it uses; null when it
    /// does not.
    /// </summary>
    private string? Route(ISymbol symbol, IReadOnlyDictionary<SyntaxTree, SemanticModel> models, IReadOnlyList<(string Type, string Member)> references,
        IReadOnlyDictionary<int, int> reaching, HashSet<ISymbol> seen)
    {
        if (!seen.Add(symbol.OriginalDefinition)) return null;
        foreach (var declaration in symbol.OriginalDefinition.DeclaringSyntaxReferences)
        {
            if (!models.TryGetValue(declaration.SyntaxTree, out var model)) continue;
            foreach (var node in declaration.GetSyntax().DescendantNodesAndSelf())
            {
                if (node is not (SimpleNameSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax)) continue;
                var used = model.GetSymbolInfo(node).Symbol ?? model.GetSymbolInfo(node).CandidateSymbols.FirstOrDefault();
                if (used is null || used is ILocalSymbol or IParameterSymbol or ITypeParameterSymbol or INamespaceSymbol) continue;
                if (IsDeclaredInCells(used))
                {
                    if (!CanRun(used)) continue;
                    if (Route(used, models, references, reaching, seen) is { } further)
                        return $"calls {used.Name}, defined in an earlier cell, which {further}";
                    continue;
                }
                var (type, ns, member) = Parts(used);
                if (IsReference(references, ns, type, member)) return $"calls the reference implementation {type!.Name}.{member}";
                if (Reached(used, reaching) is { } reached)
                    return $"calls {Display(type, member)}, which runs the reference implementation {reached}";
            }
        }
        return null;
    }

    /// <summary>Why an exercise cell may not use the member (or type), or null when it may.</summary>
    private static string? Forbidden(string ns, INamedTypeSymbol? type, string? member)
    {
        const string reflection = "reflection is not allowed in an exercise cell";
        string typeName = type?.Name ?? "";
        if (ns.StartsWith("System.Reflection", StringComparison.Ordinal) || typeName is "Type" or "TypeInfo" or "Activator" && ns == "System")
            return reflection;
        if (ns == "System" && typeName == "Object" && member == "GetType") return reflection;
        if (ns == "System" && typeName is "Delegate" or "MulticastDelegate" && member is "DynamicInvoke" or "Method" or "CreateDelegate" or "Target")
            return reflection;
        // The exercises' delegate types (BpttFunction, …) name signatures; the rest of the namespace is the checkers'.
        if (ns.StartsWith("SequenceModels.Exercises", StringComparison.Ordinal) && type?.TypeKind != TypeKind.Delegate)
            return "the checkers and their results belong to the check cells";
        if (ns.StartsWith("Microsoft.DotNet.Interactive", StringComparison.Ordinal))
            return typeName is "Kernel" && member is "display" or "HTML" || typeName is "DisplayExtensions" && member is "Display" ? null
                : "the notebook engine's formatters and kernel are not for exercise cells";
        if (ns == "System")
        {
            if (typeName is "Console") return member is "Write" or "WriteLine" or null ? null : "only Console.Write and Console.WriteLine are allowed";
            return typeName is "Environment" or "AppDomain" or "GC" or "Activator" or "AppContext" or "Buffer" or "TypedReference" or "RuntimeTypeHandle" or "RuntimeMethodHandle" or "RuntimeFieldHandle" or "ModuleHandle" or "ArgIterator"
                ? "process and runtime services are not allowed in an exercise cell"
                : null;
        }
        string[] allowed = ["System.Collections", "System.Linq", "System.Text", "System.Globalization", "System.Numerics", "MathNet.Numerics", "SequenceModels"];
        if (allowed.Any(a => ns == a || ns.StartsWith(a + ".", StringComparison.Ordinal))) return null;
        return ns.Length == 0 ? null : $"{ns} is not among what an exercise cell may use (the language, System's basic types, collections, LINQ, MathNet.Numerics and the library)";
    }

    private static bool InsideNameof(SyntaxNode node) =>
        node.Ancestors().OfType<InvocationExpressionSyntax>().Any(i => i.Expression is IdentifierNameSyntax { Identifier.ValueText: "nameof" });

    private static bool IsDeclaredInCells(ISymbol symbol) =>
        symbol.Locations.Any(l => l.IsInSource) || symbol.ContainingType?.IsScriptClass == true;

    private static string Display(INamedTypeSymbol? type, string? member) =>
        type is null ? member ?? "?" : member is null ? type.ToDisplayString() : $"{type.ToDisplayString()}.{member}";

    private static string Shorten(string text)
    {
        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= 80 ? text : text[..77] + "…";
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
