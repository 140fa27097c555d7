using System.Text;

namespace SequenceModels.Text;

/// <summary>A sentence of the GMB corpus: tokens with their part of speech and entity tag.</summary>
/// <param name="Number">N from the <c>Sentence: N</c> cell of its first row.</param>
/// <param name="Tokens">The words.</param>
/// <param name="PartsOfSpeech">One Penn Treebank tag per word (the POS column).</param>
/// <param name="Tags">One BIO entity tag per word (the Tag column).</param>
/// <param name="Line">The 1-based line of its first row in the file.</param>
public sealed record GmbSentence(int Number, IReadOnlyList<string> Tokens, IReadOnlyList<string> PartsOfSpeech,
    IReadOnlyList<string> Tags, int Line)
{
    /// <summary>The sentence tagged with entities (the NER task).</summary>
    public TaggedSentence Entities => new(Tokens, Tags);

    /// <summary>The sentence tagged with parts of speech.</summary>
    public TaggedSentence PartOfSpeechTags => new(Tokens, PartsOfSpeech);
}

/// <summary>
/// Reads <c>ner_dataset.csv</c>, the GMB-derived corpus of the course's NER assignment, exactly as published:
/// <list type="bullet">
/// <item>Windows-1252 bytes (0x85 …, 0x92 ’, 0x96 –, 0x97 — occur), decoded strictly: the five bytes that code
/// page leaves undefined are an error naming the line.</item>
/// <item>Header <c>Sentence #,Word,POS,Tag</c>; one row per token; only a sentence's first row has
/// <c>Sentence: N</c> in the first column, the rows after it leave it empty (it is forward-filled).</item>
/// <item>Fields may be quoted, with doubled quotes inside: <c>"10,000"</c> is 10,000 and <c>""""</c> is one ".</item>
/// <item>The file stops at a spreadsheet's row limit (1,048,575 rows), in the middle of its last sentence, so the
/// last sentence is dropped unless the caller asks to keep it.</item>
/// </list>
/// Errors are <see cref="DataFormatException"/>s naming the file and line: a wrong header, a row without exactly four
/// fields, an unterminated quote, a first column that is neither empty nor <c>Sentence: N</c>, a first row that does
/// not start a sentence, an empty word, a tag that is not BIO or is outside the given tag set. Tags are kept as
/// written (the file is well-formed BIO).
/// </summary>
public static class GmbCsvReader
{
    /// <summary>The header line of the file.</summary>
    public const string Header = "Sentence #,Word,POS,Tag";

    private static readonly Encoding Windows1252 = DataEncodings.Strict(DataEncoding.Windows1252);

    /// <summary>Reads the corpus from a Windows-1252 file.</summary>
    /// <param name="path">The CSV file; messages name it as given.</param>
    /// <param name="dropLastSentence">Drop the final sentence, which the published file cuts off (default true).</param>
    /// <param name="tagSet">When given, every tag must be one of these.</param>
    public static IReadOnlyList<GmbSentence> Read(string path, bool dropLastSentence = true, IReadOnlyCollection<string>? tagSet = null) =>
        Parse(NumberedLines.Read(path, Windows1252), path, dropLastSentence, tagSet);

    /// <summary>Reads the corpus from already decoded text; <paramref name="fileName"/> is the name messages use.</summary>
    public static IReadOnlyList<GmbSentence> Read(TextReader reader, string fileName, bool dropLastSentence = true,
        IReadOnlyCollection<string>? tagSet = null)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return Parse(NumberedLines.Read(reader), fileName, dropLastSentence, tagSet);
    }

    /// <summary>
    /// The course's split: file order (no shuffle), the first 70% for training, the next 15% for validation, the
    /// rest for test. Sizes: train = ⌊0.7·n⌋, dev = ⌊(n − train)/2⌋, test = the remainder, so the published
    /// file (47,958 sentences once the cut-off one is dropped) gives 33,570 / 7,194 / 7,194.
    /// </summary>
    public static (IReadOnlyList<T> Train, IReadOnlyList<T> Dev, IReadOnlyList<T> Test) CourseSplit<T>(IReadOnlyList<T> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        int n = sentences.Count;
        int train = (int)(n * 7L / 10);
        int dev = (n - train) / 2;
        var all = sentences.ToArray();
        return (all[..train], all[train..(train + dev)], all[(train + dev)..]);
    }

    /// <summary>Reads the file and applies <see cref="CourseSplit{T}"/> to its entity-tagged sentences.</summary>
    public static (IReadOnlyList<TaggedSentence> Train, IReadOnlyList<TaggedSentence> Dev, IReadOnlyList<TaggedSentence> Test)
        ReadCourseSplit(string path) => CourseSplit(Read(path).Select(s => s.Entities).ToArray());

    private static List<GmbSentence> Parse(IEnumerable<(int Number, string Text)> lines, string file, bool dropLast,
        IReadOnlyCollection<string>? tagSet)
    {
        var allowed = tagSet is null ? null : tagSet as IReadOnlySet<string> ?? new HashSet<string>(tagSet, StringComparer.Ordinal);
        var shared = new Dictionary<string, string>(StringComparer.Ordinal); // one string per POS and tag value
        var sentences = new List<GmbSentence>();
        List<string> words = [], pos = [], tags = [];
        int sentenceNumber = 0, sentenceLine = 0;
        bool sawHeader = false;
        var fields = new List<string>(4);

        void EndSentence()
        {
            if (words.Count > 0) sentences.Add(new GmbSentence(sentenceNumber, words.ToArray(), pos.ToArray(), tags.ToArray(), sentenceLine));
            words.Clear(); pos.Clear(); tags.Clear();
        }

        foreach (var (number, line) in lines)
        {
            DataFormatException Error(string problem) => new(file, number, problem);
            if (!sawHeader)
            {
                if (line != Header) throw Error($"expected the header \"{Header}\", found \"{line}\"");
                sawHeader = true;
                continue;
            }
            if (line.Length == 0) continue;
            if (SplitFields(line, fields) is { } problem) throw Error(problem);
            if (fields.Count != 4) throw Error($"expected 4 fields (Sentence #, Word, POS, Tag), found {fields.Count}");
            if (fields[0].Length > 0)
            {
                if (!fields[0].StartsWith("Sentence: ", StringComparison.Ordinal) || !int.TryParse(fields[0].AsSpan(10), out int n))
                    throw Error($"the first field should be empty or \"Sentence: N\", found \"{fields[0]}\"");
                EndSentence();
                (sentenceNumber, sentenceLine) = (n, number);
            }
            else if (sentenceLine == 0) throw Error("the first row does not start a sentence (\"Sentence: N\" is missing)");
            string tag = fields[3];
            if (fields[1].Length == 0) throw Error("empty word");
            if (allowed is not null && !allowed.Contains(tag)) throw Error($"tag \"{tag}\" is not in the tag set");
            if (!BioTags.IsValid(tag)) throw Error($"tag \"{tag}\" is not a BIO tag (O, B-type or I-type)");
            words.Add(fields[1]);
            pos.Add(Shared(fields[2]));
            tags.Add(Shared(tag));
        }
        if (!sawHeader) throw new DataFormatException(file, 0, $"the file is empty, expected the header \"{Header}\"");
        EndSentence();
        if (dropLast && sentences.Count > 0) sentences.RemoveAt(sentences.Count - 1);
        return sentences;

        string Shared(string s)
        {
            if (shared.TryGetValue(s, out var one)) return one;
            shared[s] = s;
            return s;
        }
    }

    // RFC 4180 fields on one line: a field is plain text up to the next comma, or quoted with "" for a quote inside.
    // Returns what is wrong, or null.
    private static string? SplitFields(string line, List<string> fields)
    {
        fields.Clear();
        if (!line.Contains('"'))
        {
            foreach (var range in line.AsSpan().Split(',')) fields.Add(line[range]);
            return null;
        }
        int i = 0;
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                var text = new StringBuilder();
                int open = i++;
                while (true)
                {
                    if (i >= line.Length) return $"the quoted field starting at character {open + 1} is not closed";
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { text.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    text.Append(line[i++]);
                }
                fields.Add(text.ToString());
                if (i < line.Length && line[i] != ',') return $"unexpected text after the quoted field at character {i + 1}";
            }
            else
            {
                int comma = line.IndexOf(',', i);
                int end = comma < 0 ? line.Length : comma;
                fields.Add(line[i..end]);
                i = end;
            }
            if (i >= line.Length) return null;
            i++; // the comma
            if (i == line.Length) { fields.Add(""); return null; }
        }
    }
}
