using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class NerMetricsTests
{
    private static string[] T(string text) => text.Split(' ');

    // Four hand-made sentences. Gold entities: per[0,2) geo[3,4) | org[0,3) tim[4,5) | gpe[2,3) | geo[0,2).
    // Predicted: per[0,1) (wrong end) geo[3,4) (right) | org[0,3) tim[4,5) (right) | geo[0,1) (false alarm)
    // gpe[2,3) (right) | org[0,2) (wrong type).
    private static readonly string[][] Gold =
        [T("B-per I-per O B-geo O"), T("B-org I-org I-org O B-tim"), T("O O B-gpe O"), T("B-geo I-geo")];
    private static readonly string[][] Predicted =
        [T("B-per O O B-geo O"), T("B-org I-org I-org O B-tim"), T("B-geo O B-gpe O"), T("B-org I-org")];

    [Fact]
    public void Entity_scores_count_only_exact_matches()
    {
        var scores = NerMetrics.Entities(Gold, Predicted);
        // gold 6, predicted 7, correct 4: P = 4/7, R = 4/6, F1 = 2·4/(6 + 7) = 8/13.
        Assert.Equal(new EntityCounts(6, 7, 4), scores.Overall);
        Assert.Equal(4.0 / 7, scores.Overall.Precision, 15);
        Assert.Equal(2.0 / 3, scores.Overall.Recall, 15);
        Assert.Equal(8.0 / 13, scores.Overall.F1, 15);
        Assert.Equal(["geo", "gpe", "org", "per", "tim"], scores.PerType.Keys);
        Assert.Equal(new EntityCounts(2, 2, 1), scores.PerType["geo"]);
        Assert.Equal(new EntityCounts(1, 1, 1), scores.PerType["gpe"]);
        Assert.Equal(new EntityCounts(1, 2, 1), scores.PerType["org"]);
        Assert.Equal(new EntityCounts(1, 1, 0), scores.PerType["per"]); // a partial match is a miss
        Assert.Equal(new EntityCounts(1, 1, 1), scores.PerType["tim"]);
        Assert.Equal(2.0 / 3, scores.PerType["org"].F1, 15); // P 1/2, R 1: 2·(1/2)/(3/2)
        Assert.Equal((0.0, 0.0, 0.0), (scores.PerType["per"].Precision, scores.PerType["per"].Recall, scores.PerType["per"].F1));
    }

    [Fact]
    public void Ill_formed_predictions_are_read_as_conlleval_reads_them()
    {
        // Predicted I-per after O starts a per entity [1,3), which matches the gold B-per I-per exactly.
        var scores = NerMetrics.Entities([T("O B-per I-per")], [T("O I-per I-per")]);
        Assert.Equal(new EntityCounts(1, 1, 1), scores.Overall);
        // I-geo after B-per: two entities per[0,1) and geo[1,2); the gold per[0,2) is missed.
        Assert.Equal(new EntityCounts(1, 2, 0), NerMetrics.Entities([T("B-per I-per")], [T("B-per I-geo")]).Overall);
    }

    [Fact]
    public void No_entities_give_zero_scores_not_nan()
    {
        var scores = NerMetrics.Entities([T("O O")], [T("O O")]);
        Assert.Equal((0.0, 0.0, 0.0), (scores.Overall.Precision, scores.Overall.Recall, scores.Overall.F1));
        Assert.Empty(scores.PerType);
    }

    [Fact]
    public void Score_table_lists_each_type_and_overall()
    {
        string table = NerMetrics.Entities(Gold, Predicted).ToString();
        string[] lines = table.TrimEnd().Split(Environment.NewLine);
        Assert.Equal(7, lines.Length);
        Assert.Equal("type     precision  recall      F1    gold  predicted  correct", lines[0]);
        Assert.Equal("org         0.5000  1.0000  0.6667       1          2        1", lines[3]);
        Assert.Equal("overall     0.5714  0.6667  0.6154       6          7        4", lines[6]);
    }

    [Fact]
    public void Token_accuracy_and_all_o_baseline()
    {
        // correct tokens 4 + 5 + 3 + 0 = 12 of 16; gold O tokens 2 + 1 + 3 + 0 = 6 of 16.
        Assert.Equal(12.0 / 16, NerMetrics.TokenAccuracy(Gold, Predicted));
        Assert.Equal(6.0 / 16, NerMetrics.AllOBaseline(Gold));
    }

    [Fact]
    public void Mismatched_sentences_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => NerMetrics.TokenAccuracy(Gold, Predicted.Take(3)));
        Assert.Throws<ArgumentException>(() => NerMetrics.Entities([T("O O")], [T("O")]));
    }

    [Fact]
    public void Masked_accuracy_ignores_padding_even_where_it_matches()
    {
        int[,] labels = { { 3, 1, 2 }, { 4, -1, -1 } };
        int[,] predicted = { { 3, 0, 2 }, { 0, -1, -1 } };
        bool[,] mask = { { true, true, true }, { true, false, false } };
        Assert.Equal(2.0 / 4, NerMetrics.MaskedAccuracy(labels, predicted, mask));
        Assert.Throws<ShapeException>(() => NerMetrics.MaskedAccuracy(labels, new int[2, 2], mask));
    }

    [Fact]
    public void Masked_accuracy_on_a_token_batch_uses_its_lengths()
    {
        var gold = TokenBatch.FromSequences([[1, 2, 3], [4]], TagMap.PadId); // ids t0: 1 4, t1: 2 -1, t2: 3 -1
        int[] predicted = [1, 0, 2, -1, 0, -1];
        Assert.Equal((2, 4), NerMetrics.MaskedCounts(gold, predicted));
        Assert.Equal(0.5, NerMetrics.MaskedAccuracy(gold, predicted));
        var tags = TokenBatch.FromSequences([[0, 0, 3], [0]], TagMap.PadId);
        Assert.Equal(0.75, NerMetrics.AllOBaseline(tags, outsideId: 0));
        Assert.Throws<ArgumentException>(() => NerMetrics.MaskedAccuracy(gold, [1, 2]));
    }

    [Fact]
    public void Entity_scores_and_accuracy_match_conlleval_on_iob1_with_ill_formed_predictions()
    {
        // conlleval.pl (version 2004-01-26) on Fixtures/conlleval_iob1.txt prints:
        //   processed 28 tokens with 11 phrases; found: 12 phrases; correct: 4.
        //   accuracy:  60.71%; precision:  33.33%; recall:  36.36%; FB1:  34.78
        var sentences = File.ReadAllText(TextFiles.Fixture("conlleval_iob1.txt")).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')).ToArray()).ToArray();
        var gold = sentences.Select(s => (IReadOnlyList<string>)s.Select(r => r[1]).ToArray()).ToArray();
        var predicted = sentences.Select(s => (IReadOnlyList<string>)s.Select(r => r[2]).ToArray()).ToArray();
        var scores = EntityScores.Compute(gold, predicted, TagScheme.Iob1);
        Assert.Equal(new EntityCounts(Gold: 11, Predicted: 12, Correct: 4), scores.Overall);
        Assert.Equal(34.78, Math.Round(100 * scores.Overall.F1, 2));
        Assert.Equal(60.71, Math.Round(100 * NerMetrics.TokenAccuracy(gold, predicted), 2));
        // Converted to BIO, the same entities: the scores do not depend on the scheme the tags are written in.
        var bio = EntityScores.Compute(gold.Select(g => TagSchemes.ToBio(g, TagScheme.Iob1)), predicted.Select(p => TagSchemes.ToBio(p, TagScheme.Iob1)));
        Assert.Equal(scores.Overall, bio.Overall);
    }
}
