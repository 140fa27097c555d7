using SequenceModels;

namespace SequenceModels.Tests.Models;

public class ManyToOneTests
{
    private static double TrainMarkedSymbol(Func<Random, IRecurrentLayer<float>> layer, int steps, int updates, int seed)
    {
        var rng = new Random(seed);
        var model = new ManyToOne<float>(layer(rng), 4, rng);
        var adam = new Adam<float>(0.01);
        var data = new Random(seed + 1000);
        for (int i = 0; i < updates; i++)
        {
            var (x, labels, _) = RecallTasks.MarkedSymbol<float>(steps, 32, data);
            model.ZeroGrad();
            model.ClassificationStep(x, labels);
            GradientClipping.ClipByGlobalNorm(model.Parameters, 5.0);
            adam.Step(model.Parameters);
        }
        var (tx, ty, _) = RecallTasks.MarkedSymbol<float>(steps, 512, new Random(99));
        return model.Accuracy(tx, ty);
    }

    // Remember the symbol shown at a marked step, 10 to 20 steps back, among symbols of the same kind: the gated cells
    // learn when to write and then hold it; the tanh RNN stays at chance (0.25). Same size (32 units), same batches,
    // same 500 Adam updates (0.01, clipped at norm 5). Measured over seeds 1–6: LSTM and GRU 1.00 on every seed, the
    // RNN 0.21–0.29 (with 16 units the GRU sometimes needs more updates, hence 32).
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Lstm_and_gru_learn_a_long_range_dependency_that_the_tanh_rnn_cannot(int seed)
    {
        const int steps = 20, updates = 500;
        double lstm = TrainMarkedSymbol(r => new Lstm<float>(5, 32, r), steps, updates, seed);
        double gru = TrainMarkedSymbol(r => new Gru<float>(5, 32, r), steps, updates, seed);
        double rnn = TrainMarkedSymbol(r => new Rnn<float>(5, 32, r), steps, updates, seed);
        Assert.True(lstm >= 0.95, $"LSTM accuracy {lstm}");
        Assert.True(gru >= 0.95, $"GRU accuracy {gru}");
        Assert.True(rnn <= 0.40, $"tanh RNN accuracy {rnn}");
    }

    [Fact]
    public void Many_to_one_gradients_match_finite_differences()
    {
        var rng = new Random(5);
        var model = new ManyToOne<double>(new Lstm<double>(3, 4, rng), 3, rng);
        var (x, labels) = LongRangeTasks.FirstSymbol<double>(5, 3, new Random(6), classes: 2, distractors: 1);
        var regression = new ManyToOne<double>(new Rnn<double>(2, 3, rng), 1, rng);
        var (ax, ay) = LongRangeTasks.Adding<double>(6, 4, new Random(7));
        var classification = GradientCheck.Run(model.Parameters, () => Losses.CrossEntropy(model.Forward(x), labels).Loss,
            () => model.ClassificationStep(x, labels), order: 4);
        var adding = GradientCheck.Run(regression.Parameters, () => Losses.MeanSquaredError(regression.Forward(ax), ay).Loss,
            () => regression.RegressionStep(ax, ay), order: 4);
        Assert.True(classification.Passed(1e-7), classification.ToString());
        Assert.True(adding.Passed(1e-7), adding.ToString());
    }

    [Fact]
    public void The_adding_problem_marks_two_steps_and_sums_their_values()
    {
        var (x, y) = LongRangeTasks.Adding<double>(10, 50, new Random(3));
        for (int b = 0; b < 50; b++)
        {
            var marked = Enumerable.Range(0, 10).Where(t => x.Step(t)[1, b] == 1.0).ToArray();
            Assert.Equal(2, marked.Length);
            Assert.True(marked[0] < 5 && marked[1] >= 5);
            Assert.Equal(x.Step(marked[0])[0, b] + x.Step(marked[1])[0, b], y[0, b], 12);
        }
    }

    [Fact]
    public void The_first_symbol_task_leaves_later_steps_blank_without_distractors()
    {
        var (x, _) = LongRangeTasks.FirstSymbol<double>(4, 3, new Random(8), classes: 2, distractors: 0);
        for (int t = 1; t < 4; t++) Assert.Equal(0.0, x.Step(t).Enumerate().Sum());
        Assert.Equal(3.0, x.Step(0).Enumerate().Sum());
    }

    [Fact]
    public void The_first_symbol_task_shows_the_label_first_and_distractors_after()
    {
        var (x, labels) = LongRangeTasks.FirstSymbol<double>(6, 20, new Random(4), classes: 3, distractors: 2);
        for (int b = 0; b < 20; b++)
        {
            Assert.Equal(1.0, x.Step(0)[labels[b], b]);
            Assert.Equal(1.0, x.Step(0).Column(b).Sum());
            for (int t = 1; t < 6; t++)
            {
                Assert.Equal(1.0, x.Step(t).Column(b).Sum());
                Assert.Equal(0.0, x.Step(t).Column(b).SubVector(0, 3).Sum()); // only distractor symbols after step 0
            }
        }
    }
}
