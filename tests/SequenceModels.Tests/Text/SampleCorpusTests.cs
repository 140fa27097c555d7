using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class SampleCorpusTests
{
    private static IReadOnlyList<TaggedSentence> Load(string name) =>
        ConllReader.Read(Path.Combine(TextFiles.RepoRoot, "data", "ner", name), TagScheme.Bio, BioTags.Gmb);

    [Theory]
    [InlineData("train.conll", 270)]
    [InlineData("dev.conll", 58)]
    [InlineData("test.conll", 59)]
    public void Each_file_is_strict_bio_with_the_gmb_tags_and_every_type(string name, int sentences)
    {
        var corpus = Load(name);
        Assert.Equal(sentences, corpus.Count);
        Assert.All(corpus, s => Assert.InRange(s.Length, 5, 40));
        var entities = corpus.SelectMany(s => BioTags.Entities(s.Tags)).CountBy(e => e.Type).ToDictionary();
        Assert.All(BioTags.GmbTypes, type => Assert.True(entities.GetValueOrDefault(type) >= 4, $"{name}: only {entities.GetValueOrDefault(type)} {type}"));
    }

    [Fact]
    public void Splits_do_not_share_sentences()
    {
        string Key(TaggedSentence s) => string.Join(' ', s.Tokens);
        var train = Load("train.conll").Select(Key).ToHashSet();
        Assert.Equal(train.Count, Load("train.conll").Count);
        Assert.DoesNotContain(Load("dev.conll").Concat(Load("test.conll")).Select(Key), train.Contains);
    }

    [Fact]
    public void Vocabulary_and_batches_build_from_the_training_file()
    {
        var train = Load("train.conll");
        var vocab = Vocabulary.Build(train);
        var tags = TagMap.Build(train);
        Assert.Equal(17, tags.Count);
        var batches = SentenceBatches.Make(Load("dev.conll"), vocab, tags, 16, new Random(0), bucketByLength: true);
        Assert.Equal(58, batches.Sum(b => b.Words.BatchSize));
        double baseline = NerMetrics.AllOBaseline(Load("test.conll").Select(s => s.Tags));
        Assert.InRange(baseline, 0.7, 0.9); // entities are a real share of tokens
    }
}
