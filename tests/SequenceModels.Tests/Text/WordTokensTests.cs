using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class WordTokensTests
{
    [Fact]
    public void Words_and_punctuation_are_split_and_lowercased() =>
        Assert.Equal(["the", "cat's", "hat", ",", "well-worn", "!"], WordTokens.Split("The cat's hat, well-worn!"));

    [Fact]
    public void The_vocabulary_starts_with_eos_and_unk_then_words_by_frequency()
    {
        var v = WordTokens.Vocabulary(["the dog sat", "the cat sat", "a cat"], minCount: 2);
        // cat, sat and the are seen twice (ties in ordinal order); a and dog once, so they are left to UNK.
        Assert.Equal(["<EOS>", "<UNK>", "cat", "sat", "the"], v);
    }

    [Fact]
    public void Unknown_words_become_unk_and_every_sentence_ends_with_eos()
    {
        var v = WordTokens.Vocabulary(["the dog sat."]);
        Assert.Equal(["the", "<UNK>", "sat", ".", "<EOS>"], WordTokens.Encode("The cat sat.", v));
    }

    [Fact]
    public void Comparison_counts_vocabularies_lengths_and_unknowns()
    {
        var c = WordTokens.Compare(["the cat sat", "the dog sat"], ["the cow sat"]);
        Assert.Equal(6, c.WordVocabularySize);        // EOS, UNK, sat, the, cat, dog
        Assert.Equal(13, c.CharacterVocabularySize);  // EOS, UNK, '\n', ' ', a c d e g h o s t
        Assert.Equal(4, c.HeldOutWordTokens);         // the cow sat EOS
        Assert.Equal(12, c.HeldOutCharacterTokens);   // 11 characters and EOS
        Assert.Equal(1.0 / 3, c.WordUnknownRate, 1e-15);      // cow
        Assert.Equal(1.0 / 11, c.CharacterUnknownRate, 1e-15); // w
        Assert.Equal(3.0, c.LengthRatio);
    }
}
