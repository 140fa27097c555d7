using SequenceModels;

namespace SequenceModels.Tests.Training.Optimizers;

public class SgdTests
{
    // f(θ) = θ², so g = 2θ, from θ = 1.
    private static double[] Trace(IOptimizer<double> optimizer, int steps)
    {
        var theta = new Parameter<double>("theta", Tensor.Column(1.0));
        var trace = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            theta.Grad[0, 0] = 2 * theta.Value[0, 0];
            optimizer.Step([theta]);
            trace[t] = theta.Value[0, 0];
        }
        return trace;
    }

    [Fact]
    public void Plain_sgd_steps_against_the_gradient()
    {
        // θ ← θ − 0.1·2θ = 0.8·θ: 0.8, 0.64, 0.512.
        var trace = Trace(new Sgd<double>(0.1), 3);
        Assert.Equal([0.8, 0.64, 0.512], trace, (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void Momentum_matches_a_hand_computed_trace()
    {
        // η = 0.1, μ = 0.9, v ← μv + g, θ ← θ − ηv:
        // t=1: g = 2,    v = 2,                θ = 1 − 0.2    = 0.8
        // t=2: g = 1.6,  v = 1.8 + 1.6 = 3.4,  θ = 0.8 − 0.34 = 0.46
        // t=3: g = 0.92, v = 3.06 + 0.92 = 3.98, θ = 0.46 − 0.398 = 0.062
        var trace = Trace(new Sgd<double>(0.1, momentum: 0.9), 3);
        Assert.Equal([0.8, 0.46, 0.062], trace, (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void Each_parameter_keeps_its_own_velocity()
    {
        var a = new Parameter<double>("a", Tensor.Column(0.0));
        var b = new Parameter<double>("b", Tensor.Column(0.0));
        var sgd = new Sgd<double>(1.0, momentum: 0.5);
        a.Grad[0, 0] = 1;
        b.Grad[0, 0] = -2;
        sgd.Step([a, b]); // v_a = 1, v_b = −2
        sgd.Step([a, b]); // v_a = 1.5, v_b = −3
        Assert.Equal(-2.5, a.Value[0, 0]);
        Assert.Equal(5.0, b.Value[0, 0]);
    }
}
