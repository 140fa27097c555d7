using static SequenceModels.Tests.Prose.NotebookText;

namespace SequenceModels.Tests.Prose;

/// <summary>What notebook 04's prose says that its run does not print.</summary>
public class Notebook04Tests
{
    private static readonly NotebookText Notebook = Load("04-lstm-gates.ipynb");

    [Fact]
    public void A_forget_gate_of_0_85_keeps_a_fifth_after_10_steps_and_a_twentieth_after_19()
    {
        var text = Notebook.Markdown("04-35");
        RoundsTo(Quote(text, @"\$0\.85\^\{10\} \\approx (?<q>[\d.]+)\$"), Math.Pow(0.85, 10));
        RoundsTo(Quote(text, @"\$0\.85\^\{19\} \\approx (?<q>[\d.]+)\$"), Math.Pow(0.85, 19));
        RoundsTo(Quote(text, @"so (?<q>\d+) % of it is gone"), 100 * (1 - Math.Pow(0.85, 19)));
        RoundsTo(Quote(text, @"\$0\.85\^\{100\} \\approx (?<q>[^$]+)\$"), Math.Pow(0.85, 100));
        RoundsTo(Quote(text, @"keeps \$\\sigma\(10\)\^\{1000\} \\approx (?<q>[\d.]+)\$ after 1,000 steps"), Math.Pow(Sigmoid(10), 1000));
        RoundsTo(Quote(Notebook.Markdown("04-38"), @"the hand-wired latch keeps (?<q>[\d.]+) % after\n1,000 steps"), 100 * Math.Pow(Sigmoid(10), 1000));
    }

    [Fact]
    public void The_marked_symbol_lies_10_to_19_steps_before_the_end_of_20_and_30_to_59_before_the_end_of_60()
    {
        Assert.Contains("*keep* the memory for the 10–19 steps after it", Notebook.Markdown("04-26"));
        Assert.Contains("const int taskSteps = 20", Notebook.Code("04-27"));
        Assert.Contains("(10 to 19 steps learned here;", Notebook.Markdown("04-38"));
        Assert.Contains("(30–59 steps back in these\nsequences)", Notebook.Code("04-47"));
        Assert.Contains("RecallTasks.MarkedSymbol<float>(60, 64, rng)", Notebook.Code("04-36"));
        Assert.Equal((10, 19), StepsAfterTheMark(20));
        Assert.Equal((30, 59), StepsAfterTheMark(60));
    }

    private static (int Fewest, int Most) StepsAfterTheMark(int steps)
    {
        var (_, _, marks) = RecallTasks.MarkedSymbol<float>(steps, 2000, new Random(7));
        var after = marks.Select(mark => steps - 1 - mark).ToList();
        return (after.Min(), after.Max());
    }

    [Fact]
    public void A_gate_pinned_by_a_bias_of_30_is_0_or_1_to_thirteen_digits()
    {
        Assert.Contains("a zero weight matrix and a bias of ±30 make a\nsigmoid 0 or 1 to thirteen digits", Notebook.Markdown("04-08"));
        Assert.True(Sigmoid(-30) < 1e-13);
        Assert.True(1 - Sigmoid(30) < 1e-13);
    }

    [Fact]
    public void The_hand_wired_gates_quote_their_sigmoids_and_tanh()
    {
        var latch = Notebook.Markdown("04-17");
        RoundsTo(Quote(latch, @"shut \(\$\\sigma\(-10\) \\approx (?<q>[\d.]+)\$\)"), Sigmoid(-10));
        RoundsTo(Quote(latch, @"keep \(\$\\sigma\(10\) \\approx (?<q>[\d.]+)\$\)"), Sigmoid(10));
        RoundsTo(Quote(Notebook.Markdown("04-19"), @"the forget gate stays at (?<q>[\d.]+), so"), Sigmoid(10));
        var number = Notebook.Markdown("04-39");
        RoundsTo(Quote(number, @"\$\\tanh\(3\) \\approx (?<q>[\d.]+)\$ for singular"), Math.Tanh(3));
        RoundsTo(Quote(number, @"keep \(\$\\sigma\(10\) \\approx (?<q>[\d.]+)\$\)"), Sigmoid(10));
        RoundsTo(Quote(Notebook.Markdown("04-11"), @"\$f = \\sigma\(1\) \\approx (?<q>[\d.]+)\$"), Sigmoid(1));
    }

    [Fact]
    public void An_lstm_has_four_times_the_parameters_of_an_rnn_of_the_same_size()
    {
        Assert.Contains("An LSTM has four times the weights of an RNN with the same $n_h$", Notebook.Markdown("04-15"));
        Assert.Contains("four times the parameters and the computation of an RNN of the same size", Notebook.Markdown("04-38"));
        foreach (var (nx, nh) in new[] { (50, 64), (5, 8), (3, 4) })
            Assert.Equal(4 * new Rnn<double>(nx, nh, new Random(8)).ParameterCount(), new Lstm<double>(nx, nh, new Random(8)).ParameterCount());
    }
}
