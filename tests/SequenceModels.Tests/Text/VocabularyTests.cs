using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class VocabularyTests
{
    private static readonly string[][] Corpus = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat"]];

    [Fact]
    public void Pad_and_unk_come_first_then_words_by_frequency_then_ordinal()
    {
        var vocab = Vocabulary.Build(Corpus);
        // counts: the 2, cat 2, sat 2, dog 1, a 1
        Assert.Equal(["<PAD>", "<UNK>", "cat", "sat", "the", "a", "dog"], vocab.Tokens);
        Assert.Equal((0, 1), (Vocabulary.PadId, Vocabulary.UnkId));
        Assert.Equal(4, vocab["the"]);
        Assert.Equal(Vocabulary.UnkId, vocab["zebra"]);
        Assert.Equal("dog", vocab.TokenOf(6));
        Assert.Equal(2, vocab.Frequency(vocab["cat"]));
    }

    [Fact]
    public void Words_below_the_minimum_frequency_map_to_unk()
    {
        var vocab = Vocabulary.Build(Corpus, minFrequency: 2);
        Assert.Equal(["<PAD>", "<UNK>", "cat", "sat", "the"], vocab.Tokens);
        Assert.Equal(Vocabulary.UnkId, vocab["dog"]);
        Assert.False(vocab.Contains("dog"));
        Assert.True(vocab.Contains("cat"));
        Assert.Equal(2, vocab.Frequency(Vocabulary.UnkId)); // dog and a, once each
        Assert.Equal([4, 1, 3, 1], vocab.Encode(["the", "dog", "sat", "?"]));
    }

    [Fact]
    public void Lowercasing_applies_when_building_and_when_looking_up()
    {
        var vocab = Vocabulary.Build([["The", "the", "THE", "Cat"]], lowercase: true);
        Assert.Equal(["<PAD>", "<UNK>", "the", "cat"], vocab.Tokens);
        Assert.Equal(2, vocab["ThE"]);
        Assert.Equal(3, vocab.Frequency(2));
        Assert.Equal(Vocabulary.UnkId, Vocabulary.Build([["The"]])["the"]); // case-sensitive by default
    }

    [Fact]
    public void Reserved_strings_in_the_text_keep_their_reserved_ids()
    {
        var vocab = Vocabulary.Build([["<UNK>", "x", "<PAD>"]]);
        Assert.Equal(3, vocab.Count);
        Assert.Equal([1, 2, 0], vocab.Encode(["<UNK>", "x", "<PAD>"]));
    }

    [Fact]
    public void Builds_from_tagged_sentences()
    {
        var vocab = Vocabulary.Build([new TaggedSentence(["Oslo", "is", "cold"], ["B-geo", "O", "O"])]);
        Assert.Equal(["Oslo", "cold", "is"], vocab.Decode([2, 3, 4]));
    }

    [Fact]
    public void Json_round_trip_keeps_every_id()
    {
        var vocab = Vocabulary.Build(Corpus, minFrequency: 2, lowercase: true);
        string json = vocab.ToJson();
        Assert.Equal("""{"lowercase":true,"minFrequency":2,"tokens":["<PAD>","<UNK>","cat","sat","the"],"counts":[0,2,2,2,2]}""", json);
        var back = Vocabulary.FromJson(json);
        Assert.Equal(vocab.Tokens, back.Tokens);
        Assert.Equal((true, 2), (back.Lowercase, back.MinFrequency));
        Assert.Equal(Enumerable.Range(0, vocab.Count).Select(vocab.Frequency), Enumerable.Range(0, back.Count).Select(back.Frequency));
        Assert.Equal(vocab["The"], back["The"]);
    }

    [Theory]
    [InlineData("""{"lowercase":false,"minFrequency":1,"tokens":["<UNK>","<PAD>"],"counts":[0,0]}""", "the first tokens must be <PAD> and <UNK>")]
    [InlineData("""{"lowercase":false,"minFrequency":1,"tokens":["<PAD>","<UNK>","a","a"],"counts":[0,0,1,1]}""", "the token \"a\" appears twice")]
    [InlineData("""{"lowercase":false,"minFrequency":1,"tokens":["<PAD>","<UNK>"],"counts":[0]}""", "2 tokens but 1 counts")]
    [InlineData("""{"minFrequency":1,"tokens":["<PAD>","<UNK>"],"counts":[0,0]}""", "\"lowercase\" is missing")]
    [InlineData("""{"lowercase":false,"minFrequency":1,"tokens":["<PAD>",3],"counts":[0,0]}""", "\"tokens\"[1] is not a String")]
    [InlineData("[1, 2]", "expected a JSON object")]
    [InlineData("{", "Not a vocabulary")]
    public void Broken_json_is_a_format_error(string json, string fragment)
    {
        var e = Assert.Throws<FormatException>(() => Vocabulary.FromJson(json));
        Assert.Contains(fragment, e.Message);
    }
}
