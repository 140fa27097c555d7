using System.Runtime.Intrinsics;
using SequenceModels;

namespace SequenceModels.Tests.Core;

public class LanesTests
{
    private static readonly double[] Points = Enumerable.Range(-2000, 4001).Select(i => i / 20.0)
        .Concat([0.0, -0.0, 1e-30, -1e-30, 1e-8, -1e-8, 80, -87.3, -87.4, 88, 89, 200, -200, 700, -708, -745, 1000, -1000]).ToArray();

    [Fact]
    public void A_vector_lane_gives_the_bits_of_the_scalar_form_in_float()
    {
        // The fused LSTM kernels take the scalar forms for the units past the last whole vector: same bits, so results
        // do not depend on the vector width.
        foreach (double p in Points)
        {
            float x = (float)p;
            var v256 = Vector256.Create(x);
            var v512 = Vector512.Create(x);
            Assert.Equal(Lanes.Exp(x), Lanes256<float>.Exp(v256)[3]);
            Assert.Equal(Lanes.Exp(x), Lanes512<float>.Exp(v512)[11]);
            Assert.Equal(Lanes.Sigmoid(x), Lanes.Sigmoid<Vector256<float>, float, Lanes256<float>>(v256)[5]);
            Assert.Equal(Lanes.Tanh(x), Lanes.Tanh<Vector512<float>, float, Lanes512<float>>(v512)[0]);
        }
    }

    [Fact]
    public void A_vector_lane_gives_the_bits_of_the_scalar_form_in_double()
    {
        foreach (double x in Points)
        {
            Assert.Equal(Lanes.Exp(x), Lanes256<double>.Exp(Vector256.Create(x))[2]);
            Assert.Equal(Lanes.Exp(x), Lanes512<double>.Exp(Vector512.Create(x))[7]);
            Assert.Equal(Lanes.Sigmoid(x), Lanes.Sigmoid<Vector256<double>, double, Lanes256<double>>(Vector256.Create(x))[1]);
            Assert.Equal(Lanes.Tanh(x), Lanes.Tanh<Vector512<double>, double, Lanes512<double>>(Vector512.Create(x))[3]);
        }
    }

    [Fact]
    public void Exp_is_within_two_units_in_the_last_place_and_sigmoid_and_tanh_within_a_few_of_one()
    {
        foreach (double x in Points)
        {
            if (x is >= -87.3 and <= 80)
            {
                float f = (float)x;
                double exact = Math.Exp(f);
                Assert.True(Math.Abs(Lanes.Exp(f) - exact) <= 2.5e-7 * exact, $"exp({f}) = {Lanes.Exp(f)}, expected {exact}");
            }
            if (x is >= -708 and <= 700)
                Assert.True(Math.Abs(Lanes.Exp(x) - Math.Exp(x)) <= 4.5e-16 * Math.Exp(x), $"exp({x}) = {Lanes.Exp(x)}");
            double sigmoid = 1 / (1 + Math.Exp(-x));
            Assert.True(Math.Abs(Lanes.Sigmoid((float)x) - 1 / (1 + Math.Exp(-(float)x))) <= 2.5e-7, $"σ({x}) in float");
            Assert.True(Math.Abs(Lanes.Sigmoid(x) - sigmoid) <= 5e-16, $"σ({x}) in double");
            Assert.True(Math.Abs(Lanes.Tanh((float)x) - Math.Tanh((float)x)) <= 4e-7, $"tanh({x}) in float");
            Assert.True(Math.Abs(Lanes.Tanh(x) - Math.Tanh(x)) <= 8e-16, $"tanh({x}) in double");
        }
    }

    [Fact]
    public void Not_a_number_stays_not_a_number()
    {
        Assert.True(float.IsNaN(Lanes.Exp(float.NaN)));
        Assert.True(double.IsNaN(Lanes.Sigmoid(double.NaN)));
        Assert.True(float.IsNaN(Lanes256<float>.Exp(Vector256.Create(float.NaN))[0]));
        Assert.True(double.IsNaN(Lanes.Tanh<Vector256<double>, double, Lanes256<double>>(Vector256.Create(double.NaN))[0]));
    }
}
