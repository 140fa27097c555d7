using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace SequenceModels.Text;

/// <summary>
/// Pretrained word vectors in the text format of GloVe (<c>word v1 … vd</c>, one word per line) or word2vec (the
/// same after a first line <c>count d</c>), read with <see cref="Read(string, Func{string, bool})"/> and looked up under
/// <see cref="WordCasing.Key"/>: the first line whose word has a given key gives that key's vector. The file is read
/// as it streams, strictly as UTF-8 (gzip-compressed files too), keeping only the words asked for, so a file of
/// hundreds of thousands of words costs only the vectors a corpus needs.
/// </summary>
public sealed class WordVectors
{
    private readonly Dictionary<string, float[]> _vectors;

    private WordVectors(Dictionary<string, float[]> vectors, int dimension, int lines) =>
        (_vectors, Dimension, WordsInFile) = (vectors, dimension, lines);

    /// <summary>d, the length of every vector.</summary>
    public int Dimension { get; }

    /// <summary>The number of words the file holds.</summary>
    public int WordsInFile { get; }

    /// <summary>The number of keys kept.</summary>
    public int Count => _vectors.Count;

    /// <summary>The vector of a word's key, if the file had one.</summary>
    public bool TryGet(string word, out float[] vector)
    {
        ArgumentNullException.ThrowIfNull(word);
        return _vectors.TryGetValue(WordCasing.Key(word), out vector!);
    }

    /// <summary>
    /// Reads a vectors file. Every line must hold a word and d numbers (d from the first vector, or from a word2vec
    /// header); a problem is a <see cref="DataFormatException"/> naming the file and line.
    /// </summary>
    /// <param name="path">The file (plain or gzip-compressed).</param>
    /// <param name="keep">When given, only the keys for which it is true are kept.</param>
    public static WordVectors Read(string path, Func<string, bool>? keep = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        Stream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, 0,
                e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : $"cannot read the file ({e.Message})", e);
        }
        using (stream)
        {
            var magic = new byte[2];
            int read = stream.Read(magic, 0, 2);
            stream.Position = 0;
            using var text = DataFile.IsGzip(magic.AsSpan(0, read)) ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : stream;
            using var reader = new StreamReader(text, NumberedLines.StrictUtf8, detectEncodingFromByteOrderMarks: true);
            return Parse(reader, path, keep);
        }
    }

    /// <summary>Reads vectors from text; <paramref name="fileName"/> is the name messages use.</summary>
    public static WordVectors Read(TextReader reader, string fileName, Func<string, bool>? keep = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(fileName);
        return Parse(reader, fileName, keep);
    }

    private static WordVectors Parse(TextReader reader, string file, Func<string, bool>? keep)
    {
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        int dimension = 0, number = 0, words = 0;
        string? line;
        while (true)
        {
            try
            {
                line = reader.ReadLine();
            }
            catch (DecoderFallbackException e)
            {
                throw new DataFormatException(file, number + 1, "invalid UTF-8 byte sequence", e);
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException(file, number + 1, $"damaged gzip data ({e.Message})", e);
            }
            if (line is null) break;
            number++;
            var fields = line.TrimEnd(' ', '\t', '\r').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0) continue;
            if (number == 1 && fields.Length == 2 && int.TryParse(fields[0], out _) && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int d) && d > 0)
            {
                dimension = d; // a word2vec header: "count dimension"
                continue;
            }
            if (fields.Length < 2) throw new DataFormatException(file, number, "expected a word and its vector, found 1 field");
            if (dimension == 0) dimension = fields.Length - 1;
            if (fields.Length - 1 != dimension)
                throw new DataFormatException(file, number, $"{fields.Length - 1} numbers after \"{fields[0]}\", expected {dimension}");
            words++;
            string key = WordCasing.Key(fields[0]);
            if (vectors.ContainsKey(key) || (keep is not null && !keep(key))) continue;
            var vector = new float[dimension];
            for (int i = 0; i < dimension; i++)
                if (!float.TryParse(fields[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out vector[i]) || !float.IsFinite(vector[i]))
                    throw new DataFormatException(file, number, $"value {i + 1} of \"{fields[0]}\" (\"{fields[i + 1]}\") is not a finite number");
            vectors[key] = vector;
        }
        if (words == 0) throw new DataFormatException(file, 0, "no word vectors");
        return new WordVectors(vectors, dimension, words);
    }
}
