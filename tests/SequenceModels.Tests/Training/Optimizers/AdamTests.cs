using SequenceModels;

namespace SequenceModels.Tests.Training.Optimizers;

public class AdamTests
{
    [Fact]
    public void Adam_matches_a_hand_computed_trace()
    {
        // f(θ) = θ², g = 2θ, from θ = 1; α = 0.1, β1 = 0.9, β2 = 0.999, ε = 1e-8 (Kingma and Ba, Algorithm 1).
        var theta = new Parameter<double>("theta", Tensor.Column(1.0));
        var adam = new Adam<double>(0.1);
        // t=1: g = 2, m = 0.1·2 = 0.2, v = 0.001·4 = 0.004, m̂ = 0.2/0.1 = 2, v̂ = 0.004/0.001 = 4,
        //      θ = 1 − 0.1·2/(2 + ε): the first step is α·sign(g), whatever |g|.
        theta.Grad[0, 0] = 2;
        adam.Step([theta]);
        double theta1 = 1 - 0.1 * 2 / (2 + 1e-8);
        Assert.Equal(theta1, theta.Value[0, 0], 15);
        Assert.Equal(0.9, theta.Value[0, 0], 8);
        // t=2: g = 2θ₁, m = 0.9·0.2 + 0.1·g, v = 0.999·0.004 + 0.001·g², m̂ = m/(1 − 0.81), v̂ = v/(1 − 0.998001).
        double g2 = 2 * theta1;
        double m2 = 0.9 * 0.2 + 0.1 * g2, v2 = 0.999 * 0.004 + 0.001 * g2 * g2;
        double theta2 = theta1 - 0.1 * (m2 / 0.19) / (Math.Sqrt(v2 / 0.001999) + 1e-8);
        theta.Grad[0, 0] = g2;
        adam.Step([theta]);
        Assert.Equal(theta2, theta.Value[0, 0], 14); // 0.19 and 0.001999 are exact here, not in binary
        Assert.Equal(0.80041, theta.Value[0, 0], 5); // ≈ 0.9 − 0.1·1.894737/1.902580
    }

    [Fact]
    public void A_constant_gradient_moves_each_entry_by_alpha_per_step()
    {
        // With g constant, m̂ = g and v̂ = g² at every step, so each step is α·g/(|g| + ε) ≈ α·sign(g).
        var p = new Parameter<double>("p", Tensor.Column(0.0, 0.0));
        var adam = new Adam<double>(0.01, epsilon: 1e-12);
        for (int t = 0; t < 3; t++)
        {
            p.Grad[0, 0] = 5;
            p.Grad[1, 0] = -0.001;
            adam.Step([p]);
        }
        Assert.Equal(-0.03, p.Value[0, 0], 10);
        Assert.Equal(0.03, p.Value[1, 0], 8);
    }

    [Theory]
    [InlineData(5)]         // below the vector width
    [InlineData(1003)]      // vector loop and a scalar tail
    [InlineData(100_003)]   // above ParallelThreshold: parallel chunks
    public void The_fused_update_equals_a_scalar_implementation_bit_for_bit(int size)
    {
        var rng = new Random(size);
        var p = new Parameter<double>("W", Init.Normal<double>(size, 1, 1.0, rng));
        var w = p.Value.Enumerate().ToArray();
        var m = new double[size];
        var v = new double[size];
        var adam = new Adam<double>(0.01, 0.8, 0.99, 1e-6);
        for (int t = 1; t <= 3; t++)
        {
            var g = Init.Normal<double>(size, 1, 1.0, rng);
            g.CopyTo(p.Grad);
            var gd = Tensor.Data(g);
            adam.Step([p]);
            // Algorithm 1, one entry at a time, with the bias corrections folded into two constants as PyTorch folds
            // them: α·m̂/(√v̂ + ε) = (α/(1 − β1ᵗ))·m / (√v/√(1 − β2ᵗ) + ε).
            double stepSize = 0.01 / (1 - Math.Pow(0.8, t)), inverseRoot = 1 / Math.Sqrt(1 - Math.Pow(0.99, t));
            for (int i = 0; i < size; i++)
            {
                m[i] = 0.8 * m[i] + (1 - 0.8) * gd[i];
                v[i] = 0.99 * v[i] + (1 - 0.99) * (gd[i] * gd[i]);
                w[i] = w[i] - stepSize * m[i] / (Math.Sqrt(v[i]) * inverseRoot + 1e-6);
            }
        }
        Assert.Equal(w, p.Value.Enumerate().ToArray());
    }

    [Fact]
    public void The_float_update_equals_a_scalar_float_implementation_bit_for_bit()
    {
        const int size = 70_001;
        var rng = new Random(9);
        var p = new Parameter<float>("W", Init.Normal<float>(size, 1, 1.0, rng));
        var w = p.Value.Enumerate().ToArray();
        var m = new float[size];
        var v = new float[size];
        var adam = new Adam<float>(0.001);
        for (int t = 1; t <= 2; t++)
        {
            var g = Init.Normal<float>(size, 1, 1.0, rng);
            g.CopyTo(p.Grad);
            var gd = Tensor.Data(g);
            adam.Step([p]);
            float stepSize = (float)(0.001 / (1 - Math.Pow(0.9, t))), inverseRoot = (float)(1 / Math.Sqrt(1 - Math.Pow(0.999, t)));
            for (int i = 0; i < size; i++)
            {
                m[i] = 0.9f * m[i] + (1 - 0.9f) * gd[i];
                v[i] = 0.999f * v[i] + (1 - 0.999f) * (gd[i] * gd[i]);
                w[i] = w[i] - stepSize * m[i] / (MathF.Sqrt(v[i]) * inverseRoot + 1e-8f);
            }
        }
        Assert.Equal(w, p.Value.Enumerate().ToArray());
    }

    [Fact]
    public void A_refused_step_leaves_the_state_as_it_was()
    {
        // Steps with gradients 1, NaN (refused), 3 must equal steps with 1, 3.
        var a = new Parameter<double>("a", Tensor.Column(0.5));
        var b = new Parameter<double>("b", Tensor.Column(0.5));
        var adamA = new Adam<double>(0.1);
        var adamB = new Adam<double>(0.1);
        a.Grad[0, 0] = 1; adamA.Step([a]);
        b.Grad[0, 0] = 1; adamB.Step([b]);
        a.Grad[0, 0] = double.NaN;
        Assert.Throws<NonFiniteGradientException>(() => adamA.Step([a]));
        a.Grad[0, 0] = 3; adamA.Step([a]);
        b.Grad[0, 0] = 3; adamB.Step([b]);
        Assert.Equal(b.Value[0, 0], a.Value[0, 0]);
    }
}
