using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Exercises;

namespace SequenceModels.Tests.Exercises;

public class Check09Tests
{
    // ---- student-style implementations, written independently of the library -----------------------------------

    private static Matrix<double> CountTransitions(int[][] tags, int n, bool acrossSentences = false)
    {
        var c = Matrix<double>.Build.Dense(n, n);
        var sequences = acrossSentences ? [tags.SelectMany(s => s).ToArray()] : tags;
        foreach (var s in sequences)
            for (int k = 0; k + 1 < s.Length; k++) c[s[k], s[k + 1]] += 1;
        return c;
    }

    private static Matrix<double> CountEmissions(int[][] tags, int[][] words, int n, int v)
    {
        var c = Matrix<double>.Build.Dense(n, v);
        for (int s = 0; s < tags.Length; s++)
            for (int k = 0; k < tags[s].Length; k++) c[tags[s][k], words[s][k]] += 1;
        return c;
    }

    // (C + α) / (row total + extra), row by row.
    private static Matrix<double> RowNormalise(Matrix<double> c, double alpha, double extra)
    {
        var p = Matrix<double>.Build.Dense(c.RowCount, c.ColumnCount);
        for (int i = 0; i < c.RowCount; i++)
        {
            double total = 0;
            for (int j = 0; j < c.ColumnCount; j++) total += c[i, j];
            for (int j = 0; j < c.ColumnCount; j++) p[i, j] = (c[i, j] + alpha) / (total + extra);
        }
        return p;
    }

    private static Matrix<double> Transitions(int[][] tags, int n, double alpha) => RowNormalise(CountTransitions(tags, n), alpha, alpha * n);

    private static Matrix<double> Emissions(int[][] tags, int[][] words, int n, int v, double alpha) =>
        RowNormalise(CountEmissions(tags, words, n, v), alpha, alpha * v);

    private static Matrix<double> Initialize(Vector<double> pi, Matrix<double> b, int[] words)
    {
        var scores = Matrix<double>.Build.Dense(pi.Count, words.Length, double.NegativeInfinity);
        for (int j = 0; j < pi.Count; j++) scores[j, 0] = Math.Log(pi[j]) + Math.Log(b[j, words[0]]);
        return scores;
    }

    private static (Matrix<double>, int[,]) Forward(Matrix<double> scores, Matrix<double> a, Matrix<double> b, int[] words,
        bool logs = true, bool transposed = false, int lastStep = 0, bool pointerEarly = false, bool sum = false)
    {
        int n = scores.RowCount, steps = scores.ColumnCount;
        var psi = new int[n, steps];
        for (int t = 1; t < steps - lastStep; t++)
            for (int j = 0; j < n; j++)
            {
                double best = double.NegativeInfinity, total = 0;
                for (int i = 0; i < n; i++)
                {
                    double aij = transposed ? a[j, i] : a[i, j];
                    double s = scores[i, t - 1] + (logs ? Math.Log(aij) : aij);
                    total += Math.Exp(s);
                    if (s > best) { best = s; psi[j, pointerEarly ? t - 1 : t] = i; }
                }
                scores[j, t] = (sum ? Math.Log(total) : best) + (logs ? Math.Log(b[j, words[t]]) : b[j, words[t]]);
            }
        return (scores, psi);
    }

    private static int[] Backward(Matrix<double> scores, int[,] psi)
    {
        int steps = scores.ColumnCount;
        var path = new int[steps];
        for (int j = 1; j < scores.RowCount; j++)
            if (scores[j, steps - 1] > scores[path[steps - 1], steps - 1]) path[steps - 1] = j;
        for (int t = steps - 1; t > 0; t--) path[t - 1] = psi[path[t], t];
        return path;
    }

    private static void AssertFailed(CheckResult result, string caseName, string diagnosis)
    {
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith($"Case \"{caseName}\"", result.Messages[0]);
        Assert.Contains(diagnosis, result.Messages);
    }

    // ---- 9.1 the transition matrix ---------------------------------------------------------------------------

    [Fact]
    public void Transition_matrix_passes_a_correct_function() =>
        Assert.Equal(CheckStatus.Passed, Check.TransitionMatrix(Transitions).Status);

    [Fact]
    public void Transition_matrix_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.TransitionMatrix((_, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Transition_matrix_with_an_extra_start_row_fails_on_the_shape()
    {
        var result = Check.TransitionMatrix((tags, n, alpha) => Transitions(tags, n + 1, alpha));
        Assert.Equal("Case \"shape (N = 3 tags, 4 sentences)\": A has shape (4 × 4), expected (3 × 3).", result.Messages[0]);
    }

    [Fact]
    public void Transition_matrix_without_smoothing_is_recognised() =>
        AssertFailed(Check.TransitionMatrix((tags, n, _) => Transitions(tags, n, 0)), "smoothing (α = 1)",
            "It looks like α was not used: without smoothing an unseen transition has probability 0.");

    [Fact]
    public void Transition_matrix_with_alpha_once_in_the_denominator_has_rows_that_do_not_sum_to_one()
    {
        var result = Check.TransitionMatrix((tags, n, alpha) => RowNormalise(CountTransitions(tags, n), alpha, alpha));
        AssertFailed(result, "smoothing (α = 1)", "It looks like the denominator is C(i) + α instead of C(i) + α·N.");
        Assert.StartsWith("Case \"smoothing (α = 1)\": row 0 of A sums to 2, not 1", result.Messages[0]);
    }

    [Fact]
    public void Transposed_transition_matrix_is_recognised() =>
        AssertFailed(Check.TransitionMatrix((tags, n, alpha) => Transitions(tags, n, alpha).Transpose()), "counting (one sentence, α = 0)",
            "It looks like A is transposed: A[i, j] is P(tag j | previous tag i), so row i counts what follows tag i.");

    [Fact]
    public void Transition_counts_with_swapped_indices_are_recognised() =>
        AssertFailed(Check.TransitionMatrix((tags, n, alpha) => RowNormalise(CountTransitions(tags, n).Transpose(), alpha, alpha * n)),
            "counting (one sentence, α = 0)", "It looks like the counts are transposed: C(i, j) counts tag j right after tag i, so count into [previous, next].");

    [Fact]
    public void Transitions_across_sentence_boundaries_are_recognised() =>
        AssertFailed(Check.TransitionMatrix((tags, n, alpha) => RowNormalise(CountTransitions(tags, n, acrossSentences: true), alpha, alpha * n)),
            "two sentences (α = 0)", "It looks like the transition from the last tag of a sentence to the first tag of the next was counted.");

    [Fact]
    public void Transition_counts_that_are_not_normalised_are_recognised() =>
        AssertFailed(Check.TransitionMatrix((tags, n, alpha) => CountTransitions(tags, n).Add(alpha)), "counting (one sentence, α = 0)",
            "It looks like the rows were not normalised: A holds counts + α, not probabilities.");

    [Fact]
    public void Transition_matrix_that_is_nan_for_a_row_without_counts_says_so()
    {
        // Smoothing applied only when the row has counts: row 3 becomes 0 / 0.
        var result = Check.TransitionMatrix((tags, n, alpha) =>
        {
            var c = CountTransitions(tags, n);
            return Matrix<double>.Build.Dense(n, n, (i, j) => c.Row(i).Sum() == 0 ? c[i, j] / 0.0 : (c[i, j] + alpha) / (c.Row(i).Sum() + alpha * n));
        });
        Assert.Equal("Case \"a tag never followed by another (α = 0.5)\": row 3 of A contains NaN (0 / 0?): each row is P(next tag | tag i), a distribution over the N next tags.",
            result.Messages[0]);
    }

    // ---- 9.2 the emission matrix -----------------------------------------------------------------------------

    [Fact]
    public void Emission_matrix_passes_a_correct_function() =>
        Assert.Equal(CheckStatus.Passed, Check.EmissionMatrix(Emissions).Status);

    [Fact]
    public void Emission_matrix_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.EmissionMatrix((_, _, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Transposed_emission_matrix_fails_on_the_shape()
    {
        var result = Check.EmissionMatrix((tags, words, n, v, alpha) => Emissions(tags, words, n, v, alpha).Transpose());
        Assert.Equal("Case \"shape (N = 3 tags, V = 6 words)\": B has shape (6 × 3), expected (3 × 6) (transposed?).", result.Messages[0]);
    }

    [Fact]
    public void Emission_matrix_smoothed_with_the_number_of_tags_is_recognised()
    {
        var result = Check.EmissionMatrix((tags, words, n, v, alpha) => RowNormalise(CountEmissions(tags, words, n, v), alpha, alpha * n));
        AssertFailed(result, "smoothing (two sentences, α = 1)", "It looks like the denominator adds α·N (N tags) instead of α·V (V words).");
        Assert.Contains("not 1", result.Messages[0]);
    }

    [Fact]
    public void Emission_matrix_normalised_by_columns_is_recognised() =>
        AssertFailed(Check.EmissionMatrix((tags, words, n, v, alpha) => RowNormalise(CountEmissions(tags, words, n, v).Transpose(), alpha, alpha * n).Transpose()),
            "counting (one sentence, α = 0)", "It looks like the columns were normalised: that is P(tag | word), but B[i, w] is P(word w | tag i).");

    [Fact]
    public void Emission_matrix_without_smoothing_is_recognised() =>
        AssertFailed(Check.EmissionMatrix((tags, words, n, v, _) => Emissions(tags, words, n, v, 0)), "smoothing (two sentences, α = 1)",
            "It looks like α was not used: without smoothing a word never seen with a tag has probability 0.");

    // ---- 9.3 Viterbi initialisation --------------------------------------------------------------------------

    [Fact]
    public void Initialisation_passes_a_correct_function() =>
        Assert.Equal(CheckStatus.Passed, Check.ViterbiInitialize(Initialize).Status);

    [Fact]
    public void Initialisation_may_leave_zeros_in_the_later_columns() =>
        Assert.Equal(CheckStatus.Passed, Check.ViterbiInitialize((pi, b, words) =>
        {
            var m = Matrix<double>.Build.Dense(pi.Count, words.Length);
            m.SetColumn(0, Initialize(pi, b, words).Column(0));
            return m;
        }).Status);

    [Fact]
    public void Initialisation_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.ViterbiInitialize((_, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Initialisation_in_probabilities_is_recognised() =>
        AssertFailed(Check.ViterbiInitialize((pi, b, words) => Initialize(pi, b, words).Map(Math.Exp)), "uniform start probabilities",
            "It looks like the scores are probabilities, π_j·B[j, words[0]]: take Math.Log of both and add them.");

    [Fact]
    public void Initialisation_without_the_start_probability_is_recognised() =>
        AssertFailed(Check.ViterbiInitialize((pi, b, words) => Initialize(Vector<double>.Build.Dense(pi.Count, 1.0), b, words)), "uniform start probabilities",
            "It looks like the start term log π_j is missing.");

    [Fact]
    public void Initialisation_with_the_wrong_emission_column_is_recognised() =>
        AssertFailed(Check.ViterbiInitialize((pi, b, words) => Initialize(pi, b, [0, .. words[1..]])), "uniform start probabilities",
            "It looks like the emission was read from column 0 of B instead of column words[0].");

    [Fact]
    public void Initialisation_written_in_column_one_says_so()
    {
        var result = Check.ViterbiInitialize((pi, b, words) =>
        {
            var m = Matrix<double>.Build.Dense(pi.Count, words.Length, double.NegativeInfinity);
            m.SetColumn(1, Initialize(pi, b, words).Column(0));
            return m;
        });
        Assert.StartsWith("Case \"uniform start probabilities\": column 0 of the score matrix (δ_0) differs at", result.Messages[0]);
        Assert.EndsWith("The right numbers are in column 1: the first word is column 0.", result.Messages[0]);
    }

    [Fact]
    public void Transposed_initialisation_fails_on_the_shape()
    {
        var result = Check.ViterbiInitialize((pi, b, words) => Initialize(pi, b, words).Transpose());
        Assert.Equal("Case \"shape (N = 3 tags, T = 4 words)\": the score matrix has shape (4 × 3), expected (3 × 4) (transposed?).", result.Messages[0]);
    }

    // ---- 9.4 the forward pass --------------------------------------------------------------------------------

    [Fact]
    public void Forward_pass_passes_a_correct_function() =>
        Assert.Equal(CheckStatus.Passed, Check.ViterbiForwardPass((s, a, b, w) => Forward(s, a, b, w)).Status);

    [Fact]
    public void Forward_pass_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.ViterbiForwardPass((_, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Forward_pass_in_probabilities_is_recognised() =>
        AssertFailed(Check.ViterbiForwardPass((s, a, b, w) => Forward(s, a, b, w, logs: false)), "two words (one step)",
            "It looks like A and B were used as probabilities: add Math.Log(A[i, j]) and Math.Log(B[j, w]) to the log-score δ.");

    [Fact]
    public void Forward_pass_with_a_transposed_transition_matrix_is_recognised() =>
        AssertFailed(Check.ViterbiForwardPass((s, a, b, w) => Forward(s, a, b, w, transposed: true)), "two words (one step)",
            "It looks like A is read transposed: the transition from tag i to tag j is A[i, j], not A[j, i].");

    [Fact]
    public void Forward_pass_that_sums_instead_of_maximising_is_recognised() =>
        AssertFailed(Check.ViterbiForwardPass((s, a, b, w) => Forward(s, a, b, w, sum: true)), "two words (one step)",
            "It looks like the scores add up all paths (log-sum-exp, the forward algorithm) instead of keeping the best one (max).");

    [Fact]
    public void Forward_pass_that_stops_one_step_early_names_the_column()
    {
        var result = Check.ViterbiForwardPass((s, a, b, w) => Forward(s, a, b, w, lastStep: 1));
        Assert.Equal("Case \"two words (one step)\": column 1 of the score matrix was not filled (it is still −∞ everywhere): the forward pass fills every column t = 1 … T−1.",
            result.Messages[0]);
    }

    [Fact]
    public void Forward_pass_with_back_pointers_one_column_early_is_recognised()
    {
        var result = Check.ViterbiForwardPass((s, a, b, w) => Forward(s, a, b, w, pointerEarly: true));
        AssertFailed(result, "two words (one step)",
            "It looks like the back-pointers were stored one column early: ψ_t(j) belongs in column t, the word it leads to.");
        Assert.StartsWith("Case \"two words (one step)\": the back-pointer ψ_1(", result.Messages[0]);
    }

    [Fact]
    public void Forward_pass_with_wrong_back_pointer_shape_fails_on_the_shape()
    {
        var result = Check.ViterbiForwardPass((s, a, b, w) => (Forward(s, a, b, w).Item1, new int[s.ColumnCount, s.RowCount]));
        Assert.Equal("Case \"shapes (N = 3 tags, T = 4 words)\": the back-pointers have shape (4 × 3), expected (3 × 4).", result.Messages[0]);
    }

    // ---- 9.5 the backward pass -------------------------------------------------------------------------------

    [Fact]
    public void Backward_pass_passes_a_correct_function() =>
        Assert.Equal(CheckStatus.Passed, Check.ViterbiBackwardPass(Backward).Status);

    [Fact]
    public void Backward_pass_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.ViterbiBackwardPass((_, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Greedy_decoding_is_recognised_and_the_first_wrong_tag_is_named()
    {
        var result = Check.ViterbiBackwardPass((scores, _) => Enumerable.Range(0, scores.ColumnCount).Select(t => scores.Column(t).MaximumIndex()).ToArray());
        Assert.Matches(@"^Case ""a sentence whose best path is not the best tag of each word"": path\[\d+\] is \d+, expected \d+\.$", result.Messages[0]);
    }

    [Fact]
    public void Greedy_decoding_is_diagnosed() =>
        AssertFailed(Check.ViterbiBackwardPass((scores, _) => Enumerable.Range(0, scores.ColumnCount).Select(t => scores.Column(t).MaximumIndex()).ToArray()),
            "a sentence whose best path is not the best tag of each word", "It looks like each word got the best tag of its own column: follow the back-pointers instead.");

    [Fact]
    public void Back_pointer_from_the_wrong_column_is_recognised() =>
        AssertFailed(Check.ViterbiBackwardPass((scores, psi) =>
            {
                int steps = scores.ColumnCount;
                var path = new int[steps];
                path[steps - 1] = scores.Column(steps - 1).MaximumIndex();
                for (int t = steps - 1; t > 0; t--) path[t - 1] = psi[path[t], t - 1];
                return path;
            }),
            "a sentence whose best path is not the best tag of each word",
            "It looks like the back-pointer was read from the wrong column: z_{t−1} = ψ_t(z_t) is in column t, not t − 1.");

    [Fact]
    public void Reversed_path_is_recognised() =>
        AssertFailed(Check.ViterbiBackwardPass((scores, psi) => Backward(scores, psi).Reverse().ToArray()), "a sentence whose best path is not the best tag of each word",
            "It looks like the path is in reverse order: it is built from the last word back, so fill it from the end.");

    [Fact]
    public void Path_of_the_wrong_length_fails_on_the_length()
    {
        var result = Check.ViterbiBackwardPass((scores, psi) => Backward(scores, psi)[1..]);
        Assert.Equal("Case \"length (N = 3 tags, T = 5 words)\": the path has 4 entries, expected 5 (one tag per word).", result.Messages[0]);
    }

    [Fact]
    public void The_catalogue_lists_the_exercises_of_notebook_09_in_order() =>
        Assert.Equal(["09.transition-matrix", "09.emission-matrix", "09.viterbi-initialize", "09.viterbi-forward", "09.viterbi-backward"],
            ExerciseCatalogue.ForNotebook("09").Select(e => e.Id));
}
