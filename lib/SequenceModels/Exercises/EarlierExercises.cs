using System.Text.RegularExpressions;

namespace SequenceModels.Exercises;

/// <summary>
/// Watches the calls a checker makes to a student's function, for the case where that function calls the student's
/// own function of another exercise that is still unfinished. Every exercise cell starts with
/// <c>throw new NotImplementedException("Exercise a.b: Name")</c>, so the exception names the exercise it comes
/// from. <see cref="ExerciseCheck{TOut}"/> reports any <see cref="NotImplementedException"/> as "not done", which
/// would blame the function under check (say <c>TrainOnNames</c>, exercise 8.4) when the unfinished code is the
/// <c>TrainStep</c> of exercise 8.3 that it calls; <see cref="Verdict"/> then says so instead: "Your TrainOnNames
/// calls your TrainStep (Exercise 8.3), which is not finished."
/// <para>
/// Use: wrap every call of the student's function in <see cref="Call{T}"/>, and pass the checker's result through
/// <see cref="Verdict"/>. A <see cref="NotImplementedException"/> that names this exercise, or no exercise, is the
/// function's own and keeps its usual "not done" verdict.
/// </para>
/// <para>
/// (Notebooks 07–09. A general helper for every checker may replace it; it only needs <see cref="CheckResult"/> and
/// the exception's message.)
/// </para>
/// </summary>
/// <param name="title">The checked exercise's title, "Exercise 8.4 — …": its number is read from it.</param>
/// <param name="function">The name of the student's function as the notebook spells it ("TrainOnNames").</param>
internal sealed partial class StudentCalls(string title, string function)
{
    private readonly string? _number = ExerciseNumber(title);

    /// <summary>The unfinished exercise that a call ran into ("8.3", "TrainStep"), if any.</summary>
    public (string Number, string Function)? Unfinished { get; private set; }

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
        catch (NotImplementedException e) when (OtherExercise(e.Message) is { } other)
        {
            Unfinished ??= other;
            throw;
        }
    }

    /// <summary>
    /// The checker's result, or, when a call ran into another exercise's unfinished function, a "not done" result
    /// that names both functions and the exercise to finish first.
    /// </summary>
    public CheckResult Verdict(CheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (Unfinished is not { } other || result.Status == CheckStatus.Passed) return result;
        return new CheckResult(result.Exercise, result.Title, CheckStatus.NotDone,
        [
            $"Your {function} calls your {other.Function} (Exercise {other.Number}), which is not finished. " +
            $"Finish Exercise {other.Number} first (or call the library's version in its place, as the exercise says), then run this check again.",
        ]);
    }

    private (string Number, string Function)? OtherExercise(string message)
    {
        var match = Marker().Match(message);
        if (!match.Success) return null;
        string number = match.Groups["number"].Value;
        return number == _number ? null : (number, match.Groups["name"].Value);
    }

    private static string? ExerciseNumber(string title)
    {
        var match = TitleNumber().Match(title);
        return match.Success ? match.Groups["number"].Value : null;
    }

    // "Exercise 8.3: TrainStep", as every exercise cell's NotImplementedException reads.
    [GeneratedRegex(@"Exercise (?<number>\d+\.\d+): (?<name>[\p{L}_][\p{L}\p{N}_]*)")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^Exercise (?<number>\d+\.\d+)\b")]
    private static partial Regex TitleNumber();
}
