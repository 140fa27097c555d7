using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class EntityNoveltyTests
{
    private static TaggedSentence Sentence(string tokens, string tags) => new(tokens.Split(' '), tags.Split(' '));

    private static readonly TaggedSentence[] Train =
    [
        Sentence("Angela Merkel visited New York", "B-per I-per O B-geo I-geo"),
        Sentence("Apple sells phones", "B-org O O"),
    ];

    private static readonly TaggedSentence[] Test =
    [
        // new york: seen (case does not matter); apple as a geo: the words are known, with another type, so unseen
        Sentence("he left NEW YORK for Apple", "O O B-geo I-geo O B-geo"),
        // merkel alone is not the training entity "angela merkel": unseen; Angela Merkel: seen
        Sentence("Merkel met Angela Merkel", "B-per O B-per I-per"),
    ];

    [Fact]
    public void A_test_entity_is_seen_only_with_the_same_words_and_type_and_found_only_when_predicted_exactly()
    {
        string[][] predicted =
        [
            "O O B-geo I-geo O B-org".Split(' '), // new york found; Apple typed org: not found
            "B-per O B-per O".Split(' '),         // Merkel found; Angela Merkel cut short: not found
        ];
        var novelty = EntityNovelty.Compute(Train, Test, predicted);
        Assert.Equal(new EntityNovelty(Seen: 2, SeenFound: 1, Unseen: 2, UnseenFound: 1), novelty);
        Assert.Equal(4, novelty.Gold);
        Assert.Equal(0.5, novelty.SeenShare);
        Assert.Equal(0.5, novelty.SeenRecall);
        Assert.Equal(0.5, novelty.UnseenRecall);
        var scores = EntityScores.Compute(Test.Select(s => s.Tags), predicted);
        Assert.Equal(scores.Overall.Gold, novelty.Gold);
        Assert.Equal(scores.Overall.Correct, novelty.SeenFound + novelty.UnseenFound);
        Assert.Equal("2 of 4 test entities (50.0%) occur in training with the same type; recall 0.5000 on those, 0.5000 on the other 2", novelty.ToString());
    }

    [Fact]
    public void Predictions_are_read_in_their_own_scheme()
    {
        // The same predictions as above written in IOB1 (an entity starts with I- unless it follows one of its type)
        // and BIOES: the counts do not change.
        string[][] bio = ["O O B-geo I-geo O B-org".Split(' '), "B-per O B-per O".Split(' ')];
        var expected = EntityNovelty.Compute(Train, Test, bio);
        foreach (var scheme in new[] { TagScheme.Iob1, TagScheme.Bioes })
        {
            var written = bio.Select(p => (IReadOnlyList<string>)TagSchemes.FromBio(p, scheme)).ToArray();
            Assert.Equal(expected, EntityNovelty.Compute(Train, Test, written, scheme));
        }
        // Read as BIO, the IOB1 tags "I-per O I-per O" would be the same entities, but BIOES's "S-per" is not a BIO tag.
        var bioes = bio.Select(p => (IReadOnlyList<string>)TagSchemes.FromBio(p, TagScheme.Bioes)).ToArray();
        Assert.Throws<ArgumentException>(() => EntityNovelty.Compute(Train, Test, bioes, TagScheme.Bio));
    }

    [Fact]
    public void Mismatched_predictions_are_refused_with_the_sentence_named()
    {
        Assert.Throws<ArgumentException>(() => EntityNovelty.Compute(Train, Test, [Test[0].Tags]));
        var e = Assert.Throws<ArgumentException>(() => EntityNovelty.Compute(Train, Test, [Test[0].Tags, "O O".Split(' ')]));
        Assert.Contains("Test sentence 1 has 4 tokens, 4 gold tags and 2 predicted tags", e.Message);
    }

    [Fact]
    public void With_no_test_entities_the_recalls_are_undefined()
    {
        var novelty = EntityNovelty.Compute(Train, [Sentence("nothing here", "O O")], [["O", "O"]]);
        Assert.Equal(0, novelty.Gold);
        Assert.Equal(0, novelty.SeenShare);
        Assert.True(double.IsNaN(novelty.SeenRecall));
        Assert.True(double.IsNaN(novelty.UnseenRecall));
    }
}
