using System.Text;

namespace SequenceModels.Text;

/// <summary>
/// The lines of a data file with their 1-based numbers, decoded strictly: a byte sequence the encoding cannot decode
/// is a <see cref="DataFormatException"/> naming the file and the line, never a silent U+FFFD.
/// </summary>
internal static class NumberedLines
{
    /// <summary>UTF-8 that throws on invalid bytes instead of replacing them.</summary>
    public static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads a file's lines (split at '\n'; a '\r' before it is dropped), decompressing a gzip-compressed file. The
    /// whole file is decoded at once, which is fast; when it fails, the failing byte's line and position are found by
    /// counting line breaks before it.
    /// </summary>
    public static IEnumerable<(int Number, string Text)> Read(string path, Encoding strictEncoding)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = DataFile.ReadAllBytes(path);
        int start = strictEncoding is UTF8Encoding && bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        string text;
        try
        {
            text = strictEncoding.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException e)
        {
            var bad = e.BytesUnknown is { Length: > 0 } unknown ? string.Join(' ', unknown.Select(b => $"0x{b:X2}")) : "some bytes";
            int at = start + Math.Max(0, e.Index);
            throw Undecodable(path, bytes.AsSpan(0, at), $"{bad} cannot be decoded as {strictEncoding.WebName}", e);
        }
        // .NET decodes the five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) to the C1 controls
        // U+0081 ... instead of failing; every other byte of 0x80-0x9F is a letter or punctuation, so a C1 control
        // here can only come from an undefined byte (one byte per character: its index is the byte's).
        if (strictEncoding.CodePage == 1252 && text.AsSpan().IndexOfAnyInRange('\u0080', '\u009F') is var i and >= 0)
            throw Undecodable(path, bytes.AsSpan(0, i), $"0x{(int)text[i]:X2} cannot be decoded as {strictEncoding.WebName}");
        return Split(text);
    }

    /// <summary>Reads the lines of text that is already decoded.</summary>
    public static IEnumerable<(int Number, string Text)> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int number = 0;
        while (reader.ReadLine() is { } line) yield return (++number, line);
    }

    private static IEnumerable<(int Number, string Text)> Split(string text)
    {
        int start = 0, number = 0;
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start);
            int next = end < 0 ? text.Length : end + 1;
            if (end < 0) end = text.Length;
            if (end > start && text[end - 1] == '\r') end--;
            yield return (++number, text[start..end]);
            start = next;
        }
    }

    // The error for a byte that cannot be decoded, located by the bytes before it.
    private static DataFormatException Undecodable(string file, ReadOnlySpan<byte> before, string problem, Exception? inner = null)
    {
        int line = before.Count((byte)'\n') + 1;
        int column = before.Length - (before.LastIndexOf((byte)'\n') + 1) + 1;
        return new DataFormatException(file, line, $"{problem} at byte {column} of the line", inner);
    }
}
