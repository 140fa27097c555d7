using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// A batch of <see cref="BatchSize"/> sequences (m in the lecture) of up to <see cref="Steps"/> time steps
/// (T<sub>x</sub>) with <see cref="Features"/> numbers each (n<sub>x</sub>): the lecture's (n_x, m, T_x) array.
/// <para>
/// Layout: one dense Features × (Steps·BatchSize) matrix, <see cref="Data"/>. Step t is the column block
/// [t·m, (t+1)·m), so <c>x⟨t⟩</c> is <c>Data.SubMatrix(0, n_x, t·m, m)</c> and, in column-major storage, one
/// contiguous span. Column t·m + b holds example b at step t.
/// </para>
/// <para>
/// Padding: sequence b is real for steps t &lt; <see cref="Lengths"/>[b] and padding afterwards. Recurrent layers
/// carry their state unchanged through padding and output zeros there, so padding a batch differently changes
/// nothing for the real steps (in either direction).
/// </para>
/// </summary>
public sealed class SequenceBatch<T> where T : struct, IFloatingPointIeee754<T>
{
    private readonly int[] _lengths;

    /// <summary>Wraps a Features × (Steps·BatchSize) matrix (no copy).</summary>
    /// <param name="data">Features × (steps·batchSize), step-major column blocks.</param>
    /// <param name="steps">T, the number of steps.</param>
    /// <param name="batchSize">m, the number of sequences.</param>
    /// <param name="lengths">Real length of each sequence (each in 0..steps); null means every sequence is full.</param>
    public SequenceBatch(Matrix<T> data, int steps, int batchSize, IReadOnlyList<int>? lengths = null)
    {
        Tensor.RequireDense(data, nameof(data));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (data.ColumnCount != steps * batchSize)
            throw new ShapeException(nameof(data), $"({data.RowCount} × {steps * batchSize}) = features × (steps·batch)",
                Shape.Of(data));
        _lengths = CheckLengths(lengths, steps, batchSize);
        Data = data;
        Steps = steps;
        BatchSize = batchSize;
    }

    /// <summary>A zero batch with the given sizes and lengths.</summary>
    public static SequenceBatch<T> Zeros(int features, int steps, int batchSize, IReadOnlyList<int>? lengths = null) =>
        new(Matrix<T>.Build.Dense(features, steps * batchSize), steps, batchSize, lengths);

    /// <summary>Builds a batch from one Features × BatchSize matrix per step (copies).</summary>
    public static SequenceBatch<T> FromSteps(IReadOnlyList<Matrix<T>> steps, IReadOnlyList<int>? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0) throw new ArgumentException("A sequence needs at least one step.", nameof(steps));
        int n = steps[0].RowCount, m = steps[0].ColumnCount;
        var batch = Zeros(n, steps.Count, m, lengths);
        for (int t = 0; t < steps.Count; t++)
        {
            Shape.Require(steps[t], n, m, $"{nameof(steps)}[{t}]");
            batch.SetStep(t, steps[t]);
        }
        return batch;
    }

    /// <summary>Features × (Steps·BatchSize); step t is the column block [t·BatchSize, (t+1)·BatchSize).</summary>
    public Matrix<T> Data { get; }

    /// <summary>n, the number of features per step.</summary>
    public int Features => Data.RowCount;

    /// <summary>T, the number of steps (the longest sequence, padding included).</summary>
    public int Steps { get; }

    /// <summary>m, the number of sequences.</summary>
    public int BatchSize { get; }

    /// <summary>The real length of each sequence; steps at or after it are padding.</summary>
    public IReadOnlyList<int> Lengths => _lengths;

    /// <summary>True when some sequence is shorter than <see cref="Steps"/>.</summary>
    public bool HasPadding => _lengths.Any(l => l < Steps);

    /// <summary>The number of real (unpadded) positions.</summary>
    public int RealCount => _lengths.Sum();

    /// <summary>True when step <paramref name="t"/> of sequence <paramref name="b"/> is real, not padding.</summary>
    public bool IsReal(int t, int b) => t < _lengths[b];

    /// <summary>Step t as a new Features × BatchSize matrix (a copy).</summary>
    public Matrix<T> Step(int t) => Data.SubMatrix(0, Features, CheckStep(t) * BatchSize, BatchSize);

    /// <summary>Step t's storage (Features·BatchSize numbers, column-major); writes go into the batch.</summary>
    public Span<T> StepSpan(int t) => Tensor.Columns(Data, CheckStep(t) * BatchSize, BatchSize);

    /// <summary>Copies a Features × BatchSize matrix into step t.</summary>
    public void SetStep(int t, Matrix<T> value)
    {
        Shape.Require(value, Features, BatchSize, nameof(value));
        Tensor.Data(value).AsSpan().CopyTo(StepSpan(t));
    }

    /// <summary>A 0/1 matrix, Steps × BatchSize, with 1 where the position is real.</summary>
    public Matrix<T> Mask() => Matrix<T>.Build.Dense(Steps, BatchSize, (t, b) => IsReal(t, b) ? T.One : T.Zero);

    /// <summary>The same sequences with other data (for example a layer's output): same steps, batch and lengths.</summary>
    public SequenceBatch<T> With(Matrix<T> data) => new(data, Steps, BatchSize, _lengths);

    /// <summary>A copy with its own data.</summary>
    public SequenceBatch<T> Clone() => With(Data.Clone());

    /// <summary>Sets every padded position to zero, in place; returns this batch.</summary>
    public SequenceBatch<T> ZeroPadding()
    {
        for (int t = 0; t < Steps; t++)
            for (int b = 0; b < BatchSize; b++)
                if (!IsReal(t, b)) StepSpan(t).Slice(b * Features, Features).Clear();
        return this;
    }

    private int CheckStep(int t)
    {
        if ((uint)t >= (uint)Steps) throw new ArgumentOutOfRangeException(nameof(t), t, $"Step must be in 0..{Steps - 1}.");
        return t;
    }

    private static int[] CheckLengths(IReadOnlyList<int>? lengths, int steps, int batchSize)
    {
        if (lengths is null) return Enumerable.Repeat(steps, batchSize).ToArray();
        if (lengths.Count != batchSize)
            throw new ArgumentException($"lengths has {lengths.Count} entries, expected one per sequence ({batchSize}).",
                nameof(lengths));
        for (int b = 0; b < batchSize; b++)
            if (lengths[b] < 0 || lengths[b] > steps)
                throw new ArgumentOutOfRangeException(nameof(lengths), lengths[b],
                    $"lengths[{b}] must be in 0..{steps} (the number of steps).");
        return lengths.ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => $"SequenceBatch<{typeof(T).Name}>(features {Features}, steps {Steps}, batch {BatchSize})";
}
