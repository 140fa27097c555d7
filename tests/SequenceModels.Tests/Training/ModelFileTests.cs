using System.Buffers.Binary;
using System.Numerics;
using System.Text.Json.Nodes;
using SequenceModels;

namespace SequenceModels.Tests.Training;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("modelfile-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static List<Parameter<T>> Model<T>(int seed, int hidden = 4) where T : struct, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        var embedding = new Embedding<T>(6, 3, rng);
        var rnn = new Rnn<T>(3, hidden, rng);
        var dense = new Dense<T>(hidden, 2, rng);
        Init.Normal<T>(2, 1, 1.0, rng).CopyTo(dense.B.Value);
        return [.. ParameterExtensions.Prefixed<T>(("embedding", embedding), ("rnn", rnn), ("dense", dense))];
    }

    private static readonly ModelHeader Header = new("Tagger",
        new JsonObject { ["hidden"] = 4, ["activation"] = "tanh" },
        new JsonObject { ["vocabulary"] = new JsonArray("<pad>", "the", "cat", "sat", "on", "mat") });

    private string Saved(string name = "model.bin")
    {
        var path = PathOf(name);
        ModelFile.Save(path, Model<double>(1), Header);
        return path;
    }

    [Fact]
    public void A_double_model_round_trips_bit_for_bit()
    {
        var original = Model<double>(1);
        var values = Tensor.Data(original[^1].Value);
        (values[0], values[1]) = (-0.0, double.Epsilon); // negative zero and a subnormal survive too
        ModelFile.Save(PathOf("m.bin"), original, Header);
        var loaded = Model<double>(2);
        var header = ModelFile.Load(PathOf("m.bin"), loaded, expectedKind: "Tagger");
        for (int i = 0; i < original.Count; i++)
            Assert.Equal(Tensor.Data(original[i].Value).Select(BitConverter.DoubleToInt64Bits),
                Tensor.Data(loaded[i].Value).Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal("Tagger", header.Kind);
        Assert.Equal(4, (int)header.Hyperparameters!["hidden"]!);
        Assert.Equal("tanh", (string)header.Hyperparameters!["activation"]!);
        Assert.Equal("cat", (string)header.Metadata!["vocabulary"]![2]!);
    }

    [Fact]
    public void A_float_model_round_trips_bit_for_bit()
    {
        var original = Model<float>(3);
        ModelFile.Save(PathOf("f.bin"), original, new ModelHeader("Tagger"));
        var loaded = Model<float>(4);
        ModelFile.Load(PathOf("f.bin"), loaded);
        for (int i = 0; i < original.Count; i++)
            Assert.Equal(Tensor.Data(original[i].Value).Select(BitConverter.SingleToInt32Bits),
                Tensor.Data(loaded[i].Value).Select(BitConverter.SingleToInt32Bits));
        Assert.All(ModelFile.ReadHeader(PathOf("f.bin")).Parameters, e => Assert.Equal("float32", e.Type));
    }

    [Fact]
    public void A_float_file_loads_exactly_into_a_double_model()
    {
        var original = Model<float>(5);
        ModelFile.Save(PathOf("f.bin"), original, new ModelHeader("Tagger"));
        var loaded = Model<double>(6);
        ModelFile.Load(PathOf("f.bin"), loaded);
        Assert.Equal(Tensor.Data(original[1].Value).Select(v => (double)v), Tensor.Data(loaded[1].Value));
    }

    [Fact]
    public void The_header_lists_every_parameter_with_its_shape()
    {
        var info = ModelFile.ReadHeader(Saved());
        Assert.Equal(["embedding.W", "rnn.Wxh", "rnn.Whh", "rnn.bh", "dense.W", "dense.b"], info.Parameters.Select(e => e.Name));
        Assert.Equal(new ModelFileEntry("rnn.Wxh", 4, 3, "float64"), info.Parameters[1]);
        Assert.Equal("Tagger", info.Header.Kind);
    }

    [Fact]
    public void The_file_starts_with_magic_version_and_lengths()
    {
        var bytes = File.ReadAllBytes(Saved());
        Assert.Equal("SEQMODEL"u8.ToArray(), bytes[..8]);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal((ulong)bytes.Length, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16)));
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        var json = JsonNode.Parse(bytes.AsSpan(24, headerLength))!;
        Assert.Equal("Tagger", (string)json["kind"]!);
        // Data: 6·3 + 4·3 + 4·4 + 4 + 2·4 + 2 = 60 doubles, then the 32-byte checksum.
        Assert.Equal(24 + headerLength + 60 * 8 + 32, bytes.Length);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)), bytes[^32..]);
    }

    [Fact]
    public void Saving_replaces_the_file_and_leaves_no_temporary_file()
    {
        var path = Saved();
        ModelFile.Save(path, Model<double>(7), Header);
        Assert.Equal([path], Directory.GetFiles(_dir));
        var loaded = Model<double>(1);
        ModelFile.Load(path, loaded);
        Assert.Equal(Model<double>(7)[2].Value, loaded[2].Value);
    }

    private string Corrupt(Action<byte[]> damage, string name = "bad.bin")
    {
        var bytes = File.ReadAllBytes(Saved());
        damage(bytes);
        var path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string LoadError(string path) =>
        Assert.Throws<ModelFileException>(() => ModelFile.Load(path, Model<double>(1))).Message;

    [Fact]
    public void A_file_with_bad_magic_bytes_is_rejected()
    {
        var path = Corrupt(b => b[0] = (byte)'X');
        Assert.Equal($"{path}: not a SequenceModels model file (it does not start with \"SEQMODEL\").", LoadError(path));
        File.WriteAllText(PathOf("text.bin"), "hello");
        Assert.Equal($"{PathOf("text.bin")}: not a SequenceModels model file (it does not start with \"SEQMODEL\").",
            LoadError(PathOf("text.bin")));
        File.WriteAllBytes(PathOf("empty.bin"), []);
        Assert.StartsWith($"{PathOf("empty.bin")}: not a SequenceModels model file", LoadError(PathOf("empty.bin")));
    }

    [Fact]
    public void A_file_of_another_format_version_is_rejected()
    {
        var path = Corrupt(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 2));
        Assert.Equal($"{path}: format version 2 is not supported (this library reads version 1).", LoadError(path));
    }

    [Fact]
    public void A_truncated_file_is_rejected()
    {
        int full = File.ReadAllBytes(Saved()).Length;
        var path = PathOf("short.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(Saved())[..(full - 100)]);
        Assert.Equal($"{path}: the file is truncated: it has {full - 100} bytes, {full} were written.", LoadError(path));
        File.WriteAllBytes(path, File.ReadAllBytes(Saved())[..12]);
        Assert.Equal($"{path}: the file is truncated: it has 12 bytes, fewer than the 24-byte prefix.", LoadError(path));
    }

    [Fact]
    public void A_file_with_extra_bytes_is_rejected()
    {
        var bytes = File.ReadAllBytes(Saved());
        var path = PathOf("long.bin");
        File.WriteAllBytes(path, [.. bytes, 0, 0, 0]);
        Assert.Equal($"{path}: the file has 3 unexpected bytes after its end ({bytes.Length} bytes).", LoadError(path));
    }

    [Theory]
    [InlineData(30)]   // inside the JSON header
    [InlineData(-40)]  // inside the last parameter's values
    [InlineData(-1)]   // inside the checksum
    public void A_changed_byte_fails_the_checksum(int offset)
    {
        var path = Corrupt(b => b[offset >= 0 ? offset : b.Length + offset] ^= 0x10);
        Assert.Equal($"{path}: checksum mismatch: the contents do not match the SHA-256 stored at the end (the file is corrupt).",
            LoadError(path));
        Assert.Throws<ModelFileException>(() => ModelFile.ReadHeader(path));
    }

    [Fact]
    public void A_model_with_another_shape_is_rejected_naming_the_parameter_and_both_shapes()
    {
        var path = Saved();
        var other = Model<double>(8, hidden: 5);
        var before = other.Select(p => p.Value.Clone()).ToList();
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path, other));
        Assert.Equal($"{path}: parameter \"rnn.Wxh\" is (4 × 3) in the file but (5 × 3) in the model.", e.Message);
        for (int i = 0; i < other.Count; i++) Assert.Equal(before[i], other[i].Value); // nothing loaded
    }

    [Fact]
    public void A_model_with_other_parameters_is_rejected_naming_them()
    {
        var path = Saved();
        var rng = new Random(9);
        var missing = ParameterExtensions.Prefixed<double>(("embedding", new Embedding<double>(6, 3, rng)), ("lstm", new Rnn<double>(3, 4, rng)));
        Assert.Equal($"{path}: the model's parameter \"lstm.Wxh\" is not in the file (the file holds embedding.W, rnn.Wxh, rnn.Whh, " +
            "rnn.bh, dense.W, dense.b).", Assert.Throws<ModelFileException>(() => ModelFile.Load(path, missing)).Message);
        var fewer = Model<double>(1).Take(4).ToList();
        Assert.Equal($"{path}: the file's parameter \"dense.W\" is not in the model (the model has embedding.W, rnn.Wxh, rnn.Whh, rnn.bh).",
            Assert.Throws<ModelFileException>(() => ModelFile.Load(path, fewer)).Message);
    }

    [Fact]
    public void A_file_of_another_model_kind_is_rejected()
    {
        var path = Saved();
        Assert.Equal($"{path}: the file holds a \"Tagger\" model, not \"CharLm\".",
            Assert.Throws<ModelFileException>(() => ModelFile.Load(path, Model<double>(1), expectedKind: "CharLm")).Message);
    }

    [Fact]
    public void Duplicate_parameter_names_cannot_be_saved()
    {
        var p = Model<double>(1);
        var e = Assert.Throws<ArgumentException>(() => ModelFile.Save(PathOf("d.bin"), [p[0], p[0]], Header));
        Assert.StartsWith("Two parameters are named \"embedding.W\"", e.Message);
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
