namespace SequenceModels.Text;

/// <summary>A sentence as tokens with one tag each (an entity tag in BIO, or a part of speech).</summary>
/// <param name="Tokens">The words, in order.</param>
/// <param name="Tags">One tag per token.</param>
public sealed record TaggedSentence(IReadOnlyList<string> Tokens, IReadOnlyList<string> Tags)
{
    /// <summary>The number of tokens.</summary>
    public int Length => Tokens.Count;

    /// <summary>Checks that there is one tag per token.</summary>
    public TaggedSentence Validate()
    {
        if (Tokens.Count != Tags.Count)
            throw new ArgumentException($"{Tokens.Count} tokens but {Tags.Count} tags.");
        return this;
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(' ', Tokens.Zip(Tags, (w, t) => t == "O" ? w : $"{w}/{t}"));
}
