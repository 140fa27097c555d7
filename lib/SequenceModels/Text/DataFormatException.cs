namespace SequenceModels.Text;

/// <summary>
/// A data file that does not follow its format. The message names the file and the line (1-based) and says what is
/// wrong, for example <c>data/ner/train.conll, line 12: tag "B-xyz" is not in the tag set</c>.
/// </summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>Creates the exception for <paramref name="file"/> at <paramref name="line"/> (0 when not known).</summary>
    public DataFormatException(string file, int line, string problem, Exception? inner = null)
        : base(line > 0 ? $"{file}, line {line}: {problem}" : $"{file}: {problem}", inner)
    {
        File = file;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file's path as given.</summary>
    public string File { get; }

    /// <summary>The 1-based line number, or 0 when the problem is not on one line.</summary>
    public int Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}
