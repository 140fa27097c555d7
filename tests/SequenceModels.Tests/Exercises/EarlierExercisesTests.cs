using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Exercises;

namespace SequenceModels.Tests.Exercises;

/// <summary>
/// A later exercise's function that calls the student's own unfinished function of an earlier exercise: the check
/// names the earlier exercise instead of blaming the later one.
/// </summary>
public class EarlierExercisesTests
{
    [Fact]
    public void Viterbi_forward_calling_an_unfinished_initialisation_names_exercise_9_3()
    {
        var result = Check.ViterbiForwardPass((_, _, _, _) => throw new NotImplementedException("Exercise 9.3: ViterbiInitialize"));
        Assert.Equal(CheckStatus.NotDone, result.Status);
        Assert.Equal(["Your ViterbiForward calls your ViterbiInitialize (Exercise 9.3), which is not finished. Finish Exercise 9.3 first " +
                      "(or call the library's version in its place, as the exercise says), then run this check again."], result.Messages);
    }

    [Fact]
    public void Bidirectional_forward_calling_an_unfinished_rnn_forward_names_exercise_1_3()
    {
        var result = Check.BidirectionalForward((_, _, _, _) => throw new NotImplementedException("Exercise 1.3: RnnForward"));
        Assert.Equal(CheckStatus.NotDone, result.Status);
        Assert.StartsWith("Your BidirectionalForward calls your RnnForward (Exercise 1.3), which is not finished.", result.Messages[0]);
    }

    [Fact]
    public void The_function_s_own_marker_keeps_the_usual_not_done_message()
    {
        var result = Check.ViterbiBackwardPass((_, _) => throw new NotImplementedException("Exercise 9.5: ViterbiBackward"));
        Assert.Equal(CheckStatus.NotDone, result.Status);
        Assert.StartsWith("Not done yet: replace the line", result.Messages[0]);
    }

    [Fact]
    public void A_not_implemented_exception_without_a_marker_is_the_function_s_own() =>
        Assert.StartsWith("Not done yet", Check.TransitionMatrix((_, _, _) => throw new NotImplementedException()).Messages[0]);

    [Fact]
    public void A_marker_met_after_some_cases_passed_still_names_the_earlier_exercise()
    {
        // Correct on the first cases, then it reaches code that calls an unfinished helper.
        int calls = 0;
        var result = Check.Perplexity(lps =>
        {
            if (++calls > 2) throw new NotImplementedException("Exercise 8.9: Helper");
            return Math.Exp(-lps.Average());
        });
        Assert.Equal(CheckStatus.NotDone, result.Status);
        Assert.StartsWith("Your PerplexityOf calls your Helper (Exercise 8.9)", result.Messages[0]);
    }

    [Fact]
    public void A_passing_function_is_unaffected() =>
        Assert.Equal(CheckStatus.Passed, Check.EmissionMatrix((tags, words, n, v, alpha) =>
        {
            var b = Matrix<double>.Build.Dense(n, v);
            for (int s = 0; s < tags.Length; s++)
                for (int k = 0; k < tags[s].Length; k++) b[tags[s][k], words[s][k]] += 1;
            for (int i = 0; i < n; i++)
            {
                double total = b.Row(i).Sum();
                for (int w = 0; w < v; w++) b[i, w] = (b[i, w] + alpha) / (total + alpha * v);
            }
            return b;
        }).Status);
}
