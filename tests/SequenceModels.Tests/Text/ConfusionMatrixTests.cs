using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class ConfusionMatrixTests
{
    private static string[] T(string text) => text.Split(' ');

    [Fact]
    public void Counts_gold_rows_against_predicted_columns()
    {
        string[][] gold = [T("B-per I-per O B-geo O"), T("O O B-gpe O"), T("B-geo I-geo")];
        string[][] predicted = [T("B-per O O B-geo O"), T("B-geo O B-gpe O"), T("B-org I-org")];
        var m = ConfusionMatrix.From(gold, predicted);
        Assert.Equal(["O", "B-geo", "I-geo", "B-gpe", "B-org", "I-org", "B-per", "I-per"], m.Labels);
        Assert.Equal(4, m["O", "O"]);
        Assert.Equal(1, m["O", "B-geo"]);
        Assert.Equal(1, m["I-per", "O"]);
        Assert.Equal(1, m["B-geo", "B-org"]);
        Assert.Equal(1, m["I-geo", "I-org"]);
        Assert.Equal(0, m["B-org", "B-geo"]);
        Assert.Equal((11, 7), (m.Total, m.Correct)); // diagonal: O 4, B-geo 1, B-gpe 1, B-per 1
        Assert.Equal(m.Total, m.ToArray().Cast<int>().Sum());
    }

    [Fact]
    public void Given_labels_fix_the_order_and_reject_strangers()
    {
        var m = ConfusionMatrix.From([T("O B-per")], [T("O O")], ["B-per", "O"]);
        Assert.Equal(1, m[1, 1]);
        Assert.Equal(1, m[0, 1]);
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.From([T("B-geo")], [T("O")], ["O"]));
    }

    [Fact]
    public void Batches_count_only_real_positions()
    {
        var m = new ConfusionMatrix(TagMap.Gmb.Tags);
        var gold = TokenBatch.FromSequences([[0, 1], [2]], TagMap.PadId);
        m.Add(gold, [0, 2, 1, 0]); // (t, b): (0,0) 0→0, (0,1) 2→2, (1,0) 1→1, (1,1) padding
        Assert.Equal((3, 3), (m.Total, m.Correct));
        Assert.Equal(1.0, m.Accuracy);
    }

    [Fact]
    public void ToString_is_an_aligned_table()
    {
        var m = new ConfusionMatrix(["O", "B-geo"]);
        for (int i = 0; i < 12; i++) m.Add("O", "O");
        m.Add("O", "B-geo");
        m.Add("B-geo", "O");
        m.Add("B-geo", "B-geo");
        string expected = string.Join(Environment.NewLine,
            "gold \\ predicted   O  B-geo",
            "O" + new string(' ', 15) + "  12      1", // the first column is as wide as its header
            "B-geo" + new string(' ', 11) + "   1      1",
            "");
        Assert.Equal(expected, m.ToString());
    }
}
