using MathNet.Numerics.LinearAlgebra;
using SequenceModels;

namespace SequenceModels.Tests.Layers;

public class StackedRecurrentTests
{
    // The finite-difference gradient check is in RecurrentLayerTests (one theory over every layer).

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_layer_reads_the_output_of_the_one_below(bool residual)
    {
        var rng = new Random(1);
        var bottom = new Lstm<double>(3, 4, rng);
        var top = new Lstm<double>(4, 4, rng);
        var stack = new StackedRecurrent<double>([bottom, top], residual);
        var x = new SequenceBatch<double>(Init.Normal<double>(3, 5 * 2, 1.0, rng), 5, 2, [5, 3]);
        var initial = new RecurrentState<double>(Init.Normal<double>(8, 2, 0.5, rng), Init.Normal<double>(8, 2, 0.5, rng));

        var (y, final) = stack.Forward(x, initial);

        // The same by hand: the state rows 0..4 belong to the bottom layer, 4..8 to the top one.
        var (a1, f1) = bottom.Forward(x, new(initial.H.SubMatrix(0, 4, 0, 2), initial.C!.SubMatrix(0, 4, 0, 2)));
        var (a2, f2) = top.Forward(a1, new(initial.H.SubMatrix(4, 4, 0, 2), initial.C!.SubMatrix(4, 4, 0, 2)));
        var expected = residual ? a2.Data + a1.Data : a2.Data;
        Assert.Equal(expected, y.Data);
        Assert.Equal(f1.H.Stack(f2.H), final.H);
        Assert.Equal(f1.C!.Stack(f2.C!), final.C);
    }

    [Fact]
    public void Parameters_are_prefixed_with_their_layer()
    {
        var stack = StackedRecurrent<double>.Of(2, 3, n => new Gru<double>(n, 4, new Random(1)));
        Assert.Equal(["layer0.Wx", "layer0.Whru", "layer0.Whc", "layer0.b", "layer1.Wx", "layer1.Whru", "layer1.Whc", "layer1.b"],
            stack.Parameters.Select(p => p.Name));
        Assert.Equal((3, 4, 8, false), (stack.InputSize, stack.OutputSize, stack.StateSize, stack.HasCell));
        Assert.Same(((Gru<double>)stack.Layers[1]).Wx.Value, stack.Parameters[4].Value);
    }

    [Fact]
    public void A_residual_connection_needs_equal_sizes()
    {
        var rng = new Random(2);
        var e = Assert.Throws<ArgumentException>(() =>
            new StackedRecurrent<double>([new Rnn<double>(3, 4, rng), new Rnn<double>(4, 5, rng)], residual: true));
        Assert.StartsWith("A residual connection adds layers[1]'s input to its output, but it reads 4 features and outputs 5",
            e.Message);
        Assert.Equal("residual", e.ParamName);
    }

    [Fact]
    public void Sizes_of_neighbouring_layers_must_match()
    {
        var rng = new Random(3);
        var e = Assert.Throws<ArgumentException>(() =>
            new StackedRecurrent<double>([new Rnn<double>(3, 4, rng), new Rnn<double>(5, 4, rng)]));
        Assert.StartsWith("layers[1] reads 5 features but layers[0] outputs 4.", e.Message);
    }

    [Fact]
    public void Layers_with_and_without_a_memory_cell_do_not_mix()
    {
        var rng = new Random(4);
        var e = Assert.Throws<ArgumentException>(() =>
            new StackedRecurrent<double>([new Lstm<double>(3, 4, rng), new Gru<double>(4, 4, rng)]));
        Assert.StartsWith("layers[1] has no memory cell C but layers[0] has", e.Message);
    }
}
