using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// Loss functions, each returning the loss and its gradient with respect to its input, ready for the layer below.
/// <para>
/// Sequence losses are masked: the mean runs over the N real positions only (N = Σ lengths), and padded positions
/// add exactly zero to the loss and get exactly zero gradient, whatever numbers or target ids they hold. Padding a
/// batch with more steps therefore leaves the loss and every gradient unchanged. With N = 0 the loss is 0.
/// </para>
/// <para>
/// Targets are in the batch's column order: position (t, b) is column t·m + b of the scores and entry t·m + b of
/// the targets (a <see cref="TokenBatch"/> has this layout). The loss is returned as a double, summed in double
/// precision even for float models.
/// </para>
/// </summary>
public static class Losses
{
    /// <summary>
    /// Negative log-likelihood over log-probabilities (a <see cref="LogSoftmax"/> output):
    /// <c>L = −(1/N) Σ_real log ŷ[target, t·m+b]</c>. The gradient is −1/N at each real position's target entry
    /// and zero everywhere else.
    /// </summary>
    /// <param name="logProbs">K × (Steps·BatchSize) log-probabilities.</param>
    /// <param name="targets">The target ids, same steps and batch size; its lengths are the mask.</param>
    /// <returns>The loss and dL/dlogProbs, K × (Steps·BatchSize), with the targets' lengths.</returns>
    public static (double Loss, SequenceBatch<T> DLogProbs) Nll<T>(SequenceBatch<T> logProbs, TokenBatch targets)
        where T : struct, IFloatingPointIeee754<T>
    {
        CheckTargets(logProbs, targets);
        var (loss, grad) = MaskedNll(logProbs.Data, targets.Ids, logProbs.Steps, logProbs.BatchSize, targets.Lengths, fused: false);
        return (loss, new SequenceBatch<T>(grad, logProbs.Steps, logProbs.BatchSize, targets.Lengths));
    }

    /// <summary>
    /// <see cref="Nll{T}(SequenceBatch{T}, TokenBatch)"/> with targets as Steps·BatchSize ids in column order and
    /// the mask taken from <paramref name="logProbs"/>' lengths.
    /// </summary>
    public static (double Loss, SequenceBatch<T> DLogProbs) Nll<T>(SequenceBatch<T> logProbs, IReadOnlyList<int> targets)
        where T : struct, IFloatingPointIeee754<T>
    {
        CheckTargets(logProbs, targets);
        var (loss, grad) = MaskedNll(logProbs.Data, targets, logProbs.Steps, logProbs.BatchSize, logProbs.Lengths, fused: false);
        return (loss, logProbs.With(grad));
    }

    /// <summary>
    /// Log-softmax and negative log-likelihood in one pass over raw scores (logits): the same loss as
    /// <c>Nll(LogSoftmax.Forward(z), targets)</c>, with the simpler gradient <c>(softmax(z) − onehot(target)) / N</c>
    /// at real positions and zero at padded ones. Faster, and what a trained model should use.
    /// </summary>
    /// <param name="logits">K × (Steps·BatchSize) scores z.</param>
    /// <param name="targets">The target ids, same steps and batch size; its lengths are the mask.</param>
    /// <returns>The loss and dL/dz, K × (Steps·BatchSize), with the targets' lengths.</returns>
    public static (double Loss, SequenceBatch<T> DLogits) LogSoftmaxNll<T>(SequenceBatch<T> logits, TokenBatch targets)
        where T : struct, IFloatingPointIeee754<T>
    {
        CheckTargets(logits, targets);
        var (loss, grad) = MaskedNll(logits.Data, targets.Ids, logits.Steps, logits.BatchSize, targets.Lengths, fused: true);
        return (loss, new SequenceBatch<T>(grad, logits.Steps, logits.BatchSize, targets.Lengths));
    }

    /// <summary>
    /// <see cref="LogSoftmaxNll{T}(SequenceBatch{T}, TokenBatch)"/> with targets as Steps·BatchSize ids in column
    /// order and the mask taken from <paramref name="logits"/>' lengths.
    /// </summary>
    public static (double Loss, SequenceBatch<T> DLogits) LogSoftmaxNll<T>(SequenceBatch<T> logits, IReadOnlyList<int> targets)
        where T : struct, IFloatingPointIeee754<T>
    {
        CheckTargets(logits, targets);
        var (loss, grad) = MaskedNll(logits.Data, targets, logits.Steps, logits.BatchSize, logits.Lengths, fused: true);
        return (loss, logits.With(grad));
    }

    /// <summary>
    /// Softmax cross-entropy for one class per sequence (many-to-one, for example from the final state):
    /// <c>L = −(1/m) Σ_b log softmax(z_b)[label_b]</c>, gradient <c>(softmax(z_b) − onehot(label_b)) / m</c>.
    /// </summary>
    /// <param name="logits">K × m scores, one column per sequence.</param>
    /// <param name="labels">m class ids in 0..K−1.</param>
    /// <returns>The loss and dL/dlogits, K × m.</returns>
    public static (double Loss, Matrix<T> DLogits) CrossEntropy<T>(Matrix<T> logits, IReadOnlyList<int> labels)
        where T : struct, IFloatingPointIeee754<T>
    {
        Tensor.RequireDense(logits, nameof(logits));
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != logits.ColumnCount)
            throw new ArgumentException($"labels has {labels.Count} entries, expected one per column of logits ({logits.ColumnCount}).",
                nameof(labels));
        return MaskedNll(logits, labels, 1, logits.ColumnCount, Enumerable.Repeat(1, logits.ColumnCount).ToArray(), fused: true);
    }

    /// <summary>
    /// Masked mean-squared error for regression outputs: <c>L = (1/(N·n)) Σ_real Σ_i (ŷ_i − y_i)²</c>, the mean
    /// over every real number; gradient <c>2(ŷ − y)/(N·n)</c> at real positions, zero at padded ones.
    /// </summary>
    /// <param name="prediction">ŷ, n × (Steps·BatchSize); its lengths are the mask.</param>
    /// <param name="target">y, the same shape (padded columns are ignored).</param>
    /// <returns>The loss and dL/dŷ, n × (Steps·BatchSize).</returns>
    public static (double Loss, SequenceBatch<T> DPrediction) MeanSquaredError<T>(SequenceBatch<T> prediction, Matrix<T> target)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var (loss, grad) = MaskedSquaredError(prediction.Data, target, prediction.Steps, prediction.BatchSize, prediction.Lengths);
        return (loss, prediction.With(grad));
    }

    /// <summary>Mean-squared error over every entry: ŷ and y are n × m; returns the loss and dL/dŷ (n × m).</summary>
    public static (double Loss, Matrix<T> DPrediction) MeanSquaredError<T>(Matrix<T> prediction, Matrix<T> target)
        where T : struct, IFloatingPointIeee754<T>
    {
        Tensor.RequireDense(prediction, nameof(prediction));
        return MaskedSquaredError(prediction, target, 1, prediction.ColumnCount, Enumerable.Repeat(1, prediction.ColumnCount).ToArray());
    }

    /// <summary>
    /// The masked NLL over columns t·m + b. With <paramref name="fused"/> the scores are logits and log-softmax is
    /// taken here; otherwise they are already log-probabilities.
    /// </summary>
    private static (double Loss, Matrix<T> Gradient) MaskedNll<T>(Matrix<T> scores, IReadOnlyList<int> targets, int steps,
        int m, IReadOnlyList<int> lengths, bool fused) where T : struct, IFloatingPointIeee754<T>
    {
        int k = scores.RowCount;
        var grad = Matrix<T>.Build.Dense(k, steps * m);
        int n = RealCount(lengths);
        if (n == 0) return (0.0, grad);
        var nT = T.CreateChecked(n);
        var z = Tensor.Data(scores);
        var g = Tensor.Data(grad);
        double sum = 0;
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < m; b++)
            {
                if (t >= lengths[b]) continue;
                int col = t * m + b, target = targets[col];
                if ((uint)target >= (uint)k)
                    throw new ArgumentOutOfRangeException(nameof(targets), target,
                        $"Target {target} at step {t} of sequence {b} is outside the {k} classes (0..{k - 1}).");
                var zc = z.AsSpan(col * k, k);
                if (!fused)
                {
                    sum += double.CreateChecked(zc[target]);
                    g[col * k + target] = -T.One / nT;
                    continue;
                }
                sum += double.CreateChecked(ColumnLogSoftmaxNll(zc, g.AsSpan(col * k, k), target, nT));
            }
        return (-sum / n, grad);
    }

    // One column: returns log softmax(z)[target] = (z_target − c) − log Σ e^{z − c} (c the column's maximum) and writes
    // the gradient (softmax − onehot)/N as e^{z − c}·(1/(N·Σ)) − onehot/N, with vector exponentials for float and double.
    private static T ColumnLogSoftmaxNll<T>(ReadOnlySpan<T> z, Span<T> g, int target, T n) where T : struct, IFloatingPointIeee754<T>
    {
        T max = z[0];
        for (int i = 1; i < z.Length; i++) max = T.Max(max, z[i]);
        T s = typeof(T) == typeof(float) ? T.CreateTruncating(ExpShifted(MemoryMarshal.Cast<T, float>(z), MemoryMarshal.Cast<T, float>(g), float.CreateTruncating(max)))
            : typeof(T) == typeof(double) ? T.CreateTruncating(ExpShifted(MemoryMarshal.Cast<T, double>(z), MemoryMarshal.Cast<T, double>(g), double.CreateTruncating(max)))
            : Softmax.ExpShifted<T>(z, g, out _);
        TensorPrimitives.Multiply(g, T.One / (n * s), g);
        g[target] -= T.One / n;
        return z[target] - max - T.Log(s);
    }

    // e = e^{z − max}, returning Σ e (the lanes of 256-bit vectors summed, then the last numbers one by one: the same
    // order whatever vectors the CPU has).
    private static T ExpShifted<T>(ReadOnlySpan<T> z, Span<T> e, T max) where T : unmanaged, IFloatingPointIeee754<T> =>
        ExpShifted<T, Vector256<T>, Lanes256<T>>(z, e, max);

    private static T ExpShifted<T, TVector, TLanes>(ReadOnlySpan<T> z, Span<T> e, T max)
        where T : unmanaged, IFloatingPointIeee754<T> where TVector : struct where TLanes : struct, ILanes<TVector, T>
    {
        ref T zr = ref MemoryMarshal.GetReference(z);
        ref T er = ref MemoryMarshal.GetReference(e);
        var c = TLanes.Create(max);
        var sum = TLanes.Create(T.Zero);
        int i = 0;
        for (; i <= z.Length - TLanes.Count; i += TLanes.Count)
        {
            var x = TLanes.Exp(TLanes.Subtract(TLanes.Load(ref zr, (nuint)i), c));
            TLanes.Store(x, ref er, (nuint)i);
            sum = TLanes.Add(sum, x);
        }
        T s = TLanes.Sum(sum);
        for (; i < z.Length; i++) s += e[i] = Lanes.Exp(z[i] - max);
        return s;
    }

    private static (double Loss, Matrix<T> Gradient) MaskedSquaredError<T>(Matrix<T> prediction, Matrix<T> target, int steps,
        int m, IReadOnlyList<int> lengths) where T : struct, IFloatingPointIeee754<T>
    {
        Tensor.RequireDense(target, nameof(target));
        Shape.RequireSame(target, prediction, nameof(target));
        int rows = prediction.RowCount;
        var grad = Matrix<T>.Build.Dense(rows, steps * m);
        long count = (long)RealCount(lengths) * rows;
        if (count == 0) return (0.0, grad);
        var scale = T.CreateChecked(2.0 / count);
        var yHat = Tensor.Data(prediction);
        var y = Tensor.Data(target);
        var g = Tensor.Data(grad);
        double sum = 0;
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < m; b++)
            {
                if (t >= lengths[b]) continue;
                int first = (t * m + b) * rows;
                for (int i = first; i < first + rows; i++)
                {
                    T d = yHat[i] - y[i];
                    sum += double.CreateChecked(d * d);
                    g[i] = scale * d;
                }
            }
        return (sum / count, grad);
    }

    private static int RealCount(IReadOnlyList<int> lengths)
    {
        int n = 0;
        for (int b = 0; b < lengths.Count; b++) n += lengths[b];
        return n;
    }

    private static void CheckTargets<T>(SequenceBatch<T> scores, TokenBatch targets) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Steps != scores.Steps || targets.BatchSize != scores.BatchSize)
            throw new ShapeException(nameof(targets), $"{scores.Steps} steps × {scores.BatchSize} sequences",
                $"{targets.Steps} steps × {targets.BatchSize} sequences");
    }

    private static void CheckTargets<T>(SequenceBatch<T> scores, IReadOnlyList<int> targets) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count != scores.Steps * scores.BatchSize)
            throw new ArgumentException(
                $"targets has {targets.Count} entries, expected steps·batch = {scores.Steps}·{scores.BatchSize}.", nameof(targets));
    }
}
