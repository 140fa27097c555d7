using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// Per-step values of a batch (gate activations, states) averaged around one marked step per sequence, such as the
/// step that <see cref="RecallTasks.MarkedSymbol{T}"/> asks the network to remember: does a gate open at the step that
/// matters and stay shut after it?
/// </summary>
public static class MarkedSteps
{
    /// <summary>
    /// For each row (a unit), the mean of <paramref name="values"/> over the steps before each sequence's marked step,
    /// at the marked step, and after it, taken over the whole batch.
    /// </summary>
    /// <param name="values">n × (T·m) in the layout of a <see cref="SequenceBatch{T}"/> (step t is the column block
    /// [t·m, (t+1)·m)), for example <c>Lstm.Gates().F</c>.</param>
    /// <param name="marks">The marked step of each of the m sequences, in 0..T−1.</param>
    /// <returns>n × 3: the columns are before, at and after the mark; NaN where no step of the batch qualifies.</returns>
    public static Matrix<double> MeanBeforeAtAfter<T>(Matrix<T> values, IReadOnlyList<int> marks)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(marks);
        int m = marks.Count;
        if (m == 0 || values.ColumnCount % m != 0)
            throw new ShapeException(nameof(values), $"(n × (T·m)) with m = {m} marks", Shape.Of(values));
        int steps = values.ColumnCount / m;
        for (int b = 0; b < m; b++)
            if (marks[b] < 0 || marks[b] >= steps)
                throw new ArgumentOutOfRangeException(nameof(marks), marks[b], $"Mark {b} must be a step in 0..{steps - 1}.");

        var sums = Matrix<double>.Build.Dense(values.RowCount, 3);
        var counts = new int[3];
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < m; b++)
            {
                int where = t < marks[b] ? 0 : t == marks[b] ? 1 : 2;
                counts[where]++;
                for (int u = 0; u < values.RowCount; u++) sums[u, where] += double.CreateChecked(values[u, t * m + b]);
            }
        return Matrix<double>.Build.Dense(values.RowCount, 3, (u, where) => counts[where] == 0 ? double.NaN : sums[u, where] / counts[where]);
    }
}
