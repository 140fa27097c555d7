using MathNet.Numerics.LinearAlgebra;
using static SequenceModels.Tests.Prose.NotebookText;

namespace SequenceModels.Tests.Prose;

/// <summary>What notebook 05's prose says that its run does not print.</summary>
public class Notebook05Tests
{
    private static readonly NotebookText Notebook = Load("05-gru.ipynb");

    [Fact]
    public void The_hand_wired_unit_quotes_its_gates_and_candidate()
    {
        var text = Notebook.Markdown("05-11");
        Assert.Contains("the update gate opens\n($\\sigma(10) \\approx 1$) only at \"dog\" or \"dogs\"", text);
        RoundsTo(Quote(text, @"shut \(\$\\sigma\(-10\) \\approx (?<q>[\d.]+)\$\)"), Sigmoid(-10));
        Assert.Contains("the\ncandidate is $\\tanh(3) \\approx +1$ at \"dog\" and $-1$ at \"dogs\"", text);
        RoundsTo("1", Sigmoid(10));
        RoundsTo("1", Math.Tanh(3));
        var code = Notebook.Code("05-12");
        Assert.Contains("wu[0, 1 + Array.IndexOf(vocabulary, \"dog\")] = 20;", code);
        Assert.Contains("Bu: Matrix<double>.Build.Dense(1, 1, -10)", code);
        Assert.Contains("wc[0, 1 + Array.IndexOf(vocabulary, \"dog\")] = 3;", code);
        RoundsTo(Quote(Notebook.Markdown("05-13"), @"held, (?<q>[\d.]+) per step"), 1 - Sigmoid(-10));
    }

    [Fact]
    public void A_gate_starting_at_a_half_leaves_a_millionth_after_20_steps_and_a_bias_of_minus_2_keeps_88_percent()
    {
        var text = Notebook.Markdown("05-22");
        Assert.Contains("$\\Gamma_u = \\sigma(0) = 0.5$", text);
        Assert.Equal(0.5, Sigmoid(0));
        RoundsTo(Quote(text, @"\$0\.5\^\{20\} \\approx (?<q>[^$]+)\$"), Math.Pow(0.5, 20));
        RoundsTo(Quote(text, @"\$\\sigma\(1\) \\approx (?<q>[\d.]+)\$"), Sigmoid(1));
        RoundsTo(Quote(text, @"\$\\Gamma_u = \\sigma\(-2\) \\approx (?<q>[\d.]+)\$"), Sigmoid(-2));
        RoundsTo(Quote(text, @"and (?<q>\d+)% of the memory survives each"), 100 * (1 - Sigmoid(-2)));
    }

    [Fact]
    public void The_marked_symbol_lies_between_half_the_length_and_the_length_back()
    {
        Assert.Contains("which lies between $T/2$ and $T$ steps\nback", Notebook.Markdown("05-18"));
        Assert.Contains("int[] lengths = { 5, 10, 20, 40 };", Notebook.Code("05-19"));
        Assert.Contains("with\nthe marked symbol 10 to 19 steps back", Notebook.Code("05-31"));
        foreach (int steps in new[] { 5, 10, 20, 40 })
        {
            var (_, _, marks) = RecallTasks.MarkedSymbol<float>(steps, 2000, new Random(9));
            var back = marks.Select(mark => steps - 1 - mark).ToList();
            Assert.True(back.Min() >= steps / 2.0 && back.Max() < steps, $"T = {steps}: {back.Min()}..{back.Max()} steps back");
            if (steps == 20) Assert.Equal((10, 19), (back.Min(), back.Max()));
        }
    }

    [Fact]
    public void The_gru_has_a_quarter_fewer_parameters_than_the_lstm()
    {
        Assert.Contains("the LSTM's long memory with a quarter fewer parameters", Notebook.Markdown("05-34"));
        foreach (var (nx, nh) in new[] { (50, 64), (5, 16) })
            Assert.Equal(0.75 * new Lstm<double>(nx, nh, new Random(10)).ParameterCount(), new Gru<double>(nx, nh, new Random(10)).ParameterCount());
    }

    [Fact]
    public void Negating_the_update_gates_weights_turns_the_lectures_gru_into_the_z_convention_exactly()
    {
        Assert.Contains("This is only a relabelling: negate $W_u$ and $b_u$ and the two\n   agree exactly.", Notebook.Markdown("05-16"));
        var rng = new Random(11);
        Matrix<double> W() => Init.Normal<double>(4, 7, 0.7, rng);
        Matrix<double> B() => Init.Normal<double>(4, 1, 0.5, rng);
        var w = new GruWeights<double>(W(), W(), W(), B(), B(), B());
        var (x, c) = (Init.Normal<double>(3, 2, 1.0, rng), Init.Normal<double>(4, 2, 0.5, rng));
        var lecture = GruCell.Forward(x, c, w);
        var z = Tensor.AddColumn(-w.Wu * c.Stack(x), -w.Bu).Map(v => Sigmoid(v));
        var relabelled = (1 - z).PointwiseMultiply(lecture.Gates.CTilde) + z.PointwiseMultiply(c);
        Assert.True(Tensor.MaxAbsDifference(relabelled, lecture.C) < 1e-15);
    }
}
