namespace SequenceModels;

// Inside the namespace, so MathNet's Vector<T> wins over System.Numerics.Vector<T> from GlobalUsings.cs.
using MathNet.Numerics.LinearAlgebra;

/// <summary>
/// A linear-chain CRF output layer over a batch of sentences (Lample et al. 2016): instead of a softmax at every
/// word, one distribution over whole tag sequences, p(y | x) = exp s(y) / Z with
/// <code>
/// s(y) = start[y⟨0⟩] + Σ_t E[y⟨t⟩, t] + Σ_{t≥1} A[y⟨t−1⟩, y⟨t⟩] + end[y⟨T−1⟩]
/// L    = (1/N) Σ_b (log Z_b − s_b(y_b))            N = real words in the batch, as the masked softmax loss
/// ∂L/∂E[j, t] = (p(y⟨t⟩ = j | x) − [y⟨t⟩ = j]) / N     marginals minus one-hot: the softmax's (ŷ − y)/N, sequence-wide
/// ∂L/∂A[i, j] = Σ_t (p(y⟨t−1⟩ = i, y⟨t⟩ = j | x) − [y⟨t−1⟩ = i, y⟨t⟩ = j]) / N
/// </code>
/// E (the emission scores) is the tagger's logits, K × (Steps·BatchSize) as a <see cref="SequenceBatch{T}"/>.
/// <see cref="LinearChainCrf"/> is the same model for one sentence as the lecture writes it; this layer computes
/// log Z and the marginals with the scaled forward-backward recursions (Rabiner 1989): exp(A) is taken once per batch
/// and each word costs one K × K matrix-vector product and K exponentials, in double precision whatever T is.
/// Padded positions get no score, no loss and zero gradient.
/// </summary>
public sealed class Crf<T> : IHasParameters<T> where T : struct, IFloatingPointIeee754<T>
{
    // What Loss keeps for Backward.
    private SequenceBatch<T>? _emissions;
    private TokenBatch? _tags;
    private double[]? _alpha;  // K × (T·m): scaled forward variables α̂, each column sums to 1
    private double[]? _expA;   // K × K: exp(A − max A), column-major like A

    /// <summary>A CRF over <paramref name="tagCount"/> tags with every score zero (all sequences equally likely).</summary>
    public Crf(int tagCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tagCount);
        A = new Parameter<T>("A", Init.Zeros<T>(tagCount, tagCount));
        Start = new Parameter<T>("start", Init.Zeros<T>(tagCount, 1));
        End = new Parameter<T>("end", Init.Zeros<T>(tagCount, 1));
        Parameters = [A, Start, End];
    }

    /// <summary>Transition scores, K × K: [i, j] is the score of tag j right after tag i.</summary>
    public Parameter<T> A { get; }

    /// <summary>The score of each tag at a sentence's first word, K × 1.</summary>
    public Parameter<T> Start { get; }

    /// <summary>The score of each tag at a sentence's last word, K × 1.</summary>
    public Parameter<T> End { get; }

    /// <summary>K.</summary>
    public int TagCount => A.Value.RowCount;

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>
    /// The mean negative log-likelihood of the gold tag sequences, L = (1/N) Σ_b (log Z_b − s_b(y_b)), keeping what
    /// <see cref="Backward"/> needs. With N = 0 the loss is 0.
    /// </summary>
    /// <param name="emissions">E, K × (Steps·BatchSize).</param>
    /// <param name="tags">The gold tag ids, Steps × BatchSize; its lengths are the mask.</param>
    public double Loss(SequenceBatch<T> emissions, TokenBatch tags)
    {
        Check(emissions);
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Steps != emissions.Steps || tags.BatchSize != emissions.BatchSize)
            throw new ShapeException(nameof(tags), $"{emissions.Steps} steps × {emissions.BatchSize} sequences", $"{tags.Steps} steps × {tags.BatchSize} sequences");
        int k = TagCount, m = tags.BatchSize, n = tags.RealCount;
        var (a, start, end) = (Values(A), Values(Start), Values(End));
        var expA = ExpShifted(a, out double aMax);
        var e = Tensor.Data(emissions.Data);
        var alpha = new double[k * emissions.Steps * m];
        double sum = 0;
        for (int b = 0; b < m; b++)
        {
            int length = tags.Lengths[b];
            if (length == 0) continue;
            for (int t = 0; t < length; t++)
                if ((uint)tags[t, b] >= (uint)k)
                    throw new ArgumentOutOfRangeException(nameof(tags), tags[t, b], $"Tag {tags[t, b]} at step {t} of sequence {b} is outside the {k} tags (0..{k - 1}).");
            double logZ = ForwardScaled(e, m, b, length, expA, aMax, start, end, alpha);
            sum += logZ - GoldScore(e, m, b, length, tags, a, start, end);
        }
        (_emissions, _tags, _alpha, _expA) = (emissions, tags, alpha, expA);
        return n == 0 ? 0 : sum / n;
    }

    /// <summary>
    /// Backpropagates the last <see cref="Loss"/>: adds ∂L/∂A, ∂L/∂start and ∂L/∂end into the gradients and returns
    /// ∂L/∂E, K × (Steps·BatchSize), zero at padded positions.
    /// </summary>
    public SequenceBatch<T> Backward()
    {
        var emissions = _emissions ?? throw new InvalidOperationException("Backward needs a Loss first.");
        var (tags, alpha, expA) = (_tags!, _alpha!, _expA!);
        int k = TagCount, m = tags.BatchSize, n = tags.RealCount;
        var dE = SequenceBatch<T>.Zeros(k, emissions.Steps, m, tags.Lengths);
        if (n == 0) return dE;
        var e = Tensor.Data(emissions.Data);
        var end = Values(End);
        var de = Tensor.Data(dE.Data);
        var dA = new double[k * k];
        var dStart = new double[k];
        var dEnd = new double[k];
        var beta = new double[k];
        var next = new double[k];
        var scaled = new double[k]; // exp(E[:, t] − max) · β̂⟨t⟩
        var p = new double[k];
        var pair = new double[k * k];
        double inverseN = 1.0 / n;
        for (int b = 0; b < m; b++)
        {
            int length = tags.Lengths[b];
            if (length == 0) continue;
            // β̂⟨T−1⟩ = exp(end − max end), then β̂⟨t⟩(i) ∝ Σ_j exp(A[i, j]) · exp(E[j, t+1]) · β̂⟨t+1⟩(j), each scaled to sum 1.
            double endMax = Max(end);
            for (int i = 0; i < k; i++) beta[i] = Math.Exp(end[i] - endMax);
            Normalize(beta);
            for (int t = length - 1; t >= 0; t--)
            {
                int col = t * m + b;
                // The marginal p(y⟨t⟩ = j) ∝ α̂⟨t⟩(j) β̂⟨t⟩(j).
                for (int j = 0; j < k; j++) p[j] = alpha[col * k + j] * beta[j];
                Normalize(p);
                int y = tags[t, b];
                for (int j = 0; j < k; j++) de[col * k + j] = T.CreateChecked(p[j] * inverseN);
                de[col * k + y] -= T.CreateChecked(inverseN);
                if (t == length - 1)
                {
                    for (int j = 0; j < k; j++) dEnd[j] += p[j];
                    dEnd[y] -= 1;
                }
                if (t == 0)
                {
                    for (int j = 0; j < k; j++) dStart[j] += p[j];
                    dStart[y] -= 1;
                    break;
                }
                // The pair marginal p(y⟨t−1⟩ = i, y⟨t⟩ = j) ∝ α̂⟨t−1⟩(i) · exp(A[i, j]) · exp(E[j, t]) · β̂⟨t⟩(j).
                int previousCol = col - m;
                double eMax = double.NegativeInfinity;
                for (int j = 0; j < k; j++) eMax = Math.Max(eMax, double.CreateChecked(e[col * k + j]));
                for (int j = 0; j < k; j++) scaled[j] = Math.Exp(double.CreateChecked(e[col * k + j]) - eMax) * beta[j];
                double total = 0;
                for (int j = 0; j < k; j++)
                    for (int i = 0; i < k; i++)
                        total += pair[j * k + i] = alpha[previousCol * k + i] * expA[j * k + i] * scaled[j];
                for (int j = 0; j < k; j++)
                    for (int i = 0; i < k; i++) dA[j * k + i] += pair[j * k + i] / total;
                dA[y * k + tags[t - 1, b]] -= 1;
                // β̂⟨t−1⟩(i) ∝ Σ_j exp(A[i, j]) · scaled[j].
                for (int i = 0; i < k; i++)
                {
                    double s = 0;
                    for (int j = 0; j < k; j++) s += expA[j * k + i] * scaled[j];
                    next[i] = s;
                }
                Normalize(next);
                (beta, next) = (next, beta);
            }
        }
        AddInto(A.Grad, dA, inverseN);
        AddInto(Start.Grad, dStart, inverseN);
        AddInto(End.Grad, dEnd, inverseN);
        return dE;
    }

    /// <summary>
    /// The best tag sequence of every sentence, argmax_y s(y), by Viterbi (<see cref="LinearChainCrf.Decode"/>):
    /// Steps·BatchSize ids in the batch's layout (position (t, b) at t·BatchSize + b), <see cref="Text.TagMap.PadId"/>
    /// at padded positions. With <paramref name="constraints"/>, only the sequences they allow are considered.
    /// </summary>
    public int[] Decode(SequenceBatch<T> emissions, CrfConstraints? constraints = null)
    {
        Check(emissions);
        int k = TagCount, m = emissions.BatchSize;
        var (a, start, end) = (Matrix<double>.Build.Dense(k, k, Values(A)), Vector<double>.Build.Dense(Values(Start)), Vector<double>.Build.Dense(Values(End)));
        var e = Tensor.Data(emissions.Data);
        var result = new int[emissions.Steps * m];
        Array.Fill(result, Text.TagMap.PadId);
        for (int b = 0; b < m; b++)
        {
            int length = emissions.Lengths[b];
            if (length == 0) continue;
            var scores = Matrix<double>.Build.Dense(k, length, (j, t) => double.CreateChecked(e[(t * m + b) * k + j]));
            var (path, _) = LinearChainCrf.Decode(scores, a, start, end, constraints);
            for (int t = 0; t < length; t++) result[t * m + b] = path[t];
        }
        return result;
    }

    /// <summary>
    /// Scaled forward recursion for sentence b: fills α̂ (columns t·m + b, each summing to 1) and returns log Z.
    /// α⟨t⟩(j) = log α̂⟨t⟩(j) + c⟨t⟩, with c⟨t⟩ the log of the scale taken out so far.
    /// </summary>
    private double ForwardScaled(T[] e, int m, int b, int length, double[] expA, double aMax, double[] start, double[] end, double[] alpha)
    {
        int k = TagCount;
        int col = b;
        double c = double.NegativeInfinity;
        for (int j = 0; j < k; j++) c = Math.Max(c, start[j] + double.CreateChecked(e[col * k + j]));
        for (int j = 0; j < k; j++) alpha[col * k + j] = Math.Exp(start[j] + double.CreateChecked(e[col * k + j]) - c);
        c += Math.Log(NormalizeSpan(alpha.AsSpan(col * k, k)));
        for (int t = 1; t < length; t++)
        {
            int previous = col;
            col = t * m + b;
            double eMax = double.NegativeInfinity;
            for (int j = 0; j < k; j++) eMax = Math.Max(eMax, double.CreateChecked(e[col * k + j]));
            for (int j = 0; j < k; j++)
            {
                double u = 0;
                for (int i = 0; i < k; i++) u += alpha[previous * k + i] * expA[j * k + i];
                alpha[col * k + j] = u * Math.Exp(double.CreateChecked(e[col * k + j]) - eMax);
            }
            c += aMax + eMax + Math.Log(NormalizeSpan(alpha.AsSpan(col * k, k)));
        }
        double endMax = Max(end), last = 0;
        for (int j = 0; j < k; j++) last += alpha[col * k + j] * Math.Exp(end[j] - endMax);
        return c + endMax + Math.Log(last);
    }

    private static double GoldScore(T[] e, int m, int b, int length, TokenBatch tags, double[] a, double[] start, double[] end)
    {
        int k = start.Length;
        double s = start[tags[0, b]] + end[tags[length - 1, b]];
        for (int t = 0; t < length; t++) s += double.CreateChecked(e[(t * m + b) * k + tags[t, b]]);
        for (int t = 1; t < length; t++) s += a[tags[t, b] * k + tags[t - 1, b]];
        return s;
    }

    private void Check(SequenceBatch<T> emissions)
    {
        ArgumentNullException.ThrowIfNull(emissions);
        Shape.RequireRows(emissions.Data, TagCount, nameof(emissions));
    }

    private static double[] Values(Parameter<T> p) => Tensor.Data(p.Value).Select(double.CreateChecked).ToArray();

    private static double[] ExpShifted(double[] x, out double max)
    {
        max = Max(x);
        var result = new double[x.Length];
        for (int i = 0; i < x.Length; i++) result[i] = Math.Exp(x[i] - max);
        return result;
    }

    private static double Max(double[] x)
    {
        double max = double.NegativeInfinity;
        foreach (double v in x) max = Math.Max(max, v);
        return max;
    }

    private static void Normalize(double[] x) => NormalizeSpan(x);

    /// <summary>Divides by the sum and returns the sum.</summary>
    private static double NormalizeSpan(Span<double> x)
    {
        double sum = 0;
        foreach (double v in x) sum += v;
        for (int i = 0; i < x.Length; i++) x[i] /= sum;
        return sum;
    }

    private static void AddInto(Matrix<T> grad, double[] values, double scale)
    {
        var g = Tensor.Data(grad);
        for (int i = 0; i < g.Length; i++) g[i] += T.CreateChecked(values[i] * scale);
    }
}
