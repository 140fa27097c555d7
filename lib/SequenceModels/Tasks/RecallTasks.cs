namespace SequenceModels;

/// <summary>
/// Recall tasks that need a gate: the network must decide, from the input, <em>when</em> to write to its memory.
/// </summary>
public static class RecallTasks
{
    /// <summary>
    /// Remember the marked symbol: every step shows one of <paramref name="classes"/> symbols (one-hot), and a marker
    /// channel is 1 at exactly one step, drawn uniformly from the first half of the sequence; the label is the symbol
    /// shown at the marked step, so the answer is at least <paramref name="steps"/>/2 steps back when the sequence
    /// ends. Unlike <see cref="LongRangeTasks.FirstSymbol{T}"/>, the symbols to ignore come from the same set as the
    /// one to remember, so a network cannot solve it by learning to ignore some inputs: it has to write when the
    /// marker is on and keep the memory unchanged otherwise, which is what an input (update) gate does. Chance
    /// accuracy is 1/classes.
    /// </summary>
    /// <param name="steps">T, at least 2.</param>
    /// <param name="batchSize">m, the number of sequences.</param>
    /// <param name="rng">The seeded generator.</param>
    /// <param name="classes">The number of symbols, at least 2.</param>
    /// <returns>
    /// X: (classes + 1) × (steps·batchSize), rows 0..classes−1 the symbol and row classes the marker; Labels: the
    /// marked symbol of each sequence, in 0..classes−1; Marks: the marked step of each sequence, in 0..steps/2−1.
    /// </returns>
    public static (SequenceBatch<T> X, int[] Labels, int[] Marks) MarkedSymbol<T>(int steps, int batchSize, Random rng,
        int classes = 4) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentNullException.ThrowIfNull(rng);
        int n = classes + 1;
        var x = SequenceBatch<T>.Zeros(n, steps, batchSize);
        var data = Tensor.Data(x.Data);
        var labels = new int[batchSize];
        var marks = new int[batchSize];
        for (int b = 0; b < batchSize; b++)
        {
            marks[b] = rng.Next(steps / 2);
            for (int t = 0; t < steps; t++)
            {
                int symbol = rng.Next(classes);
                int column = (t * batchSize + b) * n;
                data[column + symbol] = T.One;
                if (t != marks[b]) continue;
                data[column + classes] = T.One;
                labels[b] = symbol;
            }
        }
        return (x, labels, marks);
    }
}
