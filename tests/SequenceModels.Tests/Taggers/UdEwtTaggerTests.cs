using SequenceModels.Taggers;
using SequenceModels.Text;
using SequenceModels.Tests.Text;

namespace SequenceModels.Tests.Taggers;

/// <summary>The taggers on the real treebank (UD English Web Treebank 2.16, in data/ud-ewt/).</summary>
public class UdEwtTaggerTests
{
    static IReadOnlyList<TaggedSentence> Read(string split) => UdEwtTests.Read(split);

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
