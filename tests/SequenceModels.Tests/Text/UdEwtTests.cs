using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class UdEwtTests
{
    internal static IReadOnlyList<TaggedSentence> Read(string split) =>
        ConlluReader.Read(TextFiles.Corpus("ud-ewt", $"en_ewt-ud-{split}.conllu.gz"), ConlluColumn.Upos, ConlluReader.UposTags);

    [Fact]
    public void Sentence_and_word_counts_match_the_data_readme()
    {
        // data/README.md: train 12,544 / 204,577; dev 2,001 / 25,147; test 2,077 / 25,094.
        foreach (var (split, sentences, words) in new[] { ("train", 12_544, 204_577), ("dev", 2_001, 25_147), ("test", 2_077, 25_094) })
        {
            var data = Read(split);
            Assert.Equal(sentences, data.Count);
            Assert.Equal(words, data.Sum(s => s.Length));
        }
    }

    [Fact]
    public void Xpos_column_reads_the_same_words()
    {
        var upos = Read("dev");
        var xpos = ConlluReader.Read(TextFiles.Corpus("ud-ewt", "en_ewt-ud-dev.conllu.gz"), ConlluColumn.Xpos);
        Assert.Equal(upos.Sum(s => s.Length), xpos.Sum(s => s.Length));
        Assert.Contains("NNP", xpos.SelectMany(s => s.Tags));
    }
}
