using MathNet.Numerics.LinearAlgebra;
using static SequenceModels.Tests.Prose.NotebookText;

namespace SequenceModels.Tests.Prose;

/// <summary>What notebook 03's prose says that its run does not print.</summary>
public class Notebook03Tests
{
    private static readonly NotebookText Notebook = Load("03-fixing-gradients.ipynb");

    [Fact]
    public void Clipping_by_norm_at_1_with_a_learning_rate_of_half_takes_steps_of_at_most_half()
    {
        Assert.Contains("train it with plain SGD (learning rate 0.5)", Notebook.Markdown("03-13"));
        Assert.Contains("Clipping by norm\nat 1 takes steps of at most 0.5 in the same directions", Notebook.Code("03-42"));
        var code = Notebook.Code("03-14");
        Assert.Contains("new Sgd<float>(0.5)", code);
        Assert.Contains("(\"clip by norm 1\", TrainExploding(null, 1.0))", code);

        var p = new Parameter<double>("w", Matrix<double>.Build.Dense(3, 2));
        var g = Init.Normal<double>(3, 2, 20.0, new Random(4));
        g.CopyTo(p.Grad);
        GradientClipping.ClipByGlobalNorm([p], 1.0);
        new Sgd<double>(0.5).Step([p]);
        Assert.Equal(0.5, p.Value.FrobeniusNorm(), 12);
        Assert.True(Math.Abs(p.Value.PointwiseDivide(g)[0, 0] - p.Value.PointwiseDivide(g)[2, 1]) < 1e-15, "the direction changed");
    }

    [Fact]
    public void Always_answering_1_to_the_adding_problem_has_a_mean_squared_error_of_a_sixth()
    {
        Assert.Contains("does not beat the baseline of always answering 1, a mean squared\nerror of 1/6 = {1.0 / 6:F3}", Notebook.Code("03-43"));
        // The sum of two uniform numbers has mean 1 and variance 2/12 = 1/6; measured with the notebook's loss.
        var rng = new Random(5);
        var errors = Enumerable.Range(0, 100).Select(_ =>
        {
            var (_, y) = LongRangeTasks.Adding<double>(20, 320, rng);
            return Losses.MeanSquaredError(Matrix<double>.Build.Dense(1, 320, 1.0), y).Loss;
        }).ToList();
        Assert.Equal(1.0 / 6, errors.Average(), 2);
    }

    [Fact]
    public void The_activation_table_and_the_maxout_pieces_are_what_the_code_computes()
    {
        var table = Notebook.Markdown("03-20");
        Assert.Contains("| leaky ReLU | $z$ if $z > 0$, else $0.01z$ | 1 or 0.01 | never quite dead |", table);
        Assert.Equal(-0.02, Activations.Value(Activation.LeakyRelu, -2), 15);
        Assert.Equal(0.01, Activations.Derivative(Activation.LeakyRelu, -2), 15);
        Assert.Equal(1.0, Activations.Derivative(Activation.LeakyRelu, 2), 15);

        Assert.Contains("maxout a constant slope on each of its pieces (here −1, 1/2 and 2)", Notebook.Markdown("03-22"));
        Assert.Contains("Tensor.Column(-1.0, 0.5, 2.0).CopyTo(maxout.W.Value);", Notebook.Code("03-21"));
    }

    [Fact]
    public void The_irnn_starts_from_the_identity_and_input_weights_of_standard_deviation_a_thousandth()
    {
        Assert.Contains(@"W_{hh} = I, \quad b_h = 0, \quad W_{xh} \sim \mathcal{N}(0, 0.001^2).", Notebook.Markdown("03-24"));
        var irnn = Rnn<double>.Irnn(200, 100, new Random(6));
        var w = irnn.Wxh.Value.Enumerate().ToArray();
        double mean = w.Average(), std = Math.Sqrt(w.Average(v => (v - mean) * (v - mean)));
        Assert.Equal(0.001, std, 4);
        Assert.Equal(Matrix<double>.Build.DenseIdentity(100), irnn.Whh.Value);
        Assert.Equal(0.0, irnn.Bh.Value.Enumerate().Max(Math.Abs));
    }

    [Fact]
    public void The_long_range_training_settings_in_the_prose_are_the_codes()
    {
        Assert.Contains("Adam with learning rate $10^{-3}$, clipping by global norm at 1 (for everyone: it costs nothing when the gradient is\nsmall), 150 batches of 32", Notebook.Markdown("03-37"));
        var code = Notebook.Code("03-38");
        Assert.Contains("Enumerable.Range(0, 150).Select(_ => LongRangeTasks.FirstSymbol<float>(longSteps, 32, rng))", code);
        Assert.Contains("new Adam<float>(1e-3), new TrainerOptions(Epochs: 1, ClipNorm: 1.0)", code);
        Assert.Contains("notebook 02 with $T = 20$: name the symbol shown at step 1 after 19 distractors", Notebook.Markdown("03-13"));
        Assert.Contains("const int clipSteps = 20;", Notebook.Code("03-14"));
    }
}
