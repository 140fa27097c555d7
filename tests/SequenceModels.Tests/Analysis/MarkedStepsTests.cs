using MathNet.Numerics.LinearAlgebra;
using SequenceModels;

namespace SequenceModels.Tests.Analysis;

public class MarkedStepsTests
{
    [Fact]
    public void Averages_each_row_before_at_and_after_the_mark_of_each_sequence()
    {
        // T = 3 steps, m = 2 sequences; columns are (t0 b0, t0 b1, t1 b0, t1 b1, t2 b0, t2 b1).
        var values = Matrix<double>.Build.DenseOfRowArrays(
            [1, 2, 3, 4, 5, 6],
            [10, 20, 30, 40, 50, 60]);
        // Sequence 0 is marked at step 1, sequence 1 at step 0.
        var profile = MarkedSteps.MeanBeforeAtAfter(values, [1, 0]);
        // before: (t0 b0) = 1;  at: (t1 b0, t0 b1) = (3 + 2) / 2;  after: (t2 b0, t1 b1, t2 b1) = (5 + 4 + 6) / 3
        Assert.Equal(Matrix<double>.Build.DenseOfRowArrays([1, 2.5, 5], [10, 25, 50]), profile);
    }

    [Fact]
    public void A_part_that_no_step_falls_in_is_NaN()
    {
        var profile = MarkedSteps.MeanBeforeAtAfter(Matrix<float>.Build.Dense(1, 4, 0.5f), [0, 0]);
        Assert.True(double.IsNaN(profile[0, 0]));
        Assert.Equal(0.5, profile[0, 1]);
        Assert.Equal(0.5, profile[0, 2]);
    }

    [Fact]
    public void Columns_that_do_not_split_into_the_batch_are_a_shape_error()
    {
        Assert.Throws<ShapeException>(() => MarkedSteps.MeanBeforeAtAfter(Matrix<double>.Build.Dense(2, 5), [0, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MarkedSteps.MeanBeforeAtAfter(Matrix<double>.Build.Dense(2, 4), [0, 2]));
    }
}
