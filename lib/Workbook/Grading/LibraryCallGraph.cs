using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Workbook.Grading;

/// <summary>
/// Which methods of a compiled library call which, read from its IL: how the grader sees that a library function a
/// student calls runs an exercise's reference implementation underneath (<c>Viterbi.Decode</c> runs
/// <c>Viterbi.ForwardPass</c>; <c>StackedRecurrent.Forward</c> runs whatever layers it holds). Methods are named by
/// their metadata tokens, which Roslyn gives for the same file (<see cref="Microsoft.CodeAnalysis.ISymbol.MetadataToken"/>).
/// <para>
/// The reading errs on the side of a call: a call of a virtual or interface method counts as a call of every virtual
/// library method with its name and parameter count (any of them may be the one that runs); taking a method's address
/// (a lambda, a method group) counts as calling it; creating an object of a compiler-generated type (an iterator, an
/// async state machine, a closure) counts as calling all of its methods. Calls outside the library are not followed.
/// </para>
/// </summary>
internal sealed class LibraryCallGraph
{
    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).GroupBy(o => o.Value).ToDictionary(g => g.Key, g => g.First().OperandType);

    private readonly Dictionary<int, HashSet<int>> _callers = []; // callee → the methods that call it
    private readonly Dictionary<int, string> _names = [];
    private readonly Dictionary<(string Namespace, string Type), List<int>> _methodsOfType = [];

    private LibraryCallGraph() { }

    /// <summary>Reads the IL of every method of the assembly at <paramref name="path"/>.</summary>
    public static LibraryCallGraph Read(string path)
    {
        var graph = new LibraryCallGraph();
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();

        var byName = new Dictionary<(string Name, int Parameters), List<MethodDefinitionHandle>>();
        var virtualByName = new Dictionary<(string Name, int Parameters), List<MethodDefinitionHandle>>();
        var methodsOf = new Dictionary<TypeDefinitionHandle, List<MethodDefinitionHandle>>();
        foreach (var typeHandle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(typeHandle);
            string typeName = md.GetString(type.Name), ns = NamespaceOf(md, type);
            var methods = type.GetMethods().ToList();
            methodsOf[typeHandle] = methods;
            graph._methodsOfType[(ns, typeName)] = methods.Select(Token).ToList();
            foreach (var handle in methods)
            {
                var method = md.GetMethodDefinition(handle);
                string name = md.GetString(method.Name);
                graph._names[Token(handle)] = $"{Readable(typeName)}.{name}";
                var key = (ShortName(name), ParameterCount(md.GetBlobReader(method.Signature)));
                Add(byName, key, handle);
                if ((method.Attributes & MethodAttributes.Virtual) != 0) Add(virtualByName, key, handle);
            }
        }

        foreach (var typeHandle in md.TypeDefinitions)
            foreach (var caller in methodsOf[typeHandle])
            {
                int rva = md.GetMethodDefinition(caller).RelativeVirtualAddress;
                if (rva == 0) continue; // abstract or extern: no body
                foreach (var (op, token) in Calls(pe.GetMethodBody(rva).GetILReader()))
                    foreach (var callee in Resolve(md, MetadataTokens.EntityHandle(token)))
                    {
                        graph.AddCall(caller, callee);
                        var target = md.GetMethodDefinition(callee);
                        bool dispatched = (target.Attributes & MethodAttributes.Virtual) != 0 && op != ILOpCode.Call && op != ILOpCode.Ldftn && op != ILOpCode.Newobj;
                        if (dispatched)
                        {
                            if (virtualByName.TryGetValue((ShortName(md.GetString(target.Name)), ParameterCount(md.GetBlobReader(target.Signature))), out var overrides))
                                foreach (var o in overrides) graph.AddCall(caller, o);
                        }
                        if (op == ILOpCode.Newobj && md.GetString(md.GetTypeDefinition(target.GetDeclaringType()).Name).StartsWith('<'))
                            foreach (var m in methodsOf[target.GetDeclaringType()]) graph.AddCall(caller, m);
                    }
            }
        return graph;
    }

    /// <summary>"Type.Member" for a method token, generic arity marks removed.</summary>
    public string NameOf(int token) => _names.TryGetValue(token, out var name) ? name : $"0x{token:x8}";

    /// <summary>
    /// The tokens of the members named <paramref name="member"/> of a type (every overload; for a property its getter
    /// and setter), <paramref name="typeName"/> as in metadata (<c>Rnn`1</c>). Empty when there are none.
    /// </summary>
    public IEnumerable<int> Members(string? ns, string typeName, string member) =>
        _methodsOfType.TryGetValue((ns ?? "", typeName), out var methods)
            ? methods.Where(t => _names[t].EndsWith("." + member, StringComparison.Ordinal) || _names[t].EndsWith(".get_" + member, StringComparison.Ordinal)
                                 || _names[t].EndsWith(".set_" + member, StringComparison.Ordinal))
            : [];

    /// <summary>
    /// Every method from which one of <paramref name="targets"/> can be reached through calls, each with the target it
    /// reaches (the targets themselves included).
    /// </summary>
    public IReadOnlyDictionary<int, int> Reaching(IEnumerable<int> targets)
    {
        var reached = new Dictionary<int, int>();
        var queue = new Queue<int>();
        foreach (var t in targets)
            if (reached.TryAdd(t, t)) queue.Enqueue(t);
        while (queue.Count > 0)
        {
            int callee = queue.Dequeue();
            if (!_callers.TryGetValue(callee, out var callers)) continue;
            foreach (var caller in callers)
                if (reached.TryAdd(caller, reached[callee])) queue.Enqueue(caller);
        }
        return reached;
    }

    private void AddCall(MethodDefinitionHandle caller, MethodDefinitionHandle callee)
    {
        int from = Token(caller), to = Token(callee);
        if (from == to) return;
        if (!_callers.TryGetValue(to, out var set)) _callers[to] = set = [];
        set.Add(from);
    }

    private static int Token(MethodDefinitionHandle h) => MetadataTokens.GetToken(h);

    private static void Add<TKey>(Dictionary<TKey, List<MethodDefinitionHandle>> map, TKey key, MethodDefinitionHandle value) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(value);
    }

    /// <summary>A method's name without the interface an explicit implementation prefixes it with
    /// ("Namespace.IFace&lt;T&gt;.Member" → "Member"); constructors (".ctor") keep theirs.</summary>
    private static string ShortName(string name) =>
        name.Contains('.', StringComparison.Ordinal) && !name.StartsWith('.') ? name[(name.LastIndexOf('.') + 1)..] : name;

    private static string Readable(string typeName) => typeName.Contains('`', StringComparison.Ordinal) ? typeName[..typeName.IndexOf('`')] : typeName;

    private static string NamespaceOf(MetadataReader md, TypeDefinition type)
    {
        // A nested type (a closure, an iterator) lives in the namespace of the type around it.
        while (type.GetDeclaringType() is { IsNil: false } outer) type = md.GetTypeDefinition(outer);
        return md.GetString(type.Namespace);
    }

    /// <summary>The parameter count of a method signature blob.</summary>
    private static int ParameterCount(BlobReader signature)
    {
        var header = signature.ReadSignatureHeader();
        if (header.IsGeneric) signature.ReadCompressedInteger();
        return signature.ReadCompressedInteger();
    }

    /// <summary>The library methods a call token names: a method definition, a member of a generic instance of a library
    /// type (every method of that type with the name and parameter count), or an instance of a generic method.</summary>
    private static IEnumerable<MethodDefinitionHandle> Resolve(MetadataReader md, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                yield return (MethodDefinitionHandle)handle;
                break;
            case HandleKind.MethodSpecification:
                foreach (var m in Resolve(md, md.GetMethodSpecification((MethodSpecificationHandle)handle).Method)) yield return m;
                break;
            case HandleKind.MemberReference:
                var reference = md.GetMemberReference((MemberReferenceHandle)handle);
                if (reference.GetKind() != MemberReferenceKind.Method) break;
                TypeDefinitionHandle? owner = reference.Parent.Kind switch
                {
                    HandleKind.TypeDefinition => (TypeDefinitionHandle)reference.Parent,
                    HandleKind.TypeSpecification => GenericDefinition(md, (TypeSpecificationHandle)reference.Parent),
                    _ => null,
                };
                if (owner is not { } type) break;
                string name = md.GetString(reference.Name);
                int parameters = ParameterCount(md.GetBlobReader(reference.Signature));
                foreach (var m in md.GetTypeDefinition(type).GetMethods())
                {
                    var method = md.GetMethodDefinition(m);
                    if (md.GetString(method.Name) == name && ParameterCount(md.GetBlobReader(method.Signature)) == parameters) yield return m;
                }
                break;
        }
    }

    /// <summary>The library type a generic instance such as <c>Rnn&lt;double&gt;</c> instantiates, or null.</summary>
    private static TypeDefinitionHandle? GenericDefinition(MetadataReader md, TypeSpecificationHandle spec)
    {
        var blob = md.GetBlobReader(md.GetTypeSpecification(spec).Signature);
        if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance) return null;
        blob.ReadSignatureTypeCode(); // class or value type
        var type = blob.ReadTypeHandle();
        return type.Kind == HandleKind.TypeDefinition ? (TypeDefinitionHandle)type : null;
    }

    /// <summary>The call-like instructions of a method body: call, callvirt, newobj, ldftn, ldvirtftn, jmp, with their tokens.</summary>
    private static IEnumerable<(ILOpCode Op, int Token)> Calls(BlobReader il)
    {
        var found = new List<(ILOpCode, int)>();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE) value = (short)(0xFE00 | il.ReadByte());
            var op = (ILOpCode)(ushort)value;
            var operand = Operands.TryGetValue(value, out var o) ? o
                : throw new BadImageFormatException($"unknown IL opcode 0x{(ushort)value:x} at offset {il.Offset}");
            switch (operand)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                case OperandType.InlineVar: il.Offset += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                case OperandType.InlineSwitch:
                    int targets = il.ReadInt32(); // read before Offset is: `Offset += 4 * ReadInt32()` would undo the read
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineMethod:
                    int token = il.ReadInt32();
                    if (op is ILOpCode.Call or ILOpCode.Callvirt or ILOpCode.Newobj or ILOpCode.Ldftn or ILOpCode.Ldvirtftn or ILOpCode.Jmp)
                        found.Add((op, token));
                    break;
                default: il.Offset += 4; break; // brtarget, field, I, sig, string, tok, type, ShortInlineR
            }
        }
        return found;
    }
}
