using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class TagSchemesTests
{
    private static string[] Tags(string text) => text.Length == 0 ? [] : text.Split(' ');

    // "Anna Berg met Nordbank Umea Energi Group in Oslo": two organisations side by side (the class's example).
    private const string Iob1 = "I-PER I-PER O I-ORG B-ORG I-ORG I-ORG O I-LOC";
    private const string Bio = "B-PER I-PER O B-ORG B-ORG I-ORG I-ORG O B-LOC";
    private const string Bioes = "B-PER E-PER O S-ORG B-ORG I-ORG E-ORG O S-LOC";

    [Theory]
    [InlineData(TagScheme.Iob1, Iob1)]
    [InlineData(TagScheme.Bio, Bio)]
    [InlineData(TagScheme.Bioes, Bioes)]
    public void The_three_schemes_convert_into_each_other(TagScheme scheme, string written)
    {
        Assert.Equal(Tags(written), TagSchemes.FromBio(Tags(Bio), scheme));
        Assert.Equal(Tags(Bio), TagSchemes.ToBio(Tags(written), scheme));
        foreach (var other in new[] { TagScheme.Iob1, TagScheme.Bio, TagScheme.Bioes })
            Assert.Equal(TagSchemes.FromBio(Tags(Bio), other), TagSchemes.Convert(Tags(written), scheme, other));
    }

    [Theory]
    [InlineData(TagScheme.Iob1, Iob1)]
    [InlineData(TagScheme.Bio, Bio)]
    [InlineData(TagScheme.Bioes, Bioes)]
    public void Every_scheme_reads_the_same_entities(TagScheme scheme, string written)
    {
        Assert.Equal([new Entity("PER", 0, 2), new Entity("ORG", 3, 4), new Entity("ORG", 4, 7), new Entity("LOC", 8, 9)],
            TagSchemes.Entities(Tags(written), scheme));
    }

    [Theory]
    [InlineData("O I-per E-per", "per 1 3")]             // an entity may start with I- or E- (conlleval-style)
    [InlineData("B-per I-per O", "per 0 2")]             // an entity left open by O
    [InlineData("E-per E-per", "per 0 1", "per 1 2")]    // E- closes, so the next E- starts another
    [InlineData("S-geo I-geo", "geo 0 1", "geo 1 2")]    // S- is a whole entity
    [InlineData("B-per E-geo", "per 0 1", "geo 1 2")]    // another type starts another entity
    [InlineData("B-org I-org E-org S-org", "org 0 3", "org 3 4")]
    [InlineData("O O")]
    public void Bioes_is_read_conlleval_style(string tags, params string[] expected)
    {
        var entities = expected.Select(e => e.Split(' ')).Select(p => new Entity(p[0], int.Parse(p[1]), int.Parse(p[2])));
        Assert.Equal(entities, TagSchemes.Entities(Tags(tags), TagScheme.Bioes));
    }

    [Fact]
    public void Ill_formed_bio_is_written_as_the_entities_conlleval_reads()
    {
        Assert.Equal(Tags("O S-geo O"), TagSchemes.FromBio(Tags("O I-geo O"), TagScheme.Bioes));
        Assert.Equal(Tags("O I-geo O"), TagSchemes.FromBio(Tags("O I-geo O"), TagScheme.Iob1));
        Assert.Equal(Tags("B-per B-geo"), TagSchemes.FromBio(Tags("B-per I-geo"), TagScheme.Bio));
    }

    [Fact]
    public void Detection_tells_the_three_schemes_apart()
    {
        Assert.Equal(TagScheme.Bio, TagSchemes.Detect([Tags(Bio)]));
        Assert.Equal(TagScheme.Iob1, TagSchemes.Detect([Tags(Iob1)]));
        Assert.Equal(TagScheme.Bioes, TagSchemes.Detect([Tags("O O"), Tags(Bioes)]));
        Assert.Equal(TagScheme.Bio, TagSchemes.Detect([]));
    }

    [Theory]
    [InlineData(TagScheme.Bio, null, "I-per", false)]
    [InlineData(TagScheme.Bio, "O", "I-per", false)]
    [InlineData(TagScheme.Bio, "B-geo", "I-per", false)]
    [InlineData(TagScheme.Bio, "B-per", "I-per", true)]
    [InlineData(TagScheme.Bio, "I-per", "I-per", true)]
    [InlineData(TagScheme.Bio, "I-per", null, true)]
    [InlineData(TagScheme.Bio, "O", "B-per", true)]
    [InlineData(TagScheme.Iob1, "O", "B-per", false)]
    [InlineData(TagScheme.Iob1, "I-per", "B-per", true)]
    [InlineData(TagScheme.Iob1, "O", "I-per", true)]
    [InlineData(TagScheme.Bioes, null, "E-per", false)]
    [InlineData(TagScheme.Bioes, "B-per", "E-per", true)]
    [InlineData(TagScheme.Bioes, "B-per", "O", false)]
    [InlineData(TagScheme.Bioes, "I-per", null, false)]
    [InlineData(TagScheme.Bioes, "E-per", "S-geo", true)]
    [InlineData(TagScheme.Bioes, "S-per", "I-per", false)]
    [InlineData(TagScheme.Bioes, "O", null, true)]
    [InlineData(TagScheme.Bio, "NOUN", "VERB", true)] // not entity tags: no rule applies
    public void Allowed_transitions_follow_each_scheme(TagScheme scheme, string? previous, string? next, bool allowed) =>
        Assert.Equal(allowed, TagSchemes.Allows(previous, next, scheme));

    [Fact]
    public void Well_formed_conversions_are_allowed_sequences()
    {
        foreach (var scheme in new[] { TagScheme.Iob1, TagScheme.Bio, TagScheme.Bioes })
        {
            var tags = TagSchemes.FromBio(Tags(Bio), scheme);
            for (int i = 0; i <= tags.Length; i++)
                Assert.True(TagSchemes.Allows(i > 0 ? tags[i - 1] : null, i < tags.Length ? tags[i] : null, scheme), $"{scheme} at {i}");
        }
    }

    [Fact]
    public void The_tag_set_of_a_scheme_lists_every_prefix_per_type()
    {
        Assert.Equal(Tags("O B-per I-per B-geo I-geo"), TagSchemes.TagsFor(["per", "geo"], TagScheme.Bio));
        Assert.Equal(Tags("O B-per I-per E-per S-per"), TagSchemes.TagsFor(["per"], TagScheme.Bioes));
    }

    [Fact]
    public void Auto_is_not_a_scheme_to_convert_to_and_bad_tags_are_named()
    {
        Assert.Throws<ArgumentException>(() => TagSchemes.FromBio(["O"], TagScheme.Auto));
        var e = Assert.Throws<ArgumentException>(() => TagSchemes.Entities(["O", "X-per"], TagScheme.Bioes));
        Assert.StartsWith("Tag 1 (\"X-per\") is not a BIOES tag", e.Message);
        Assert.False(TagSchemes.IsValid("S-per", TagScheme.Bio));
        Assert.True(TagSchemes.IsValid("S-per", TagScheme.Bioes));
    }

    [Fact]
    public void Constraints_from_a_tag_map_forbid_what_the_scheme_forbids()
    {
        var tags = TagMap.FromTags(TagSchemes.TagsFor(["per"], TagScheme.Bio)); // O, B-per, I-per
        var c = CrfConstraints.For(tags, TagScheme.Bio);
        Assert.Equal([true, true, false], c.Start);
        Assert.Equal([true, true, true], c.End);
        Assert.False(c.Transitions[0, 2]); // O → I-per
        Assert.True(c.Transitions[1, 2]);  // B-per → I-per
        Assert.True(c.Allows([1, 2, 0]));
        Assert.False(c.Allows([0, 2]));
    }
}
