using System.Text;

namespace SequenceModels.Text;

/// <summary>
/// The character encodings data files are read in. Every one decodes strictly: a byte sequence it cannot decode is a
/// <see cref="DataFormatException"/> naming the file, line and byte, never a silent U+FFFD.
/// </summary>
public enum DataEncoding
{
    /// <summary>UTF-8 (a byte-order mark is allowed): what every file of the repository uses.</summary>
    Utf8,

    /// <summary>ISO-8859-1: one byte per character, U+0000–U+00FF (the CoNLL-2002 Spanish and Dutch files, the
    /// CoNLL-2003 German ones). Every byte decodes, so a UTF-8 file read this way turns "é" into "Ã©".</summary>
    Latin1,

    /// <summary>Windows-1252: Latin-1 with typographic punctuation at 0x80–0x9F (the GMB corpus); the five bytes it
    /// leaves undefined are errors.</summary>
    Windows1252,
}

/// <summary>The strict decoders of <see cref="DataEncoding"/>s and their names.</summary>
public static class DataEncodings
{
    // Windows-1252 comes from System.Text.Encoding.CodePages (in the shared framework). Taking it from the provider
    // once, with exception fallbacks, avoids registering a process-wide provider and never decodes silently.
    private static readonly Encoding StrictWindows1252 =
        CodePagesEncodingProvider.Instance.GetEncoding(1252, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)
        ?? throw new InvalidOperationException("Code page 1252 is not available.");

    private static readonly Encoding StrictLatin1 =
        Encoding.GetEncoding(Encoding.Latin1.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    /// <summary>The names <see cref="Parse"/> accepts, as a command line writes them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["utf-8", "latin-1", "windows-1252"];

    /// <summary>The encoding named <c>utf-8</c>, <c>latin-1</c> (or <c>iso-8859-1</c>) or <c>windows-1252</c> (or
    /// <c>cp1252</c>), in any case.</summary>
    /// <exception cref="ArgumentException">Another name.</exception>
    public static DataEncoding Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant() switch
        {
            "utf-8" or "utf8" => DataEncoding.Utf8,
            "latin-1" or "latin1" or "iso-8859-1" => DataEncoding.Latin1,
            "windows-1252" or "cp1252" => DataEncoding.Windows1252,
            _ => throw new ArgumentException($"Unknown encoding \"{name}\": use {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>The strict decoder of an encoding.</summary>
    public static Encoding Strict(DataEncoding encoding) => encoding switch
    {
        DataEncoding.Utf8 => NumberedLines.StrictUtf8,
        DataEncoding.Latin1 => StrictLatin1,
        DataEncoding.Windows1252 => StrictWindows1252,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Not an encoding."),
    };
}
