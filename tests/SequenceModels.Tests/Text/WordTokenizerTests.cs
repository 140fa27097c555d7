using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class WordTokenizerTests
{
    [Theory]
    [InlineData("Mr. Smith's car, in London.", "Mr.|Smith|'s|car|,|in|London|.")]
    [InlineData("The U.S. economy grew 3.5% in 2009.", "The|U.S.|economy|grew|3.5|%|in|2009|.")]
    [InlineData("Prices rose 3.5.", "Prices|rose|3.5|.")]
    [InlineData("They don't know, and we can't.", "They|do|n't|know|,|and|we|ca|n't|.")]
    [InlineData("He said: \"Sales hit $10,000 (a record).\"", "He|said|:|\"|Sales|hit|$|10,000|(|a|record|)|.|\"")]
    [InlineData("George W. Bush met al-Qaida's foes in Côte d'Ivoire -- really?", "George|W.|Bush|met|al-Qaida|'s|foes|in|Côte|d'Ivoire|--|really|?")]
    [InlineData("It\u2019s \u201Cfine\u201D.", "It|'s|\"|fine|\"|.")]
    [InlineData("Troops left at 5 p.m. Tuesday...", "Troops|left|at|5|p.m.|Tuesday|...")]
    [InlineData("The soldiers' families met Dr. O'Connor at St. Mary's.", "The|soldiers|'|families|met|Dr.|O'Connor|at|St.|Mary|'s|.")]
    [InlineData("We'll see: 'maybe' [sic] #1!", "We|'ll|see|:|'|maybe|'|[|sic|]|#|1|!")]
    [InlineData("war--and peace", "war|--|and|peace")]
    [InlineData("He said no. Gen. Ruiz agreed.", "He|said|no|.|Gen.|Ruiz|agreed|.")]
    [InlineData("  Paris  \t\n", "Paris")]
    public void Splits_words_and_punctuation_like_the_corpus(string text, string expected) =>
        Assert.Equal(expected.Split('|'), WordTokenizer.Tokenize(text));

    [Fact]
    public void Empty_text_has_no_tokens() => Assert.Empty(WordTokenizer.Tokenize(" "));
}
