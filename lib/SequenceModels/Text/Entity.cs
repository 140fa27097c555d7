namespace SequenceModels.Text;

/// <summary>
/// A named entity found in a tagged sentence: its type (<c>per</c>, <c>geo</c>, ...) and the tokens
/// [<paramref name="Start"/>, <paramref name="End"/>) it covers, End exclusive like a C# range.
/// Two entities are equal only when type and both boundaries agree, which is what conlleval counts as correct.
/// </summary>
/// <param name="Type">The entity type, the tag without its B-/I- prefix.</param>
/// <param name="Start">Index of the first token.</param>
/// <param name="End">Index one past the last token.</param>
public sealed record Entity(string Type, int Start, int End)
{
    /// <summary>The number of tokens.</summary>
    public int Length => End - Start;

    /// <summary>The entity's tokens joined by spaces, for example <c>New York</c>.</summary>
    public string Text(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (End > tokens.Count)
            throw new ArgumentException($"The entity ends at {End} but the sentence has {tokens.Count} tokens.", nameof(tokens));
        return string.Join(' ', Enumerable.Range(Start, Length).Select(i => tokens[i]));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Type} [{Start}, {End})";
}
