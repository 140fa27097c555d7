using SequenceModels;

namespace SequenceModels.Tests.Analysis;

public class AccuracyByDistanceTests
{
    [Fact]
    public void Groups_sequences_by_the_distance_from_the_mark_to_the_last_step()
    {
        // T = 6: marks 0, 0, 2, 2, 2 are 5, 5, 3, 3, 3 steps back.
        var (distances, accuracy) = AccuracyByDistance.Measure([1, 0, 2, 2, 3], [1, 1, 2, 2, 2], [0, 0, 2, 2, 2], 6);
        Assert.Equal([3, 5], distances);
        Assert.Equal([2 / 3.0, 0.5], accuracy);
    }

    [Fact]
    public void Rejects_mismatched_lengths_and_marks_outside_the_sequence()
    {
        Assert.Throws<ArgumentException>(() => AccuracyByDistance.Measure([1], [1, 2], [0, 0], 4));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => AccuracyByDistance.Measure([1], [1], [4], 4));
        Assert.Contains("marks[0] = 4 is not a step of a sequence of 4", e.Message);
    }
}
