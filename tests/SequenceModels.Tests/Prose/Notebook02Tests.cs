using SequenceModels.Exercises;
using static SequenceModels.Tests.Prose.NotebookText;

namespace SequenceModels.Tests.Prose;

/// <summary>What notebook 02's prose says that its run does not print.</summary>
public class Notebook02Tests
{
    private static readonly NotebookText Notebook = Load("02-bptt-and-vanishing-gradients.ipynb");

    [Fact]
    public void A_saturated_tanh_unit_at_3_passes_about_a_hundredth_of_the_gradient() =>
        RoundsTo(Quote(Notebook.Markdown("02-24"), @"\\tanh'\(3\) \\approx (?<q>[\d.]+)"), 1 - Math.Pow(Math.Tanh(3), 2));

    [Fact]
    public void The_slopes_of_tanh_and_sigmoid_are_at_most_1_and_a_quarter()
    {
        Assert.Contains("## 7. The activation's share: $\\tanh' \\le 1$, $\\sigma' \\le 1/4$", Notebook.Markdown("02-22"));
        Assert.Contains("best a sigmoid unit divides the gradient by 4 per step", Notebook.Markdown("02-24"));
        var zs = Enumerable.Range(-6000, 12001).Select(i => i / 1000.0).ToArray();
        Assert.Equal(1.0, zs.Max(z => Activations.Derivative(Activation.Tanh, z)), 12);
        Assert.Equal(0.25, zs.Max(z => Activations.Derivative(Activation.Sigmoid, z)), 12);
    }

    [Fact]
    public void One_step_back_through_an_orthogonal_matrix_scales_the_gradient_by_a_weighted_root_mean_square_of_the_slopes()
    {
        var text = Notebook.Markdown("02-24");
        Assert.Contains("the **root mean square** of the slopes $f_i'$, each\nweighted by its entry's share", text);
        Assert.Contains(@"= \sqrt{\frac{\sum_i f_i'^{\,2}\, \left(dh_i^{\langle t \rangle}\right)^2}{\sum_i \left(dh_i^{\langle t \rangle}\right)^2}}", text);

        var rng = new Random(2);
        var w = Init.Orthogonal<double>(6, 6, rng);
        var dh = Init.Normal<double>(6, 3, 1.0, rng);
        var slopes = Init.Uniform<double>(6, 3, 1.0, rng).PointwiseAbs();
        double factor = w.TransposeThisAndMultiply(slopes.PointwiseMultiply(dh)).FrobeniusNorm() / dh.FrobeniusNorm();
        var weights = dh.PointwiseMultiply(dh);
        double rms = Math.Sqrt(slopes.PointwiseMultiply(slopes).PointwiseMultiply(weights).Enumerate().Sum() / weights.Enumerate().Sum());
        double average = slopes.PointwiseMultiply(weights).Enumerate().Sum() / weights.Enumerate().Sum();
        Assert.Equal(rms, factor, 12);
        Assert.True(factor <= slopes.Enumerate().Max());
        Assert.True(Math.Abs(average - factor) > 1e-3, "the weighted average would be the same number: the distinction would not matter");
    }

    [Fact]
    public void A_broken_bptt_gives_relative_errors_of_a_tenth_or_more()
    {
        // "around 10^-9" for a correct one is measured by the run (section 5); the broken ones are Exercise 2.3's.
        Assert.Contains("in double precision with $\\varepsilon = 10^{-5}$ a correct backward\npass gives relative errors around $10^{-9}$ (section 5 measures the spread), a wrong one around $10^{-1}$ or more", Notebook.Markdown("02-13"));
        Assert.Equal(1e-5, GradientCheck.DefaultEpsilon);
        var rng = new Random(3);
        int nx = 3, nh = 5, m = 4, steps = 6;
        var (wxh, whh, bh) = (Init.Normal<double>(nh, nx, 0.5, rng), Init.Normal<double>(nh, nh, 0.5, rng), Init.Normal<double>(nh, 1, 0.5, rng));
        var h0 = Init.Normal<double>(nh, m, 0.5, rng);
        var xs = Enumerable.Range(0, steps).Select(_ => Init.Normal<double>(nx, m, 1.0, rng)).ToArray();
        var g = Enumerable.Range(0, steps).Select(_ => Init.Normal<double>(nh, m, 1.0, rng)).ToArray();
        double ErrorOf(Check.BpttMistake mistake) => Check.ReferenceGradientCheck((a, b, c, d, e, f) => Check.CellBptt(a, b, c, d, e, f, mistake),
            xs, h0.Clone(), wxh.Clone(), whh.Clone(), bh.Clone(), g);
        Assert.True(ErrorOf(Check.BpttMistake.None) < 1e-6);
        foreach (var mistake in Enum.GetValues<Check.BpttMistake>().Where(k => k != Check.BpttMistake.None))
            Assert.True(ErrorOf(mistake) >= 0.1, $"{mistake}: {ErrorOf(mistake):E2}");
    }

    [Fact]
    public void The_experiments_sizes_in_the_prose_are_the_codes()
    {
        Assert.Contains("A tanh RNN with $n_h = 32$ units reads 50 steps", Notebook.Markdown("02-18"));
        Assert.Contains("const int units = 32, features = 4, examples = 8, steps = 50;", Notebook.Code("02-19"));
        Assert.Contains("32 units, and a `Dense` readout of\nthe final state) with Adam for 100 batches, once with $T = 20$ and once with $T = 50$", Notebook.Markdown("02-28"));
        var training = Notebook.Code("02-29");
        Assert.Contains("new Rnn<float>(8, 32, r)", training);
        Assert.Contains("Enumerable.Range(0, 100)", training);
        Assert.Contains("TrainAndWatch(20,", training);
        Assert.Contains("TrainAndWatch(50,", training);
    }

    [Fact]
    public void The_bound_of_the_sigmoid_product_after_12_steps_is_a_quarter_to_the_twelfth() =>
        Assert.Contains("(the bound, $(1/4)^{12}$, is {{Scientific.Format(Math.Pow(0.25, 12))}})", Notebook.Code("02-33"));
}
