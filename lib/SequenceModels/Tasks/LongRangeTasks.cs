using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// Synthetic tasks whose answer depends on inputs far back in the sequence: the classic tests of whether a recurrent
/// network can carry information (and gradients) over many steps.
/// </summary>
public static class LongRangeTasks
{
    /// <summary>
    /// The adding problem (Hochreiter and Schmidhuber, 1997; Le et al., 2015): each step has two features, a value
    /// drawn uniformly from [0, 1) and a marker that is 1 at exactly two steps (one in each half of the sequence) and 0
    /// elsewhere. The target is the sum of the two marked values. Always predicting 1 gives a mean squared error of
    /// about 1/6 ≈ 0.167, the baseline a model must beat.
    /// </summary>
    /// <returns>X: 2 × (steps·batchSize); Y: 1 × batchSize.</returns>
    public static (SequenceBatch<T> X, Matrix<T> Y) Adding<T>(int steps, int batchSize, Random rng)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        ArgumentNullException.ThrowIfNull(rng);
        var x = SequenceBatch<T>.Zeros(2, steps, batchSize);
        var y = Matrix<T>.Build.Dense(1, batchSize);
        var data = Tensor.Data(x.Data);
        for (int b = 0; b < batchSize; b++)
        {
            int first = rng.Next(steps / 2), second = steps / 2 + rng.Next(steps - steps / 2);
            double sum = 0;
            for (int t = 0; t < steps; t++)
            {
                double value = rng.NextDouble();
                int column = t * batchSize + b;
                data[2 * column] = T.CreateChecked(value);
                if (t != first && t != second) continue;
                data[2 * column + 1] = T.One;
                sum += value;
            }
            y[0, b] = T.CreateChecked(sum);
        }
        return (x, y);
    }

    /// <summary>
    /// Remember the first symbol: step 1 shows one of <paramref name="classes"/> symbols (one-hot), the other steps
    /// show random distractor symbols from a separate set of <paramref name="distractors"/> (blank when there are
    /// none); the label is the first symbol. Chance accuracy is 1/classes; the answer is <paramref name="steps"/> − 1
    /// steps back when the sequence ends. Because the distractors come from their own symbols, a plain RNN can learn
    /// to ignore them: <see cref="RecallTasks.MarkedSymbol{T}"/> is the harder test of memory.
    /// </summary>
    /// <returns>X: (classes + distractors) × (steps·batchSize); labels: one per sequence, in 0..classes−1.</returns>
    public static (SequenceBatch<T> X, int[] Labels) FirstSymbol<T>(int steps, int batchSize, Random rng, int classes = 4,
        int distractors = 4) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(distractors);
        ArgumentNullException.ThrowIfNull(rng);
        int n = classes + distractors;
        var x = SequenceBatch<T>.Zeros(n, steps, batchSize);
        var data = Tensor.Data(x.Data);
        var labels = new int[batchSize];
        for (int b = 0; b < batchSize; b++)
        {
            labels[b] = rng.Next(classes);
            data[b * n + labels[b]] = T.One;
            if (distractors == 0) continue; // the later steps stay blank
            for (int t = 1; t < steps; t++)
                data[(t * batchSize + b) * n + classes + rng.Next(distractors)] = T.One;
        }
        return (x, labels);
    }
}
