using SequenceModels;
using SequenceModels.Text;

namespace SequenceModels.Tests.Models;

public class TaggedTextTests
{
    [Fact]
    public void Entities_are_grouped_the_way_conlleval_reads_the_tags()
    {
        // "I-geo" after O starts an entity, as conlleval reads it.
        var text = new TaggedText(["in", "New", "York", "and", "Oslo"], ["O", "B-geo", "I-geo", "O", "I-geo"]);
        Assert.Equal([(new Entity("geo", 1, 3), "New York"), (new Entity("geo", 4, 5), "Oslo")], text.Entities);
        Assert.All(text.Unknown, Assert.False);
    }

    [Fact]
    public void A_sentence_without_entities_says_so()
    {
        var text = new TaggedText(["it", "rained", "."], ["O", "O", "O"]);
        Assert.Equal("it rained ." + Environment.NewLine + "entities: none", text.ToString());
    }

    [Fact]
    public void The_html_marks_each_entity_with_its_type_and_escapes_words()
    {
        var text = new TaggedText(["<b>", "Anna", "Berg", "met", "AT&T"], ["O", "B-per", "I-per", "O", "B-org"], [true, false, false, false, true]);
        string html = text.ToHtml();
        Assert.Contains("&lt;b&gt;", html);
        Assert.DoesNotContain("<b>", html);
        Assert.Equal(2, html.Split("<mark").Length - 1);
        Assert.Contains("Anna Berg <span", html);
        Assert.Contains(">per</span></mark>", html);
        Assert.Contains("AT&amp;T</span> <span style=\"font-size:0.7em;font-weight:bold;text-transform:uppercase\">org</span>", html);
        Assert.Contains("not in the vocabulary", html);
    }

    [Fact]
    public void Tokens_and_tags_must_pair_up()
    {
        Assert.Throws<ArgumentException>(() => new TaggedText(["a", "b"], ["O"]));
        Assert.Throws<ArgumentException>(() => new TaggedText(["a"], ["O"], [true, false]));
    }
}

public class TaggerEvaluationTests
{
    [Fact]
    public void Scores_count_real_tokens_and_whole_entities()
    {
        IReadOnlyList<string>[] gold = [["B-per", "I-per", "O", "B-geo"], ["O", "O"]];
        IReadOnlyList<string>[] predicted = [["B-per", "O", "O", "B-geo"], ["O", "B-tim"]];
        var result = TaggerEvaluation.Compute(gold, predicted, ["O", "B-per", "I-per", "B-geo", "I-geo"]);
        Assert.Equal(4.0 / 6, result.MaskedAccuracy, 15);        // I-per→O and O→B-tim are wrong
        Assert.Equal(3.0 / 6, result.AllOBaseline, 15);
        Assert.Equal(new EntityCounts(2, 3, 1), result.Entities!.Overall); // only geo matches exactly
        Assert.Equal(1, result.Confusion["I-per", "O"]);
        Assert.Equal(1, result.Confusion["O", "B-tim"]);         // a predicted tag outside the labels is added
        Assert.Equal(6, result.Confusion.Total);
    }

    [Fact]
    public void Part_of_speech_tags_get_no_entity_scores()
    {
        IReadOnlyList<string>[] gold = [["DET", "NOUN"]];
        var result = TaggerEvaluation.Compute(gold, gold, ["DET", "NOUN"]);
        Assert.Null(result.Entities);
        Assert.Equal(1.0, result.MaskedAccuracy);
    }
}

public class TaggerOptionsTests
{
    [Fact]
    public void Options_round_trip_through_json()
    {
        var options = new TaggerOptions(EmbeddingSize: 7, HiddenSize: 9, Cell: TaggerCell.Gru, Bidirectional: true, Layers: 3, Dropout: 0.25);
        Assert.Equal(options, TaggerOptions.FromJsonNode(options.ToJsonNode()));
    }

    [Fact]
    public void Out_of_range_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TaggerOptions(Dropout: 1).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TaggerOptions(HiddenSize: 0).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TaggerTraining(LearningRate: 0).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TaggerTraining(WordDropout: -0.1).Validate());
        var json = new TaggerOptions().ToJsonNode();
        json["cell"] = "transformer";
        Assert.Equal("Not tagger options: unknown cell \"transformer\".", Assert.Throws<FormatException>(() => TaggerOptions.FromJsonNode(json)).Message);
    }
}
