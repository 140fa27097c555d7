using System.Globalization;
using System.Text;

namespace SequenceModels.Text;

/// <summary>
/// Counts of (gold tag, predicted tag) pairs over tokens: row = gold, column = predicted, so the diagonal holds the
/// correct tokens and row i off the diagonal shows what tag i was mistaken for.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly int[,] _counts;
    private readonly Dictionary<string, int> _index;

    /// <summary>An empty matrix over these labels (row and column i is labels[i]).</summary>
    public ConfusionMatrix(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Labels = labels.ToArray();
        _counts = new int[Labels.Count, Labels.Count];
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Labels.Count; i++)
            if (!_index.TryAdd(Labels[i], i)) throw new ArgumentException($"The label \"{Labels[i]}\" appears twice.", nameof(labels));
    }

    /// <summary>
    /// Counts the tokens of sentences. Without <paramref name="labels"/>, the labels are the tags that occur, in
    /// <see cref="TagMap"/> order (O, then B-/I- by type).
    /// </summary>
    /// <exception cref="ArgumentException">A tag is not among the given labels.</exception>
    public static ConfusionMatrix From(IEnumerable<IReadOnlyList<string>> gold, IEnumerable<IReadOnlyList<string>> predicted,
        IReadOnlyList<string>? labels = null)
    {
        var pairs = NerMetrics.Pairs(gold, predicted).ToArray();
        labels ??= TagMap.Order(pairs.SelectMany(p => p.Gold.Concat(p.Predicted)));
        var matrix = new ConfusionMatrix(labels);
        foreach (var (g, p) in pairs)
            for (int i = 0; i < g.Count; i++) matrix.Add(g[i], p[i]);
        return matrix;
    }

    /// <summary>The labels of rows and columns.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>How many tokens of gold label <paramref name="gold"/> were predicted as <paramref name="predicted"/>.</summary>
    public int this[int gold, int predicted] => _counts[gold, predicted];

    /// <summary>How many tokens of gold tag <paramref name="gold"/> were predicted as <paramref name="predicted"/>.</summary>
    public int this[string gold, string predicted] => _counts[IndexOf(gold), IndexOf(predicted)];

    /// <summary>The number of tokens counted.</summary>
    public int Total { get; private set; }

    /// <summary>The number of tokens on the diagonal (predicted = gold).</summary>
    public int Correct => Enumerable.Range(0, Labels.Count).Sum(i => _counts[i, i]);

    /// <summary>Correct / Total.</summary>
    public double Accuracy => (double)Correct / Total;

    /// <summary>Counts one token by label index.</summary>
    public void Add(int gold, int predicted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gold);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(gold, Labels.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(predicted);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predicted, Labels.Count);
        _counts[gold, predicted]++;
        Total++;
    }

    /// <summary>Counts one token by label.</summary>
    public void Add(string gold, string predicted) => Add(IndexOf(gold), IndexOf(predicted));

    /// <summary>
    /// Counts the real positions of a batch of tag ids (ids index <see cref="Labels"/>, so build the matrix over
    /// <see cref="TagMap.Tags"/>); <paramref name="predicted"/> is in the batch's step-major layout.
    /// </summary>
    public void Add(TokenBatch gold, IReadOnlyList<int> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (predicted.Count != gold.Ids.Length)
            throw new ArgumentException($"predicted has {predicted.Count} ids, expected steps·batch = {gold.Steps}·{gold.BatchSize}.", nameof(predicted));
        for (int b = 0; b < gold.BatchSize; b++)
            for (int t = 0; t < gold.Lengths[b]; t++) Add(gold[t, b], predicted[t * gold.BatchSize + b]);
    }

    /// <summary>A copy of the counts, rows gold and columns predicted (for a heatmap).</summary>
    public int[,] ToArray() => (int[,])_counts.Clone();

    /// <summary>The matrix as an aligned table: one row per gold label, one column per predicted label.</summary>
    public override string ToString()
    {
        const string corner = "gold \\ predicted";
        int first = Math.Max(corner.Length, Labels.DefaultIfEmpty("").Max(l => l.Length));
        var widths = Enumerable.Range(0, Labels.Count)
            .Select(j => Math.Max(Labels[j].Length, Enumerable.Range(0, Labels.Count).Max(i => _counts[i, j].ToString(CultureInfo.InvariantCulture).Length)))
            .ToArray();
        var text = new StringBuilder(corner.PadRight(first));
        for (int j = 0; j < Labels.Count; j++) text.Append("  ").Append(Labels[j].PadLeft(widths[j]));
        text.AppendLine();
        for (int i = 0; i < Labels.Count; i++)
        {
            text.Append(Labels[i].PadRight(first));
            for (int j = 0; j < Labels.Count; j++)
                text.Append("  ").Append(_counts[i, j].ToString(CultureInfo.InvariantCulture).PadLeft(widths[j]));
            text.AppendLine();
        }
        return text.ToString();
    }

    private int IndexOf(string label) =>
        _index.TryGetValue(label, out int i) ? i : throw new ArgumentException($"\"{label}\" is not a label of this confusion matrix.", nameof(label));
}
