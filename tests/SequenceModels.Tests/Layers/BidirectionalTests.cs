using SequenceModels;

namespace SequenceModels.Tests.Layers;

public class BidirectionalTests
{
    // The finite-difference gradient check is in RecurrentLayerTests (one theory over every layer).

    [Fact]
    public void The_output_stacks_the_forward_reading_over_the_reverse_one()
    {
        var rng = new Random(1);
        var fwd = new Lstm<double>(3, 4, rng);
        var bwd = new Lstm<double>(3, 4, rng, reverse: true);
        var bi = new Bidirectional<double>(fwd, bwd);
        var x = new SequenceBatch<double>(Init.Normal<double>(3, 4 * 2, 1.0, rng), 4, 2, [4, 2]);

        var (y, final) = bi.Forward(x);
        var (yf, ff) = fwd.Forward(x);
        var (yb, fb) = bwd.Forward(x);

        Assert.Equal(yf.Data.Stack(yb.Data), y.Data);
        Assert.Equal(ff.H.Stack(fb.H), final.H);
        Assert.Equal(ff.C!.Stack(fb.C!), final.C);
        Assert.Equal((3, 8, 8, true), (bi.InputSize, bi.OutputSize, bi.StateSize, bi.HasCell));
    }

    [Fact]
    public void The_reverse_half_of_step_0_has_read_the_whole_sequence()
    {
        // Changing the last real input changes the reverse half at step 0, but not the forward half.
        var rng = new Random(2);
        var bi = new Bidirectional<double>(new Gru<double>(2, 3, rng), new Gru<double>(2, 3, rng, reverse: true));
        var x = new SequenceBatch<double>(Init.Normal<double>(2, 3, 1.0, rng), 3, 1);
        var before = bi.Forward(x).Output.Step(0);
        x.Data[0, 2] += 1;
        var after = bi.Forward(x).Output.Step(0);
        Assert.Equal(before.SubMatrix(0, 3, 0, 1), after.SubMatrix(0, 3, 0, 1));
        Assert.NotEqual(before.SubMatrix(3, 3, 0, 1), after.SubMatrix(3, 3, 0, 1));
    }

    [Fact]
    public void Parameters_are_prefixed_with_their_direction()
    {
        var rng = new Random(3);
        var bi = new Bidirectional<double>(new Rnn<double>(2, 3, rng), new Rnn<double>(2, 3, rng, reverse: true));
        Assert.Equal(["fwd.Wxh", "fwd.Whh", "fwd.bh", "bwd.Wxh", "bwd.Whh", "bwd.bh"], bi.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Both_halves_must_be_the_same_kind_and_direction_matters()
    {
        var rng = new Random(4);
        var kinds = Assert.Throws<ArgumentException>(() =>
            new Bidirectional<double>(new Lstm<double>(2, 3, rng), new Gru<double>(2, 3, rng, reverse: true)));
        Assert.StartsWith("Both directions must be the same kind of layer, got Lstm`1 and Gru`1.", kinds.Message);
        var sizes = Assert.Throws<ArgumentException>(() =>
            new Bidirectional<double>(new Gru<double>(2, 3, rng), new Gru<double>(2, 4, rng, reverse: true)));
        Assert.StartsWith("Both directions must have the same sizes, got (input 2, output 3, state 3) and (input 2, output 4, state 4).",
            sizes.Message);
        var direction = Assert.Throws<ArgumentException>(() =>
            new Bidirectional<double>(new Gru<double>(2, 3, rng), new Gru<double>(2, 3, rng)));
        Assert.StartsWith("The reverse layer runs forwards; construct it with reverse: true.", direction.Message);
    }
}
