namespace SequenceModels.Exercises;

/// <summary>
/// Checks a student's function against the library's reference implementation, case by case, and diagnoses the
/// first disagreement. Cases run in the order they are added; checkers add them in the order a teacher would look:
/// shapes first, then each term isolated (every input zero but one), then a general case with all inputs random.
/// A function that still throws <see cref="NotImplementedException"/> is "not done"; when the exception is the marker of
/// an earlier exercise that the function calls, the message says so (<see cref="EarlierExercise"/>).
/// </summary>
/// <typeparam name="TOut">What the function returns.</typeparam>
/// <param name="exercise">The exercise id ("01.one-hot").</param>
/// <param name="title">The title the notebook shows.</param>
/// <param name="compare">Compares expected and actual; returns null when they agree, else what differs.</param>
public sealed class ExerciseCheck<TOut>(string exercise, string title, Func<TOut, TOut, string?> compare)
{
    private readonly List<(string Name, string Hint, Func<TOut> Student, Func<TOut> Reference, Func<TOut, TOut, string?>? Compare)> _cases = [];
    private readonly List<(string Description, Func<int, TOut> Variant)> _mistakes = [];

    /// <summary>
    /// Adds a case: what it tests (<paramref name="name"/>), what to look at if it fails (<paramref name="hint"/>),
    /// and optionally its own comparison (for example shapes only).
    /// </summary>
    public ExerciseCheck<TOut> Case(string name, string hint, Func<TOut> student, Func<TOut> reference,
        Func<TOut, TOut, string?>? compareCase = null)
    {
        _cases.Add((name, hint, student, reference, compareCase));
        return this;
    }

    /// <summary>
    /// Adds a typical mistake: a function computing the wrong answer on the same inputs as the case that failed
    /// (it receives the case's index). When the student's answer matches it, the diagnosis says so ("it looks like
    /// tanh was not applied").
    /// </summary>
    public ExerciseCheck<TOut> Mistake(string description, Func<int, TOut> variant)
    {
        _mistakes.Add((description, variant));
        return this;
    }

    /// <summary>Runs the cases in order and returns the verdict of the first that disagrees, or a pass.</summary>
    public CheckResult Run()
    {
        for (int i = 0; i < _cases.Count; i++)
        {
            var (name, hint, student, reference, compareCase) = _cases[i];
            var expected = reference();
            TOut actual;
            try
            {
                actual = student();
            }
            catch (NotImplementedException e)
            {
                return new CheckResult(exercise, title, CheckStatus.NotDone,
                    [EarlierExercise.Unfinished(e, title) ??
                     "Not done yet: replace the line `throw new NotImplementedException(...)` with your code, then run this check again."]);
            }
            catch (Exception e)
            {
                return new CheckResult(exercise, title, CheckStatus.Failed,
                    [$"Case \"{name}\": your function threw {e.GetType().Name}: {e.Message}", hint]);
            }
            var difference = (compareCase ?? compare)(expected, actual);
            if (difference is null) continue;
            var messages = new List<string> { $"Case \"{name}\": {difference}", hint };
            foreach (var (description, variant) in _mistakes)
                    if (TryVariant(() => variant(i)) is { } v && compare(v, actual) is null)
                        messages.Add($"It looks like {description}.");
            return new CheckResult(exercise, title, CheckStatus.Failed, messages);
        }
        return new CheckResult(exercise, title, CheckStatus.Passed,
            [$"All {_cases.Count} cases agree with the reference implementation."]);
    }

    private static TOut? TryVariant(Func<TOut> variant)
    {
        try
        {
            return variant();
        }
        catch (Exception)
        {
            return default;
        }
    }
}

/// <summary>A result for an exercise whose check could not run at all (for example a missing function).</summary>
public static class CheckResults
{
    /// <summary>A failure with the given messages.</summary>
    public static CheckResult Failed(string exercise, string title, params string[] messages) =>
        new(exercise, title, CheckStatus.Failed, messages);
}
