using SequenceModels;

namespace SequenceModels.Tests.Layers;

public class PackedLayoutTests
{
    [Fact]
    public void Sequences_are_ordered_longest_first_and_their_real_steps_packed_step_after_step()
    {
        int[] lengths = [2, 5, 0, 5, 3];
        var layout = PackedLayout.For(lengths, 5);

        Assert.Equal([1, 3, 4, 0, 2], layout.Order); // ties in batch order
        Assert.Equal([4, 4, 3, 2, 2], layout.Count);
        Assert.Equal([0, 4, 8, 11, 13, 15], layout.Offset);
        Assert.Equal(lengths.Sum(), layout.Real);
        Assert.False(layout.Identity);
        Assert.Equal(2 * 5 + 4, layout.Column(2, 2)); // step 2, third longest: sequence 4
    }

    [Fact]
    public void A_batch_without_padding_keeps_its_own_layout()
    {
        var layout = PackedLayout.For([3, 3, 3], 3);
        Assert.True(layout.Identity);
        Assert.Equal([0, 1, 2], layout.Order);
        for (int t = 0; t < 3; t++)
            for (int s = 0; s < 3; s++) Assert.Equal(t * 3 + s, layout.Offset[t] + s);
    }

    [Fact]
    public void Scatter_puts_each_packed_column_at_its_padded_place_and_leaves_padding_alone()
    {
        var layout = PackedLayout.For([1, 2], 2);
        // Packed: step 0 holds sequences 1 and 0, step 1 sequence 1. Two rows each.
        double[] packed = [10, 11, 20, 21, 30, 31];
        var padded = Enumerable.Repeat(-1.0, 8).ToArray();
        layout.Scatter<double>(packed, 2, 2, padded, 2);
        Assert.Equal([20, 21, 10, 11, -1, -1, 30, 31], padded);
    }
}
