using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SequenceModels;

/// <summary>
/// Saves and loads a model's parameters. The file format, version 1 (all integers little-endian):
/// <code>
/// offset   bytes  content
/// 0        8      magic: the ASCII bytes "SEQMODEL"
/// 8        4      format version, uint32 (1)
/// 12       4      H, the length of the JSON header in bytes, uint32
/// 16       8      L, the length of the whole file in bytes, uint64
/// 24       H      the header, UTF-8 JSON (below)
/// 24+H     …      each parameter's values in header order: rows·columns numbers, column-major (MathNet's storage
///                 order), IEEE 754 little-endian, 4 bytes each for "float32", 8 for "float64"
/// L−32     32     SHA-256 of bytes [0, L−32)
/// </code>
/// The header is
/// <c>{"kind": "...", "hyperparameters": {...}, "metadata": {...}, "parameters": [{"name": "rnn.Wxh", "rows": 64,
/// "columns": 50, "type": "float32"}, ...]}</c>: the model kind and hyperparameters needed to rebuild the model,
/// any metadata the model needs besides its weights (a vocabulary, a tag set), and each parameter's name, shape and
/// element type. Files are written to a temporary file and renamed, so a crash never leaves half a file under the
/// real name. Loading checks the magic, version, length and checksum (a corrupt or truncated file is rejected
/// naming the file) and then that the file's parameters match the model's by name and shape (naming the parameter
/// and both shapes) before it changes any value. A float32 file loads into a double model exactly, and a float64
/// file into a float model rounded to the nearest float.
/// </summary>
public static class ModelFile
{
    /// <summary>The format version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The first 8 bytes of every model file.</summary>
    public static ReadOnlySpan<byte> Magic => "SEQMODEL"u8;

    private const int PrefixLength = 24;
    private const int ChecksumLength = 32;

    /// <summary>Writes <paramref name="parameters"/> and <paramref name="header"/> to <paramref name="path"/>.</summary>
    /// <param name="path">The file; replaced if it exists.</param>
    /// <param name="parameters">A model's Parameters, in its fixed order; names must be unique.</param>
    /// <param name="header">The model kind, hyperparameters and metadata.</param>
    public static void Save<T>(string path, IReadOnlyList<Parameter<T>> parameters, ModelHeader header)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(header);
        string type = TypeName<T>();
        var duplicate = parameters.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Two parameters are named \"{duplicate.Key}\"; names must be unique.", nameof(parameters));

        var entries = new JsonArray();
        foreach (var p in parameters)
            entries.Add(new JsonObject
            {
                ["name"] = p.Name, ["rows"] = p.Value.RowCount, ["columns"] = p.Value.ColumnCount, ["type"] = type,
            });
        var json = new JsonObject
        {
            ["kind"] = header.Kind,
            ["hyperparameters"] = header.Hyperparameters?.DeepClone() ?? new JsonObject(),
            ["metadata"] = header.Metadata?.DeepClone() ?? new JsonObject(),
            ["parameters"] = entries,
        };
        var headerBytes = Encoding.UTF8.GetBytes(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        int size = SizeOf(type);
        long length = PrefixLength + headerBytes.Length + parameters.Sum(p => (long)p.Count * size) + ChecksumLength;

        var prefix = new byte[PrefixLength];
        Magic.CopyTo(prefix);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix.AsSpan(12), (uint)headerBytes.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(prefix.AsSpan(16), (ulong)length);

        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                void Write(byte[] bytes)
                {
                    sha.AppendData(bytes);
                    stream.Write(bytes);
                }
                Write(prefix);
                Write(headerBytes);
                foreach (var p in parameters) Write(Encode(Tensor.Data(p.Value), size));
                stream.Write(sha.GetHashAndReset());
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Reads the file at <paramref name="path"/> into <paramref name="parameters"/>, after checking the file and that
    /// its parameters match the model's by name and shape; on any mismatch nothing is changed.
    /// </summary>
    /// <param name="path">A file written by <see cref="Save{T}"/>.</param>
    /// <param name="parameters">The model's Parameters.</param>
    /// <param name="expectedKind">When given, the file's model kind must be this.</param>
    /// <returns>The file's kind, hyperparameters and metadata.</returns>
    /// <exception cref="ModelFileException">The file is corrupt, truncated, of another version or another model.</exception>
    public static ModelHeader Load<T>(string path, IReadOnlyList<Parameter<T>> parameters, string? expectedKind = null)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var (info, bytes, dataStart) = ReadFile(path);
        if (expectedKind is not null && info.Header.Kind != expectedKind)
            throw new ModelFileException(path, $"the file holds a \"{info.Header.Kind}\" model, not \"{expectedKind}\".");

        var stored = info.Parameters.ToDictionary(e => e.Name);
        var offsets = new Dictionary<string, long>();
        long offset = dataStart;
        foreach (var e in info.Parameters)
        {
            offsets[e.Name] = offset;
            offset += (long)e.Rows * e.Columns * SizeOf(e.Type);
        }
        foreach (var p in parameters)
        {
            if (!stored.TryGetValue(p.Name, out var e))
                throw new ModelFileException(path,
                    $"the model's parameter \"{p.Name}\" is not in the file (the file holds {Names(info.Parameters.Select(x => x.Name))}).");
            if (e.Rows != p.Value.RowCount || e.Columns != p.Value.ColumnCount)
                throw new ModelFileException(path,
                    $"parameter \"{p.Name}\" is {Shape.Of(e.Rows, e.Columns)} in the file but {Shape.Of(p.Value)} in the model.");
        }
        var modelNames = parameters.Select(p => p.Name).ToHashSet();
        var extra = info.Parameters.FirstOrDefault(e => !modelNames.Contains(e.Name));
        if (extra is not null)
            throw new ModelFileException(path,
                $"the file's parameter \"{extra.Name}\" is not in the model (the model has {Names(modelNames)}).");

        foreach (var p in parameters)
            Decode(bytes.AsSpan((int)offsets[p.Name]), stored[p.Name].Type, Tensor.Data(p.Value));
        return info.Header;
    }

    /// <summary>
    /// Checks the file and returns its header and parameter list without loading values: enough to rebuild the
    /// model (kind, hyperparameters, metadata) before calling <see cref="Load{T}"/>.
    /// </summary>
    /// <exception cref="ModelFileException">The file is corrupt, truncated or of another version.</exception>
    public static ModelFileInfo ReadHeader(string path) => ReadFile(path).Info;

    private static (ModelFileInfo Info, byte[] Bytes, int DataStart) ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var bytes = File.ReadAllBytes(path);
        var magic = Magic;
        int shown = Math.Min(bytes.Length, magic.Length);
        if (!bytes.AsSpan(0, shown).SequenceEqual(magic[..shown]) || bytes.Length == 0)
            throw new ModelFileException(path, "not a SequenceModels model file (it does not start with \"SEQMODEL\").");
        if (bytes.Length < PrefixLength)
            throw new ModelFileException(path, $"the file is truncated: it has {bytes.Length} bytes, fewer than the {PrefixLength}-byte prefix.");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version != FormatVersion)
            throw new ModelFileException(path, $"format version {version} is not supported (this library reads version {FormatVersion}).");
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16));
        if ((ulong)bytes.Length < length)
            throw new ModelFileException(path, $"the file is truncated: it has {bytes.Length} bytes, {length} were written.");
        if ((ulong)bytes.Length > length)
            throw new ModelFileException(path, $"the file has {(ulong)bytes.Length - length} unexpected bytes after its end ({length} bytes).");
        if (length < PrefixLength + (ulong)headerLength + ChecksumLength)
            throw new ModelFileException(path, "the file is corrupt: its header is longer than the file.");
        var stored = bytes.AsSpan(bytes.Length - ChecksumLength);
        if (!SHA256.HashData(bytes.AsSpan(0, bytes.Length - ChecksumLength)).AsSpan().SequenceEqual(stored))
            throw new ModelFileException(path, "checksum mismatch: the contents do not match the SHA-256 stored at the end (the file is corrupt).");

        var info = ParseHeader(path, bytes.AsSpan(PrefixLength, (int)headerLength));
        long data = info.Parameters.Sum(e => (long)e.Rows * e.Columns * SizeOf(e.Type));
        if (PrefixLength + headerLength + data + ChecksumLength != (long)length)
            throw new ModelFileException(path, $"the header's parameter shapes need {data} bytes of data, the file holds {(long)length - PrefixLength - headerLength - ChecksumLength}.");
        return (info, bytes, PrefixLength + (int)headerLength);
    }

    private static ModelFileInfo ParseHeader(string path, ReadOnlySpan<byte> utf8)
    {
        JsonNode Required(JsonObject o, string key) =>
            o[key] ?? throw new ModelFileException(path, $"the header has no \"{key}\".");
        try
        {
            var json = JsonNode.Parse(utf8) as JsonObject ?? throw new ModelFileException(path, "the header is not a JSON object.");
            var list = new List<ModelFileEntry>();
            foreach (var node in Required(json, "parameters").AsArray())
            {
                var e = node?.AsObject() ?? throw new ModelFileException(path, "a \"parameters\" entry is null.");
                var entry = new ModelFileEntry(Required(e, "name").GetValue<string>(), Required(e, "rows").GetValue<int>(),
                    Required(e, "columns").GetValue<int>(), Required(e, "type").GetValue<string>());
                if (entry.Rows < 0 || entry.Columns < 0 || (entry.Type != "float32" && entry.Type != "float64"))
                    throw new ModelFileException(path, $"parameter \"{entry.Name}\" has an invalid shape or type in the header.");
                list.Add(entry);
            }
            var header = new ModelHeader(Required(json, "kind").GetValue<string>(),
                json["hyperparameters"]?.DeepClone().AsObject() ?? new JsonObject(),
                json["metadata"]?.DeepClone().AsObject() ?? new JsonObject());
            return new ModelFileInfo(header, list);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ModelFileException(path, $"the header is not valid ({e.Message}).", e);
        }
    }

    private static byte[] Encode<T>(T[] values, int size) where T : struct, IFloatingPointIeee754<T>
    {
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            if (size == 4) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), float.CreateChecked(values[i]));
            else BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), double.CreateChecked(values[i]));
        }
        return bytes;
    }

    private static void Decode<T>(ReadOnlySpan<byte> bytes, string type, T[] values) where T : struct, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = type == "float32"
                ? T.CreateChecked(BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]))
                : T.CreateChecked(BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]));
    }

    private static string TypeName<T>() =>
        typeof(T) == typeof(float) ? "float32"
        : typeof(T) == typeof(double) ? "float64"
        : throw new NotSupportedException($"Model files store float or double parameters, not {typeof(T).Name}.");

    private static int SizeOf(string type) => type == "float32" ? 4 : 8;

    private static string Names(IEnumerable<string> names) => string.Join(", ", names);
}

/// <summary>What a model file says about its model besides the weights.</summary>
/// <param name="Kind">The model's kind, for example <c>"NerTagger"</c>: which class to rebuild.</param>
/// <param name="Hyperparameters">Sizes and settings needed to rebuild it (<c>{"hidden": 64}</c>).</param>
/// <param name="Metadata">Anything else it needs: a vocabulary, a tag set, training notes.</param>
public sealed record ModelHeader(string Kind, JsonObject? Hyperparameters = null, JsonObject? Metadata = null);

/// <summary>One parameter as a model file lists it.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Rows">Its rows.</param>
/// <param name="Columns">Its columns.</param>
/// <param name="Type">"float32" or "float64".</param>
public sealed record ModelFileEntry(string Name, int Rows, int Columns, string Type);

/// <summary>A model file's header and parameter list.</summary>
/// <param name="Header">Kind, hyperparameters, metadata.</param>
/// <param name="Parameters">The stored parameters, in file order.</param>
public sealed record ModelFileInfo(ModelHeader Header, IReadOnlyList<ModelFileEntry> Parameters);

/// <summary>A model file could not be loaded; the message names the file and says what is wrong.</summary>
public sealed class ModelFileException : IOException
{
    /// <summary>Creates the exception for the file at <paramref name="path"/>.</summary>
    public ModelFileException(string path, string problem, Exception? inner = null) : base($"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file's path as given.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; }
}
