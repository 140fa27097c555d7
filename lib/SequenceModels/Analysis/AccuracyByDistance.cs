namespace SequenceModels;

/// <summary>
/// How accuracy on a recall task depends on how far back the answer was: for the marked-symbol task
/// (<see cref="RecallTasks"/>), the distance from the marked step to the last step.
/// </summary>
public static class AccuracyByDistance
{
    /// <summary>
    /// The accuracy of <paramref name="predicted"/> against <paramref name="labels"/> for each distance
    /// d = T − 1 − mark (0 when the mark is on the last step), over the sequences whose mark is at that distance.
    /// </summary>
    /// <param name="predicted">The predicted class of each sequence (m).</param>
    /// <param name="labels">The true class of each sequence (m).</param>
    /// <param name="marks">The marked step of each sequence, 0-based (m).</param>
    /// <param name="steps">T, the length of the sequences.</param>
    /// <returns>The distances that occur, in increasing order, and the accuracy at each.</returns>
    public static (int[] Distances, double[] Accuracy) Measure(int[] predicted, int[] labels, int[] marks, int steps)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(marks);
        if (predicted.Length != labels.Length || marks.Length != labels.Length)
            throw new ArgumentException(
                $"predicted ({predicted.Length}), labels ({labels.Length}) and marks ({marks.Length}) need one entry per sequence.");
        for (int i = 0; i < marks.Length; i++)
            if (marks[i] < 0 || marks[i] >= steps)
                throw new ArgumentOutOfRangeException(nameof(marks), $"marks[{i}] = {marks[i]} is not a step of a sequence of {steps}.");
        var groups = Enumerable.Range(0, labels.Length).GroupBy(i => steps - 1 - marks[i]).OrderBy(g => g.Key).ToArray();
        return (groups.Select(g => g.Key).ToArray(),
            groups.Select(g => g.Count(i => predicted[i] == labels[i]) / (double)g.Count()).ToArray());
    }
}
