using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class BioTagsTests
{
    private static string[] Tags(string text) => text.Length == 0 ? [] : text.Split(' ');

    [Theory]
    [InlineData("I-PER I-PER O I-LOC", "B-PER I-PER O B-LOC")] // an entity starts with I-
    [InlineData("I-ORG B-ORG I-ORG", "B-ORG B-ORG I-ORG")] // B- separates two adjacent entities of one type
    [InlineData("I-PER I-LOC", "B-PER B-LOC")] // a type change starts a new entity
    [InlineData("O I-MISC I-MISC B-MISC O", "O B-MISC I-MISC B-MISC O")]
    [InlineData("B-per I-per O B-geo", "B-per I-per O B-geo")] // well-formed BIO is unchanged
    [InlineData("", "")]
    public void Iob1_converts_to_bio(string iob1, string bio) => Assert.Equal(Tags(bio), BioTags.FromIob1(Tags(iob1)));

    [Theory]
    [InlineData("B-per I-per O B-geo", "per 0 2", "geo 3 4")]
    [InlineData("O I-per I-per", "per 1 3")] // I- after O starts an entity (conlleval)
    [InlineData("I-org", "org 0 1")] // I- at the start of the sentence too
    [InlineData("B-per I-geo I-geo O", "per 0 1", "geo 1 3")] // I-Y after B-X starts a Y entity
    [InlineData("B-per B-per I-per", "per 0 1", "per 1 3")] // B- always starts a new entity
    [InlineData("O B-tim I-tim", "tim 1 3")] // an entity may end with the sentence
    [InlineData("O O")]
    public void Entities_follow_conlleval_rules(string tags, params string[] expected)
    {
        var entities = expected.Select(e => e.Split(' ')).Select(p => new Entity(p[0], int.Parse(p[1]), int.Parse(p[2])));
        Assert.Equal(entities, BioTags.Entities(Tags(tags)));
    }

    [Fact]
    public void A_tag_that_is_not_bio_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => BioTags.Entities(["O", "S-per"]));
        Assert.StartsWith("Tag 1 (\"S-per\") is not a BIO tag", e.Message);
        Assert.False(BioTags.IsValid("B-"));
        Assert.False(BioTags.IsValid("b-per"));
        Assert.True(BioTags.IsValid("I-per"));
    }

    [Fact]
    public void Group_returns_entities_with_their_text()
    {
        string[] tokens = ["Angela", "Merkel", "visited", "New", "York", "on", "Monday", "."];
        var groups = BioTags.Group(tokens, Tags("B-per I-per O B-geo I-geo O B-tim O"));
        Assert.Equal([(new Entity("per", 0, 2), "Angela Merkel"), (new Entity("geo", 3, 5), "New York"), (new Entity("tim", 6, 7), "Monday")], groups);
    }

    [Fact]
    public void The_gmb_tag_set_has_17_tags()
    {
        Assert.Equal(17, BioTags.Gmb.Count);
        Assert.Equal(["O", "B-geo", "I-geo", "B-org"], BioTags.Gmb.Take(4));
        Assert.Equal(BioTags.Gmb.Count, BioTags.Gmb.Distinct().Count());
    }
}
