namespace SequenceModels.Taggers;

// Inside the namespace, so MathNet's Vector<T> wins over System.Numerics.Vector<T> from GlobalUsings.cs.
using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Text;

/// <summary>
/// The Viterbi algorithm: the most probable tag sequence of a hidden Markov model for one sentence, by dynamic
/// programming over the trellis, in log space (products of hundreds of small probabilities underflow; sums of logs
/// do not). In the lecture's three steps:
/// <list type="number">
/// <item><b>Initialisation</b> (<see cref="Initialize"/>): δ_0(j) = log π_j + log b_j(w_0).</item>
/// <item><b>Forward pass</b> (<see cref="ForwardPass"/>): δ_t(j) = max_i [δ_{t−1}(i) + log a_ij] + log b_j(w_t),
/// and the back-pointer ψ_t(j) = the i that reaches that maximum.</item>
/// <item><b>Backward pass</b> (<see cref="BackwardPass"/>): start from the best last tag, argmax_j δ_{T−1}(j), and
/// follow the back-pointers to the front.</item>
/// </list>
/// <see cref="DecodeSecondOrder"/> does the same for a second-order (trigram) model over pairs of tags.
/// Ties go to the lowest tag index.
/// </summary>
public static class Viterbi
{
    /// <summary>
    /// Initialisation: a new trellis with column 0 filled, δ_0(j) = log π_j + log b_j(w_0), ψ_0(j) = −1.
    /// </summary>
    /// <param name="logPi">N: log π, the log-probability of each tag at the start of a sentence.</param>
    /// <param name="logEmissions">N × T: <c>[j, t]</c> = log b_j(w_t), the log-probability that tag j emits word t.</param>
    /// <returns>An N × T trellis; columns 1..T−1 are −∞ until <see cref="ForwardPass"/>.</returns>
    public static Trellis Initialize(Vector<double> logPi, Matrix<double> logEmissions)
    {
        int n = logEmissions.RowCount, steps = logEmissions.ColumnCount;
        if (logPi.Count != n) throw new ShapeException(nameof(logPi), $"({n})", $"({logPi.Count})");
        var scores = Matrix<double>.Build.Dense(n, steps, double.NegativeInfinity);
        var backPointers = new int[n, steps];
        if (steps == 0) return new Trellis(scores, backPointers);
        for (int j = 0; j < n; j++)
        {
            scores[j, 0] = logPi[j] + logEmissions[j, 0];
            backPointers[j, 0] = -1;
        }
        return new Trellis(scores, backPointers);
    }

    /// <summary>
    /// Forward pass: fills columns 1..T−1 of <paramref name="trellis"/>, each from the one before it:
    /// δ_t(j) = max_i [δ_{t−1}(i) + log a_ij] + log b_j(w_t), ψ_t(j) = argmax_i.
    /// </summary>
    /// <param name="trellis">N × T, column 0 filled by <see cref="Initialize"/>.</param>
    /// <param name="logA">N × N: <c>[i, j]</c> = log a_ij, the log-probability that tag j follows tag i.</param>
    /// <param name="logEmissions">N × T, as for <see cref="Initialize"/>.</param>
    public static void ForwardPass(Trellis trellis, Matrix<double> logA, Matrix<double> logEmissions)
    {
        int n = trellis.TagCount, steps = trellis.Steps;
        Shape.Require(logA, n, n, nameof(logA));
        Shape.Require(logEmissions, n, steps, nameof(logEmissions));
        var (delta, psi) = (trellis.Scores, trellis.BackPointers);
        for (int t = 1; t < steps; t++)
        {
            for (int j = 0; j < n; j++)
            {
                double best = double.NegativeInfinity;
                int argBest = 0;
                for (int i = 0; i < n; i++)
                {
                    double score = delta[i, t - 1] + logA[i, j];
                    if (score > best) (best, argBest) = (score, i);
                }
                delta[j, t] = best + logEmissions[j, t];
                psi[j, t] = argBest;
            }
        }
    }

    /// <summary>
    /// Backward pass: the best last tag z_{T−1} = argmax_j δ_{T−1}(j), then z_{t−1} = ψ_t(z_t) back to the front.
    /// </summary>
    /// <param name="trellis">N × T, filled by <see cref="Initialize"/> and <see cref="ForwardPass"/>.</param>
    /// <returns>The T tag indices of the best path and its log-probability δ_{T−1}(z_{T−1}) (0 for T = 0).</returns>
    public static (int[] Path, double LogProbability) BackwardPass(Trellis trellis)
    {
        int n = trellis.TagCount, steps = trellis.Steps;
        var path = new int[steps];
        if (steps == 0) return (path, 0.0);
        double best = double.NegativeInfinity;
        for (int j = 0; j < n; j++)
        {
            if (trellis.Scores[j, steps - 1] > best) (best, path[steps - 1]) = (trellis.Scores[j, steps - 1], j);
        }
        for (int t = steps - 1; t > 0; t--) path[t - 1] = trellis.BackPointers[path[t], t];
        return (path, best);
    }

    /// <summary>The three steps in order: the best path of a first-order HMM, its log-probability and the trellis.</summary>
    /// <param name="logPi">N: log π.</param>
    /// <param name="logA">N × N: log A, rows the previous tag.</param>
    /// <param name="logEmissions">N × T: log b_j(w_t).</param>
    public static (int[] Path, double LogProbability, Trellis Trellis) Decode(Vector<double> logPi, Matrix<double> logA, Matrix<double> logEmissions)
    {
        var trellis = Initialize(logPi, logEmissions);
        ForwardPass(trellis, logA, logEmissions);
        var (path, logProbability) = BackwardPass(trellis);
        return (path, logProbability, trellis);
    }

    /// <summary>
    /// Viterbi for a second-order (trigram) HMM, where a tag depends on the two before it. The states of the trellis
    /// are pairs (t_{k−1}, t_k): δ_k(j, l) = max_i [δ_{k−1}(i, j) + log P(l | i, j)] + log b_l(w_k). Tag index N is the
    /// sentence boundary: the two tags before the sentence are both N, and the path is scored with the probability of
    /// the end, P(N | t_{T−2}, t_{T−1}). Only the tags whose emission at a word is not −∞ (for a known word, the tags
    /// it had in training) take part at that word, which keeps decoding fast without changing the result.
    /// </summary>
    /// <param name="logTransition">
    /// <c>logTransition(i, j, l)</c> = log P(t_k = l | t_{k−2} = i, t_{k−1} = j), for tags 0..N−1 and the boundary N
    /// ("before the sentence" as i or j, "end of sentence" as l).
    /// </param>
    /// <param name="logEmissions">N × T: log b_j(w_t).</param>
    /// <returns>The T tag indices of the best path and its log-probability, end of sentence included.</returns>
    public static (int[] Path, double LogProbability) DecodeSecondOrder(Func<int, int, int, double> logTransition, Matrix<double> logEmissions)
    {
        int n = logEmissions.RowCount, steps = logEmissions.ColumnCount, boundary = n;
        if (steps == 0) return ([], logTransition(boundary, boundary, boundary));

        // The tags that take part at each word; all of them when none is possible, so that a path still exists.
        var candidates = new int[steps][];
        for (int t = 0; t < steps; t++)
        {
            candidates[t] = Enumerable.Range(0, n).Where(j => logEmissions[j, t] > double.NegativeInfinity).ToArray();
            if (candidates[t].Length == 0) candidates[t] = Enumerable.Range(0, n).ToArray();
        }
        int[] At(int t) => t < 0 ? [boundary] : candidates[t];

        // delta[t][a, b]: best log-probability of tags 0..t ending in (At(t−1)[a], At(t)[b]);
        // psi[t][a, b]: the index c in At(t−2) of the tag before them on that path.
        var delta = new double[steps][,];
        var psi = new int[steps][,];

        // Initialisation: the history before the first word is (boundary, boundary).
        delta[0] = new double[1, candidates[0].Length];
        psi[0] = new int[1, candidates[0].Length];
        for (int b = 0; b < candidates[0].Length; b++)
        {
            int l = candidates[0][b];
            delta[0][0, b] = logTransition(boundary, boundary, l) + logEmissions[l, 0];
        }

        // Forward pass over pairs of tags.
        for (int t = 1; t < steps; t++)
        {
            int[] before = At(t - 2), previous = At(t - 1), current = At(t);
            delta[t] = new double[previous.Length, current.Length];
            psi[t] = new int[previous.Length, current.Length];
            for (int a = 0; a < previous.Length; a++)
            {
                for (int b = 0; b < current.Length; b++)
                {
                    double best = double.NegativeInfinity;
                    int argBest = 0;
                    for (int c = 0; c < before.Length; c++)
                    {
                        double score = delta[t - 1][c, a] + logTransition(before[c], previous[a], current[b]);
                        if (score > best) (best, argBest) = (score, c);
                    }
                    delta[t][a, b] = best + logEmissions[current[b], t];
                    psi[t][a, b] = argBest;
                }
            }
        }

        // Backward pass: the best final pair, end of sentence included, then the back-pointers.
        int last = steps - 1;
        int[] lastBefore = At(last - 1), lastTags = At(last);
        double bestFinal = double.NegativeInfinity;
        var index = new int[steps]; // index[t]: position of the path's tag in At(t)
        int bestA = 0;
        for (int a = 0; a < lastBefore.Length; a++)
        {
            for (int b = 0; b < lastTags.Length; b++)
            {
                double score = delta[last][a, b] + logTransition(lastBefore[a], lastTags[b], boundary);
                if (score > bestFinal) (bestFinal, bestA, index[last]) = (score, a, b);
            }
        }
        if (last > 0) index[last - 1] = bestA;
        for (int t = last; t >= 2; t--) index[t - 2] = psi[t][index[t - 1], index[t]];
        return (Enumerable.Range(0, steps).Select(t => candidates[t][index[t]]).ToArray(), bestFinal);
    }
}
