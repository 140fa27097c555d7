using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class UdEwtTests
{
    static IReadOnlyList<TaggedSentence> Read(string split) =>
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

    [Fact]
    public void Trigram_hmm_reaches_the_target_and_both_models_beat_the_baseline()
    {
        var (train, test) = (Read("train"), Read("test"));
        var baseline = MostFrequentTagBaseline.Train(train);
        var bigram = HiddenMarkovModel.Train(train);
        var trigram = TrigramHiddenMarkovModel.Train(train);

        double baselineAccuracy = TaggingAccuracy.Measure(test, baseline.Tag, baseline.IsKnown).Accuracy;
        double bigramAccuracy = TaggingAccuracy.Measure(test, bigram.Tag, bigram.IsKnown).Accuracy;
        double trigramAccuracy = TaggingAccuracy.Measure(test, trigram.Tag, trigram.IsKnown).Accuracy;

        Assert.True(bigramAccuracy > baselineAccuracy, $"bigram {bigramAccuracy:F4} vs baseline {baselineAccuracy:F4}");
        Assert.True(trigramAccuracy >= 0.93, $"trigram {trigramAccuracy:F4}");
    }
}
