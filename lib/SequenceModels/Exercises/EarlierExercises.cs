namespace SequenceModels.Exercises;

/// <summary>
/// For checkers that call a student's function themselves (outside <see cref="ExerciseCheck{TOut}"/>): wraps each
/// call, and when the function ran into the unfinished function of another exercise (see
/// <see cref="EarlierExercise"/>), turns the checker's result into a "not done" that names both functions, for
/// example "Your TrainOnNames calls your TrainStep (Exercise 8.3), which is not finished."
/// </summary>
/// <param name="title">The checked exercise's title, "Exercise 8.4 — …": its number is read from it.</param>
/// <param name="function">The name of the student's function as the notebook spells it ("TrainOnNames").</param>
internal sealed class StudentCalls(string title, string function)
{
    /// <summary>The diagnosis of the first call that ran into another exercise's unfinished function, if any.</summary>
    public string? Unfinished { get; private set; }

    /// <summary>
    /// Runs one call of the student's function. A <see cref="NotImplementedException"/> thrown by another exercise's
    /// unfinished function is remembered (for <see cref="Verdict"/>) and rethrown, so the check stops there.
    /// </summary>
    public T Call<T>(Func<T> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return call();
        }
        catch (NotImplementedException e) when (EarlierExercise.Unfinished(e, title, function) is { } diagnosis)
        {
            Unfinished ??= diagnosis;
            throw;
        }
    }

    /// <summary>The checker's result, or, when a call ran into another exercise's unfinished function, "not done" saying so.</summary>
    public CheckResult Verdict(CheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (Unfinished is not { } diagnosis || result.Status == CheckStatus.Passed) return result;
        return new CheckResult(result.Exercise, result.Title, CheckStatus.NotDone, [diagnosis]);
    }
}
