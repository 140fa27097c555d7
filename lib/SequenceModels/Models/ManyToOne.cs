using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// A many-to-one RNN (the lecture's sentiment-classification shape): a recurrent layer reads the whole sequence and
/// a dense layer maps its final state to the output, ŷ = W_y·h⟨T⟩ + b_y. Trained as a classifier (softmax and
/// cross-entropy over classes) or as a regressor (a linear output and mean squared error).
/// </summary>
public sealed class ManyToOne<T> : IHasParameters<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Puts a dense output layer of <paramref name="outputs"/> units on top of <paramref name="recurrent"/>.</summary>
    public ManyToOne(IRecurrentLayer<T> recurrent, int outputs, Random rng)
    {
        ArgumentNullException.ThrowIfNull(recurrent);
        Recurrent = recurrent;
        Output = new Dense<T>(recurrent.StateSize, outputs, rng);
        Parameters = ParameterExtensions.Prefixed(("recurrent", recurrent), ("output", Output));
    }

    /// <summary>The recurrent layer.</summary>
    public IRecurrentLayer<T> Recurrent { get; }

    /// <summary>The output layer, outputs × StateSize.</summary>
    public Dense<T> Output { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>The outputs (logits or predictions) for each sequence: outputs × BatchSize.</summary>
    public Matrix<T> Forward(SequenceBatch<T> x)
    {
        var (_, final) = Recurrent.Forward(x);
        return Output.Forward(final.H);
    }

    /// <summary>Forward, cross-entropy against <paramref name="labels"/>, backward (gradients added); returns the loss.</summary>
    public double ClassificationStep(SequenceBatch<T> x, IReadOnlyList<int> labels)
    {
        var (loss, dLogits) = Losses.CrossEntropy(Forward(x), labels);
        Backward(x, dLogits);
        return loss;
    }

    /// <summary>Forward, mean squared error against <paramref name="targets"/> (outputs × BatchSize), backward; returns the loss.</summary>
    public double RegressionStep(SequenceBatch<T> x, Matrix<T> targets)
    {
        var (loss, dPrediction) = Losses.MeanSquaredError(Forward(x), targets);
        Backward(x, dPrediction);
        return loss;
    }

    /// <summary>The most likely class of each sequence.</summary>
    public int[] Classify(SequenceBatch<T> x) => OneHot.Decode(Forward(x));

    /// <summary>The fraction of sequences classified as <paramref name="labels"/>.</summary>
    public double Accuracy(SequenceBatch<T> x, IReadOnlyList<int> labels)
    {
        var predicted = Classify(x);
        return predicted.Where((p, b) => p == labels[b]).Count() / (double)predicted.Length;
    }

    private void Backward(SequenceBatch<T> x, Matrix<T> dOutput)
    {
        var dFinal = Output.Backward(dOutput);
        var zero = SequenceBatch<T>.Zeros(Recurrent.OutputSize, x.Steps, x.BatchSize, x.Lengths);
        // Only the final state feeds the output: the per-step outputs get no gradient. An LSTM's cell state reaches
        // the loss only through h, so its final gradient is zero.
        Recurrent.Backward(zero, new RecurrentState<T>(dFinal, Recurrent.HasCell ? Tensor.Zeros<T>(Recurrent.StateSize, x.BatchSize) : null));
    }

}
