using System.Net;
using System.Text;
using Microsoft.DotNet.Interactive.Formatting;
using SequenceModels.Text;

namespace SequenceModels;

/// <summary>
/// A tagger's answer for one sentence: the tokens, the predicted tag of each, which tokens the vocabulary did not
/// know (they were read as UNK), and the entities the BIO tags group them into. A notebook shows it as the sentence
/// with each entity highlighted and labelled by type.
/// </summary>
[TypeFormatterSource(typeof(TaggedTextFormatters), PreferredMimeTypes = ["text/html", "text/plain"])]
public sealed record TaggedText
{
    /// <summary>Pairs tokens with their tags and groups the entities (<see cref="BioTags.Group"/>).</summary>
    /// <param name="tokens">The words, in order.</param>
    /// <param name="tags">One BIO tag per word.</param>
    /// <param name="unknown">For each word, true when the vocabulary did not know it; null when none are marked.</param>
    public TaggedText(IReadOnlyList<string> tokens, IReadOnlyList<string> tags, IReadOnlyList<bool>? unknown = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(tags);
        if (unknown is not null && unknown.Count != tokens.Count)
            throw new ArgumentException($"{tokens.Count} tokens but {unknown.Count} unknown-word flags.", nameof(unknown));
        Tokens = tokens;
        Tags = tags;
        Unknown = unknown ?? new bool[tokens.Count];
        Entities = BioTags.Group(tokens, tags);
    }

    /// <summary>The words, in order.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>The predicted tag of each word.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>True for each word the vocabulary did not know (the model saw UNK there).</summary>
    public IReadOnlyList<bool> Unknown { get; }

    /// <summary>The entities, in order, each with its text: <c>(per [0, 2), "Angela Merkel")</c>.</summary>
    public IReadOnlyList<(Entity Entity, string Text)> Entities { get; }

    /// <summary>
    /// Two lines: the sentence with each tagged word as <c>word/TAG</c>, then the entities, for example
    /// <code>
    /// Angela/B-per Merkel/I-per visited Paris/B-geo .
    /// entities: per "Angela Merkel", geo "Paris"
    /// </code>
    /// </summary>
    public override string ToString() =>
        string.Join(' ', Tokens.Select((w, i) => Tags[i] == BioTags.Outside ? w : $"{w}/{Tags[i]}")) + Environment.NewLine +
        "entities: " + (Entities.Count == 0 ? "none" : string.Join(", ", Entities.Select(e => $"{e.Entity.Type} \"{e.Text}\"")));

    /// <summary>The sentence as HTML: entities highlighted in a colour per type with the type after them; unknown words underlined.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder("<div style=\"line-height:2.2;font-size:1.05em\">");
        int next = 0;
        foreach (var (entity, _) in Entities)
        {
            for (; next < entity.Start; next++) html.Append(Word(next)).Append(' ');
            html.Append($"<mark style=\"background:{Colour(entity.Type)};padding:0.15em 0.35em;border-radius:0.3em\">");
            for (; next < entity.End; next++) html.Append(Word(next)).Append(next < entity.End - 1 ? " " : "");
            html.Append($" <span style=\"font-size:0.7em;font-weight:bold;text-transform:uppercase\">{WebUtility.HtmlEncode(entity.Type)}</span></mark> ");
        }
        for (; next < Tokens.Count; next++) html.Append(Word(next)).Append(' ');
        if (Unknown.Any(u => u))
            html.Append("<div style=\"font-size:0.8em;color:#666;line-height:1.4\">dotted underline: not in the vocabulary (read as &lt;UNK&gt;)</div>");
        return html.Append("</div>").ToString();

        string Word(int i) => Unknown[i]
            ? $"<span style=\"text-decoration:underline dotted\" title=\"unknown word\">{WebUtility.HtmlEncode(Tokens[i])}</span>"
            : WebUtility.HtmlEncode(Tokens[i]);
    }

    private static string Colour(string type) => type switch
    {
        "per" => "#aa9cfc",
        "org" => "#7aecec",
        "geo" => "#feca74",
        "gpe" => "#ff9561",
        "tim" => "#bfe1d9",
        "art" => "#f0d0ff",
        "eve" => "#ffeb80",
        "nat" => "#c5e8a5",
        _ => "#ddd",
    };
}

/// <summary>How notebooks show a <see cref="TaggedText"/>.</summary>
internal sealed class TaggedTextFormatters : ITypeFormatterSource
{
    public IEnumerable<ITypeFormatter> CreateTypeFormatters() =>
    [
        new HtmlFormatter<TaggedText>((t, context) =>
        {
            context.Writer.Write(t.ToHtml());
            return true;
        }),
        new PlainTextFormatter<TaggedText>((t, context) =>
        {
            context.Writer.Write(t.ToString());
            return true;
        }),
    ];
}
