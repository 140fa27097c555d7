using System.Text;

namespace SequenceModels.Text;

/// <summary>
/// Splits a file into lines and decodes each one as strict UTF-8, so a bad byte is reported on its own line
/// (a <see cref="StreamReader"/> decodes whole buffers ahead and cannot say which line held it).
/// </summary>
internal static class Utf8Lines
{
    static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The lines of <paramref name="path"/> (gzip-compressed or not) with their 1-based numbers, without line ends.</summary>
    public static IEnumerable<(int Number, string Text)> Read(string path)
    {
        return Split(DataFile.ReadAllBytes(path), path);
    }

    /// <summary>The lines of <paramref name="stream"/>; <paramref name="name"/> names it in error messages.</summary>
    public static IEnumerable<(int Number, string Text)> Read(Stream stream, string name)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Split(copy.ToArray(), name);
    }

    static IEnumerable<(int Number, string Text)> Split(byte[] bytes, string name)
    {
        int start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0; // byte order mark
        for (int number = 1; start < bytes.Length; number++)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) end = bytes.Length;
            int length = end - start;
            if (length > 0 && bytes[end - 1] == '\r') length--;
            string text;
            try
            {
                text = Strict.GetString(bytes, start, length);
            }
            catch (DecoderFallbackException e)
            {
                throw new DataFormatException(name, number, "invalid UTF-8 byte sequence", e);
            }
            yield return (number, text);
            start = end + 1;
        }
    }
}
