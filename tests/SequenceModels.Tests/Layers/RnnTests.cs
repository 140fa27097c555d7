using MathNet.Numerics.LinearAlgebra;
using SequenceModels;

namespace SequenceModels.Tests.Layers;

public class RnnTests
{
    // The finite-difference gradient check of every recurrent layer, this one included, is one theory in
    // RecurrentLayerTests.

    [Fact]
    public void Each_step_equals_the_cell_formula()
    {
        var rng = new Random(2);
        var rnn = new Rnn<double>(3, 4, rng);
        rnn.Bh.Value.MapInplace(_ => 0.1);
        var x = new SequenceBatch<double>(Init.Normal<double>(3, 4 * 2, 1.0, rng), 4, 2);
        var (y, _) = rnn.Forward(x);
        var h = Matrix<double>.Build.Dense(4, 2);
        for (int t = 0; t < 4; t++)
        {
            h = RnnCell.Forward(x.Step(t), h, rnn.Wxh.Value, rnn.Whh.Value, rnn.Bh.Value);
            Assert.True(Tensor.MaxAbsDifference(h, y.Step(t)) < 1e-14);
        }
    }

    [Fact]
    public void Padding_a_batch_differently_leaves_real_steps_unchanged()
    {
        var rng = new Random(3);
        var rnn = new Rnn<double>(2, 3, rng, reverse: true);
        var seq = Init.Normal<double>(2, 3, 1.0, rng); // one sequence, 3 steps
        var shortBatch = SequenceBatch<double>.FromSteps([seq.SubMatrix(0, 2, 0, 1), seq.SubMatrix(0, 2, 1, 1), seq.SubMatrix(0, 2, 2, 1)]);
        var longX = SequenceBatch<double>.Zeros(2, 6, 1, [3]);
        for (int t = 0; t < 3; t++) longX.SetStep(t, seq.SubMatrix(0, 2, t, 1));
        longX.SetStep(4, Matrix<double>.Build.Dense(2, 1, 7.0)); // garbage in the padding
        var (a, fa) = rnn.Forward(shortBatch);
        var (b, fb) = rnn.Forward(longX);
        for (int t = 0; t < 3; t++) Assert.True(Tensor.MaxAbsDifference(a.Step(t), b.Step(t)) < 1e-15);
        Assert.True(Tensor.MaxAbsDifference(fa.H, fb.H) < 1e-15);
        Assert.Equal(0.0, b.Step(4).Enumerate().Max(Math.Abs));
    }
}
