using System.IO.Compression;
using System.Text;

namespace SequenceModels.Text;

/// <summary>
/// Reads a data file's bytes, decompressing it on the way when it is gzip-compressed (the corpora in <c>data/</c>
/// travel as <c>.gz</c>): every reader in the library accepts <c>train.conll</c> and <c>train.conll.gz</c> alike.
/// A file is taken as gzip by its content (the magic bytes 1F 8B), not by its name.
/// </summary>
public static class DataFile
{
    /// <summary>The file's bytes, decompressed when gzip-compressed.</summary>
    /// <exception cref="DataFormatException">The file cannot be read, or is gzip data that is damaged or cut short.</exception>
    public static byte[] ReadAllBytes(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, 0,
                e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : $"cannot read the file ({e.Message})", e);
        }
        if (!IsGzip(bytes)) return bytes;
        byte[] plain;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream(bytes.Length * 4);
            gzip.CopyTo(output);
            plain = output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, 0, $"damaged gzip data ({e.Message})", e);
        }
        // GZipStream stops quietly where a cut-off file ends; the trailer (CRC-32 and length of the data, RFC 1952)
        // tells a whole file from a part of one.
        if (bytes.Length < 18 || BitConverter.ToUInt32(bytes, bytes.Length - 4) != (uint)plain.Length
            || BitConverter.ToUInt32(bytes, bytes.Length - 8) != Crc32(plain))
            throw new DataFormatException(path, 0,
                "damaged gzip data: the file is cut short or corrupt (its CRC-32 or length does not match; a file of several gzip members is not supported)");
        return plain;
    }

    /// <summary>
    /// The file's text, decompressed when gzip-compressed and decoded strictly as UTF-8 (a byte order mark is
    /// dropped); a byte that is not UTF-8 is an error naming the file and line.
    /// </summary>
    public static string ReadAllText(string path)
    {
        var bytes = ReadAllBytes(path);
        int start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        try
        {
            return NumberedLines.StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException e)
        {
            var before = bytes.AsSpan(0, start + Math.Max(0, e.Index));
            throw new DataFormatException(path, before.Count((byte)'\n') + 1, "invalid UTF-8 byte sequence", e);
        }
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The CRC-32 of gzip and zip (polynomial 0xEDB88320, reflected).</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>True when <paramref name="bytes"/> start with the gzip magic number.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B;
}
