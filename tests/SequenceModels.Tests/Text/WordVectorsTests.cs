using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class WordVectorsTests
{
    [Fact]
    public void Glove_text_is_read_and_looked_up_by_key()
    {
        var vectors = WordVectors.Read(new StringReader("the 0.1 -0.2 3e-1\nParis 1 2 3\nparis 9 9 9\n1990 4 5 6\n"), "glove.txt");
        Assert.Equal((3, 4, 3), (vectors.Dimension, vectors.WordsInFile, vectors.Count));
        Assert.True(vectors.TryGet("PARIS", out var paris));
        Assert.Equal([1f, 2f, 3f], paris); // the first line of a key wins
        Assert.True(vectors.TryGet("2003", out var year));
        Assert.Equal([4f, 5f, 6f], year);
        Assert.True(vectors.TryGet("the", out var the));
        Assert.Equal([0.1f, -0.2f, 0.3f], the);
    }

    [Fact]
    public void A_word2vec_header_gives_the_dimension_and_only_wanted_words_are_kept()
    {
        var vectors = WordVectors.Read(new StringReader("3 2\nanna 1 2\nberg 3 4\noslo 5 6\n"), "w2v.txt", keep: w => w != "berg");
        Assert.Equal((2, 3, 2), (vectors.Dimension, vectors.WordsInFile, vectors.Count));
        Assert.False(vectors.TryGet("berg", out _));
    }

    [Theory]
    [InlineData("a 1 2\nb 1\n", "w.txt, line 2: 1 numbers after \"b\", expected 2")]
    [InlineData("a 1 2\nb 1 x\n", "w.txt, line 2: value 2 of \"b\" (\"x\") is not a finite number")]
    [InlineData("a\n", "w.txt, line 1: expected a word and its vector, found 1 field")]
    [InlineData("\n", "w.txt: no word vectors")]
    public void Malformed_vectors_are_named_by_file_and_line(string text, string message)
    {
        var e = Assert.Throws<DataFormatException>(() => WordVectors.Read(new StringReader(text), "w.txt"));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var e = Assert.Throws<DataFormatException>(() => WordVectors.Read("/nonexistent/vectors.txt"));
        Assert.Equal("/nonexistent/vectors.txt: file not found", e.Message);
    }
}
