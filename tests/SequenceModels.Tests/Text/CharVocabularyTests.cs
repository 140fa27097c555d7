using System.Text.Json.Nodes;
using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class CharVocabularyTests
{
    [Fact]
    public void Eos_and_unk_come_first_then_characters_in_ordinal_order()
    {
        var v = CharVocabulary.Build("banana bread");
        Assert.Equal(["<EOS>", "<UNK>", " ", "a", "b", "d", "e", "n", "r"], v.Tokens);
        Assert.Equal(9, v.Count);
        Assert.Equal(0, CharVocabulary.EosId);
        Assert.Equal(1, CharVocabulary.UnkId);
        Assert.Equal(3, v.IdOf('a'));
        Assert.Equal('r', v.CharOf(8));
        Assert.Null(v.CharOf(CharVocabulary.EosId));
        Assert.Null(v.CharOf(CharVocabulary.UnkId));
    }

    [Fact]
    public void Characters_outside_the_vocabulary_encode_as_unk()
    {
        var v = CharVocabulary.Build("abc");
        // a=2, b=3, c=4; 'z' and 'é' were never seen.
        Assert.Equal([2, 1, 4, 1], v.Encode("azcé"));
        Assert.False(v.Contains('z'));
    }

    [Fact]
    public void Characters_seen_fewer_than_the_minimum_count_are_left_to_unk()
    {
        var v = CharVocabulary.Build("aaab", minCount: 2);
        Assert.Equal(["<EOS>", "<UNK>", "a"], v.Tokens);
        Assert.Equal([2, 2, 2, 1], v.Encode("aaab"));
    }

    [Fact]
    public void Lines_are_encoded_with_eos_after_each_and_decoded_back_with_line_breaks()
    {
        var v = CharVocabulary.Build("abc");
        int[] ids = v.EncodeLines(["ab", "c"]);
        Assert.Equal([2, 3, 0, 4, 0], ids);
        Assert.Equal("ab\nc\n", v.Decode(ids));
        Assert.Equal("a\uFFFDb", v.Decode([2, 1, 3]));
    }

    [Fact]
    public void Surrogate_halves_get_no_id_of_their_own()
    {
        var v = CharVocabulary.Build("a😀b");
        Assert.Equal(["<EOS>", "<UNK>", "a", "b"], v.Tokens);
        Assert.Equal([2, 1, 1, 3], v.Encode("a😀b"));
        Assert.Throws<ArgumentException>(() => new CharVocabulary(['a', '\uD83D']));
    }

    [Fact]
    public void Json_round_trip_keeps_every_id()
    {
        var v = CharVocabulary.Build("To be, or not to be:\nthat is the question. «Ça va?» \t&<>\"\\");
        var back = CharVocabulary.FromJson(v.ToJsonString());
        Assert.Equal(v.Tokens, back.Tokens);
        var again = CharVocabulary.FromJson(JsonNode.Parse(v.ToJson().ToJsonString()));
        Assert.Equal(v.Tokens, again.Tokens);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"characters\": \"abc\"}")]
    [InlineData("{\"reserved\": [\"<PAD>\", \"<UNK>\"], \"characters\": \"abc\"}")]
    [InlineData("{\"reserved\": [\"<EOS>\", \"<UNK>\"], \"characters\": 12}")]
    [InlineData("{\"reserved\": [\"<EOS>\", \"<UNK>\"], \"characters\": \"abca\"}")]
    [InlineData("{not json")]
    public void Json_that_is_not_a_character_vocabulary_is_rejected(string json)
    {
        var e = Assert.Throws<FormatException>(() => CharVocabulary.FromJson(json));
        Assert.StartsWith("Not a character vocabulary", e.Message);
    }

    [Fact]
    public void A_duplicated_character_is_rejected_naming_it()
    {
        var e = Assert.Throws<ArgumentException>(() => new CharVocabulary("aba"));
        Assert.Contains("'a' appears twice", e.Message);
    }
}
