using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class WordCasingTests
{
    [Theory]
    [InlineData("1996", "numeric")]
    [InlineData("1,250", "mainly-numeric")]
    [InlineData("paris", "lower")]
    [InlineData("NATO", "upper")]
    [InlineData("Paris", "initial-upper")]
    [InlineData("U.S.", "initial-upper")]
    [InlineData("mp3", "contains-digit")]
    [InlineData("iPhone", "other")]
    [InlineData(",", "other")]
    public void Each_word_falls_in_one_casing_class(string word, string casing) =>
        Assert.Equal(casing, WordCasing.Classes[WordCasing.Of(word)]);

    [Fact]
    public void Keys_fold_case_and_digits()
    {
        Assert.Equal("paris", WordCasing.Key("PARIS"));
        Assert.Equal("0000s", WordCasing.Key("1990s"));
        Assert.Equal(WordCasing.Key("Paris"), WordCasing.Key("paris"));
    }
}
