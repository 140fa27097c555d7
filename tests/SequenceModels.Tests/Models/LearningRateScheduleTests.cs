using SequenceModels;

namespace SequenceModels.Tests.Models;

public class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.05, 0.5)]    // halfway through a 10% warm-up
    [InlineData(0.1, 1.0)]     // the peak
    [InlineData(0.55, 0.55)]   // halfway through the decay: f + (1 − f)·(1 + cos(π/2))/2 = 0.1 + 0.9/2
    [InlineData(1.0, 0.1)]     // the floor f
    [InlineData(2.0, 0.1)]     // progress past the end is clamped
    public void Warmup_then_cosine_decay_has_the_hand_computed_values(double progress, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.WarmupCosine(progress, 1.0, warmup: 0.1, finalFraction: 0.1), 1e-12);

    [Fact]
    public void The_decay_never_increases()
    {
        double previous = double.MaxValue;
        for (int i = 2; i <= 100; i++)
        {
            double lr = LearningRateSchedule.WarmupCosine(i / 100.0, 3e-3, warmup: 0.02, finalFraction: 0.02);
            Assert.True(lr <= previous);
            previous = lr;
        }
    }
}
