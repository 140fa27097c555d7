using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class TagMapTests
{
    [Fact]
    public void Built_map_puts_o_first_then_b_and_i_of_each_type()
    {
        var map = TagMap.Build([["B-per", "I-per", "O"], ["B-org", "O"], ["I-geo"]]);
        Assert.Equal(["O", "B-geo", "I-geo", "B-org", "I-org", "B-per", "I-per"], map.Tags);
        Assert.Equal(0, map.OutsideId);
        Assert.Equal([5, 6, 0], map.Encode(["B-per", "I-per", "O"]));
        Assert.Equal(["I-org", "O"], map.Decode([4, 0]));
    }

    [Fact]
    public void Padding_has_no_tag()
    {
        Assert.Equal(-1, TagMap.PadId);
        Assert.Equal(17, TagMap.Gmb.Count);
        Assert.DoesNotContain(TagMap.Gmb.Tags, t => t.Contains("PAD", StringComparison.OrdinalIgnoreCase));
        Assert.Throws<ArgumentOutOfRangeException>(() => TagMap.Gmb.TagOf(TagMap.PadId));
    }

    [Fact]
    public void Unknown_tag_is_a_clear_error()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => TagMap.Gmb.IdOf("B-loc"));
        Assert.Equal("The tag \"B-loc\" is not in the tag map (17 tags).", e.Message);
        Assert.False(TagMap.Gmb.Contains("B-loc"));
    }

    [Fact]
    public void Given_order_is_kept_and_duplicates_are_rejected()
    {
        Assert.Equal(["NN", "DT"], TagMap.FromTags(["NN", "DT"]).Tags);
        Assert.Equal(-1, TagMap.FromTags(["NN", "DT"]).OutsideId);
        Assert.Throws<ArgumentException>(() => TagMap.FromTags(["O", "O"]));
    }

    [Fact]
    public void Json_round_trip_keeps_every_id()
    {
        var map = TagMap.Gmb;
        string json = map.ToJson();
        Assert.StartsWith("""{"tags":["O","B-geo","I-geo",""", json);
        Assert.Equal(map.Tags, TagMap.FromJson(json).Tags);
        Assert.Throws<FormatException>(() => TagMap.FromJson("""{"tags":["O","O"]}"""));
        Assert.Throws<FormatException>(() => TagMap.FromJson("""{"tags":[]}"""));
        Assert.Throws<FormatException>(() => TagMap.FromJson("""{"labels":["O"]}"""));
    }
}
