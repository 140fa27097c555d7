using SequenceModels.Text;

namespace SequenceModels.Exercises;

public static partial class Check
{
    /// <summary>
    /// Exercise 6.2: the masked loss of the tagger and its gradient, the temporal softmax cross-entropy with a
    /// padding mask (CS231n's <c>temporal_softmax_loss</c>), with the lecture's normalisation: the mean over the N real
    /// positions, not over the m sentences.
    /// <code>
    /// L = −(1/N) Σ_{(b,t) real} log softmax(z[b, t, :])[y[b, t]]      ∂L/∂z[b, t, :] = (softmax(z[b, t, :]) − onehot(y[b, t])) / N
    /// </code>
    /// and exactly zero at padded positions. z is m × T × K, y and the mask m × T. The reference is
    /// <see cref="Losses.LogSoftmaxNll{T}(SequenceBatch{T}, TokenBatch)"/>.
    /// </summary>
    [Reference(typeof(Losses), nameof(Losses.LogSoftmaxNll), nameof(Losses.Nll), nameof(Losses.CrossEntropy))]
    [Exercise("06.masked-loss", "Exercise 6.2 — the masked loss")]
    public static CheckResult MaskedLoss(Func<double[,,], int[,], bool[,], (double Loss, double[,,] DLogits)> maskedLoss)
    {
        ArgumentNullException.ThrowIfNull(maskedLoss);
        const string id = "06.masked-loss", title = "Exercise 6.2 — the masked loss";
        var rng = new Random(206);
        LossCase[] cases =
        [
            RandomLossCase(rng, k: 4, steps: 3, [3, 2]),                                    // shapes
            new(new double[,,] { { { 1, 2, 3 } } }, new[,] { { 2 } }, new[,] { { true } }),  // one position
            new(new double[2, 1, 4], new[,] { { 1 }, { 3 } }, new[,] { { true }, { true } }),  // all scores zero: L = ln 4
            MaskCase(rng),                                                                   // padding with garbage in it, N = m
            RandomLossCase(rng, k: 3, steps: 3, [3, 1], padScore: 0),                       // N = 4 real positions, m = 2 sentences
            LargeCase(rng),                                                                  // scores near ±1000
            RandomLossCase(rng, k: 5, steps: 6, [6, 2, 4, 5]),
        ];
        (double, double[,,]) Reference(int c) => LossReference(cases[c]);
        (double, double[,,]) Student(int c) =>
            maskedLoss((double[,,])cases[c].Logits.Clone(), (int[,])cases[c].Labels.Clone(), (bool[,])cases[c].Mask.Clone());
        (double, double[,,]) Variant(int c, LossMistake mistake) => LossVariant(cases[c], mistake);
        return new ExerciseCheck<(double Loss, double[,,] DLogits)>(id, title, (e, a) => CompareLosses(e, a, null))
            .Case("shapes: 2 sentences of lengths 3 and 2, 4 tags", "DLogits has the shape of the scores, m × T × K: one gradient per score.",
                () => Student(0), () => Reference(0), CompareLossShapes)
            .Case("one position", "With one real position L = −log softmax(z)[y] = log Σ_k e^{z_k} − z_y: here z = (1, 2, 3), y = 2.",
                () => Student(1), () => Reference(1), (e, a) => CompareLosses(e, a, cases[1]))
            .Case("all scores zero", "Every tag gets probability 1/K, so L = ln K = ln 4, and the gradient is (1/K − onehot(y))/N.",
                () => Student(2), () => Reference(2), (e, a) => CompareLosses(e, a, cases[2]))
            .Case("padding holding large scores (2 sentences, 2 real positions)", "Padded positions (mask false) add nothing to the loss and get a zero gradient, whatever scores and labels they hold.",
                () => Student(3), () => Reference(3), (e, a) => CompareLosses(e, a, cases[3]))
            .Case("the normalisation: 4 real positions in 2 sentences", "The lecture's loss is a mean over the N real positions (here N = 4), not over the m sentences (m = 2, as CS231n's temporal_softmax_loss divides) nor over all m·T positions.",
                () => Student(4), () => Reference(4), (e, a) => CompareLosses(e, a, cases[4]))
            .Case("scores near ±1000", "exp(1000) overflows: subtract each position's largest score before exponentiating (log-sum-exp); it changes neither the softmax nor the loss.",
                () => Student(5), () => Reference(5), (e, a) => CompareLosses(e, a, cases[5]))
            .Case("a random batch", "Compare with L = −(1/N) Σ_real log softmax(z)[y] and ∂L/∂z = (softmax(z) − onehot(y))/N at real positions, 0 at padded ones.",
                () => Student(6), () => Reference(6), (e, a) => CompareLosses(e, a, cases[6]))
            .Mistake("the mean runs over the m sentences instead of the N real positions (CS231n's temporal_softmax_loss divides by the batch size; the lecture by N)", c => Variant(c, LossMistake.DivideBySentences))
            .Mistake("the mean runs over all m·T positions, padding included", c => Variant(c, LossMistake.DivideByAllPositions))
            .Mistake("the mask is ignored: padded positions count in the loss and get a gradient", c => Variant(c, LossMistake.IgnoreMask))
            .Mistake("the gradient is not zero at padded positions", c => Variant(c, LossMistake.GradientAtPadding))
            .Mistake("the gradient is missing the factor 1/N", c => Variant(c, LossMistake.GradientNotDivided))
            .Mistake("the gradient has the wrong sign (onehot − softmax instead of softmax − onehot)", c => Variant(c, LossMistake.GradientSign))
            .Mistake("the gradient is missing the softmax term (only −onehot/N, the gradient with respect to log-probabilities)", c => Variant(c, LossMistake.GradientWithoutSoftmax))
            .Mistake("the loss has the wrong sign (+ log ŷ instead of − log ŷ)", c => Variant(c, LossMistake.LossSign))
            .Mistake("the scores are exponentiated without subtracting their maximum, which overflows", c => Variant(c, LossMistake.NoShift))
            .Run();
    }

    /// <summary>One case of the masked-loss check: scores m × T × K, labels and mask m × T (the mask is a prefix in each row).</summary>
    private sealed record LossCase(double[,,] Logits, int[,] Labels, bool[,] Mask);

    private enum LossMistake { None, DivideBySentences, DivideByAllPositions, IgnoreMask, GradientAtPadding, GradientNotDivided, GradientSign, GradientWithoutSoftmax, LossSign, NoShift }

    /// <summary>The library's loss on the case, through a <see cref="SequenceBatch{T}"/> (K × T·m) and a <see cref="TokenBatch"/>.</summary>
    private static (double, double[,,]) LossReference(LossCase c)
    {
        var (z, y, mask) = (c.Logits, c.Labels, c.Mask);
        int m = z.GetLength(0), steps = z.GetLength(1), k = z.GetLength(2);
        var lengths = Enumerable.Range(0, m).Select(b => Enumerable.Range(0, steps).Count(t => mask[b, t])).ToArray();
        var logits = new SequenceBatch<double>(MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(k, steps * m, (j, col) => z[col % m, col / m, j]), steps, m, lengths);
        var ids = new int[steps * m];
        for (int t = 0; t < steps; t++)
            for (int b = 0; b < m; b++) ids[t * m + b] = mask[b, t] ? y[b, t] : TagMap.PadId;
        var (loss, grad) = Losses.LogSoftmaxNll(logits, new TokenBatch(ids, steps, m, lengths, TagMap.PadId));
        var d = new double[m, steps, k];
        for (int b = 0; b < m; b++)
            for (int t = 0; t < steps; t++)
                for (int j = 0; j < k; j++) d[b, t, j] = grad.Data[j, t * m + b];
        return (loss, d);
    }

    /// <summary>The loss computed with one typical mistake, position by position as a student would.</summary>
    private static (double, double[,,]) LossVariant(LossCase c, LossMistake mistake)
    {
        var (z, y, mask) = (c.Logits, c.Labels, c.Mask);
        int m = z.GetLength(0), steps = z.GetLength(1), k = z.GetLength(2);
        bool all = mistake == LossMistake.IgnoreMask;
        int real = Enumerable.Range(0, m).Sum(b => Enumerable.Range(0, steps).Count(t => mask[b, t]));
        double n = mistake switch
        {
            LossMistake.DivideBySentences => m,
            LossMistake.DivideByAllPositions or LossMistake.IgnoreMask => m * steps,
            _ => real,
        };
        double sum = 0;
        var d = new double[m, steps, k];
        for (int b = 0; b < m; b++)
            for (int t = 0; t < steps; t++)
            {
                bool counted = all || mask[b, t];
                bool gradient = counted || mistake == LossMistake.GradientAtPadding;
                double shift = mistake == LossMistake.NoShift ? 0 : Enumerable.Range(0, k).Max(j => z[b, t, j]);
                double s = Enumerable.Range(0, k).Sum(j => Math.Exp(z[b, t, j] - shift));
                int label = Math.Clamp(y[b, t], 0, k - 1);
                if (counted) sum += Math.Log(s) - (z[b, t, label] - shift);
                if (!gradient) continue;
                double scale = mistake == LossMistake.GradientNotDivided ? 1 : 1 / n;
                for (int j = 0; j < k; j++)
                {
                    double p = mistake == LossMistake.GradientWithoutSoftmax ? 0 : Math.Exp(z[b, t, j] - shift) / s;
                    double g = (p - (j == label ? 1 : 0)) * scale;
                    d[b, t, j] = mistake == LossMistake.GradientSign ? -g : g;
                }
            }
        double loss = sum / n;
        return (mistake == LossMistake.LossSign ? -loss : loss, d);
    }

    private static LossCase RandomLossCase(Random rng, int k, int steps, int[] lengths, double? padScore = null)
    {
        int m = lengths.Length;
        var z = new double[m, steps, k];
        var y = new int[m, steps];
        var mask = new bool[m, steps];
        for (int b = 0; b < m; b++)
            for (int t = 0; t < steps; t++)
            {
                mask[b, t] = t < lengths[b];
                y[b, t] = mask[b, t] ? rng.Next(k) : 0;
                for (int j = 0; j < k; j++) z[b, t, j] = mask[b, t] || padScore is null ? 2 * rng.NextDouble() - 1 : padScore.Value;
            }
        return new LossCase(z, y, mask);
    }

    private static LossCase MaskCase(Random rng)
    {
        var c = RandomLossCase(rng, k: 3, steps: 3, [1, 1]);
        for (int b = 0; b < 2; b++)
            for (int t = 1; t < 3; t++)
            {
                c.Labels[b, t] = 0;
                for (int j = 0; j < 3; j++) c.Logits[b, t, j] = 20 * (j - 1); // confident and wrong at the padding
            }
        return c;
    }

    private static LossCase LargeCase(Random rng)
    {
        var c = RandomLossCase(rng, k: 3, steps: 2, [2, 2]);
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 2; t++)
                for (int j = 0; j < 3; j++) c.Logits[b, t, j] = 1000 * (j == b ? 1 : -1) + c.Logits[b, t, j];
        return c;
    }

    private static string? CompareLossShapes((double Loss, double[,,] DLogits) expected, (double Loss, double[,,] DLogits) actual)
    {
        if (actual.DLogits is null) return "DLogits is null.";
        var e = expected.DLogits;
        var a = actual.DLogits;
        if (a.GetLength(0) == e.GetLength(0) && a.GetLength(1) == e.GetLength(1) && a.GetLength(2) == e.GetLength(2)) return null;
        return $"DLogits has shape {a.GetLength(0)} × {a.GetLength(1)} × {a.GetLength(2)}, expected m × T × K = {e.GetLength(0)} × {e.GetLength(1)} × {e.GetLength(2)}.";
    }

    /// <summary>Loss first, then the gradient entry by entry, saying which term an entry belongs to when the case is known.</summary>
    private static string? CompareLosses((double Loss, double[,,] DLogits) expected, (double Loss, double[,,] DLogits) actual, LossCase? c)
    {
        if (CompareLossShapes(expected, actual) is { } shape) return shape;
        if (Compare.Scalars("the loss", expected.Loss, actual.Loss, 1e-9) is { } loss) return loss;
        var (e, a) = (expected.DLogits, actual.DLogits);
        for (int b = 0; b < e.GetLength(0); b++)
            for (int t = 0; t < e.GetLength(1); t++)
                for (int j = 0; j < e.GetLength(2); j++)
                    if (!(Math.Abs(e[b, t, j] - a[b, t, j]) <= 1e-9 || e[b, t, j].Equals(a[b, t, j])))
                    {
                        string where = c is null ? "" : !c.Mask[b, t] ? " (a padded position)"
                            : c.Labels[b, t] == j ? " (the label's entry: (softmax − 1)/N)" : " (another tag's entry: softmax/N)";
                        return $"the loss is right, but the gradient DLogits[{b}, {t}, {j}]{where} is {Compare.F(a[b, t, j])}, expected {Compare.F(e[b, t, j])}.";
                    }
        return null;
    }
}
