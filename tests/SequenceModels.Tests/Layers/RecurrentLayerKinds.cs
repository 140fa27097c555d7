using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using SequenceModels;

namespace SequenceModels.Tests.Layers;

/// <summary>Every recurrent layer type by name, so one test can run over all of them.</summary>
internal static class RecurrentLayerKinds
{
    /// <summary>The plain layers, each in both directions.</summary>
    public static readonly string[] Plain =
    [
        "rnn-tanh", "rnn-tanh-reverse", "rnn-relu", "rnn-relu-reverse",
        "lstm", "lstm-reverse", "gru", "gru-reverse", "pytorch-gru", "pytorch-gru-reverse",
    ];

    /// <summary>The wrappers: stacked (2 layers, with and without residual) and bidirectional of each kind.</summary>
    public static readonly string[] Wrapped =
    [
        "stacked-rnn-tanh", "stacked-rnn-tanh-residual", "stacked-lstm", "stacked-lstm-residual",
        "stacked-gru", "stacked-gru-residual", "bi-rnn-tanh", "bi-rnn-relu", "bi-lstm", "bi-gru", "stacked-bi-lstm-residual",
        "stacked-pytorch-gru", "bi-pytorch-gru",
    ];

    public static IEnumerable<object[]> All => Plain.Concat(Wrapped).Select(k => new object[] { k });

    /// <summary>
    /// Builds a layer: "rnn-tanh", "rnn-relu", "lstm", "gru" or "pytorch-gru", optionally ending in "-reverse"; "bi-KIND";
    /// "stacked-KIND" (2 layers) optionally ending in "-residual".
    /// </summary>
    public static IRecurrentLayer<T> Make<T>(string kind, int inputSize, int hiddenSize, Random rng)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (kind.StartsWith("stacked-"))
        {
            bool residual = kind.EndsWith("-residual");
            string inner = kind["stacked-".Length..(residual ? ^"-residual".Length : ^0)];
            return StackedRecurrent<T>.Of(2, inputSize, n => Make<T>(inner, n, hiddenSize, rng), residual);
        }
        if (kind.StartsWith("bi-"))
            return new Bidirectional<T>(Make<T>(kind[3..], inputSize, hiddenSize, rng),
                Make<T>(kind[3..] + "-reverse", inputSize, hiddenSize, rng));
        bool reverse = kind.EndsWith("-reverse");
        return (reverse ? kind[..^"-reverse".Length] : kind) switch
        {
            "rnn-tanh" => new Rnn<T>(inputSize, hiddenSize, rng, Activation.Tanh, reverse),
            "rnn-relu" => new Rnn<T>(inputSize, hiddenSize, rng, Activation.Relu, reverse),
            "lstm" => new Lstm<T>(inputSize, hiddenSize, rng, reverse),
            "gru" => new Gru<T>(inputSize, hiddenSize, rng, reverse),
            "pytorch-gru" => new PyTorchGru<T>(inputSize, hiddenSize, rng, reverse),
            _ => throw new ArgumentException($"Unknown layer kind {kind}.", nameof(kind)),
        };
    }

    /// <summary>A random initial state of the layer's shape (with C when it has a cell).</summary>
    public static RecurrentState<T> RandomState<T>(IRecurrentLayer<T> layer, int batchSize, Random rng)
        where T : struct, IFloatingPointIeee754<T> =>
        new(Init.Normal<T>(layer.StateSize, batchSize, 0.5, rng),
            layer.HasCell ? Init.Normal<T>(layer.StateSize, batchSize, 0.5, rng) : null);

    /// <summary>Σ a ⊙ b.</summary>
    public static double Dot(Matrix<double> a, Matrix<double> b) => a.PointwiseMultiply(b).Enumerate().Sum();
}
