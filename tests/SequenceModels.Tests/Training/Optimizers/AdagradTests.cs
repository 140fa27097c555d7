using SequenceModels;

namespace SequenceModels.Tests.Training.Optimizers;

public class AdagradTests
{
    [Fact]
    public void Adagrad_matches_a_hand_computed_trace()
    {
        // f(θ) = θ², g = 2θ, from θ = 1, η = 0.1, ε = 1e-8; G ← G + g², θ ← θ − η·g/(√G + ε).
        var theta = new Parameter<double>("theta", Tensor.Column(1.0));
        var adagrad = new Adagrad<double>(0.1, 1e-8);
        double expected = 1, sum = 0;
        for (int t = 1; t <= 3; t++)
        {
            theta.Grad[0, 0] = 2 * theta.Value[0, 0];
            adagrad.Step([theta]);
            double g = 2 * expected;
            sum += g * g;
            expected -= 0.1 * g / (Math.Sqrt(sum) + 1e-8);
            Assert.Equal(expected, theta.Value[0, 0], 15);
        }
        // Written out: t=1 G = 4, θ ≈ 1 − 0.1·2/2 = 0.9; t=2 G = 4 + 1.8², θ ≈ 0.9 − 0.18/√7.24.
        Assert.Equal(0.9 - 0.18 / Math.Sqrt(7.24), Trace2(), 8);
    }

    private static double Trace2()
    {
        var theta = new Parameter<double>("theta", Tensor.Column(1.0));
        var adagrad = new Adagrad<double>(0.1, 1e-8);
        for (int t = 0; t < 2; t++)
        {
            theta.Grad[0, 0] = 2 * theta.Value[0, 0];
            adagrad.Step([theta]);
        }
        return theta.Value[0, 0];
    }

    [Fact]
    public void A_rarely_updated_entry_keeps_a_larger_step()
    {
        var p = new Parameter<double>("E", Tensor.Column(0.0, 0.0));
        var adagrad = new Adagrad<double>(1.0, 1e-12);
        for (int t = 0; t < 4; t++)
        {
            p.Grad[0, 0] = 1;                 // every step
            p.Grad[1, 0] = t == 3 ? 1 : 0;    // only the last
            adagrad.Step([p]);
        }
        // Entry 0 moved 1/√1 + 1/√2 + 1/√3 + 1/√4 in total, its last step 1/2; entry 1 one full step of 1.
        Assert.Equal(-(1 + 1 / Math.Sqrt(2) + 1 / Math.Sqrt(3) + 0.5), p.Value[0, 0], 10);
        Assert.Equal(-1.0, p.Value[1, 0], 10);
    }
}
