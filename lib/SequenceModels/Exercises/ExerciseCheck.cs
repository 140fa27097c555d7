namespace SequenceModels.Exercises;

/// <summary>
/// Checks a student's function against the library's reference implementation, case by case, and diagnoses the
/// first disagreement. Cases run in the order they are added; checkers add them in the order a teacher would look:
/// shapes first, then each term isolated (every input zero but one), then a general case with all inputs random.
/// A function that still throws <see cref="NotImplementedException"/> is "not done".
/// </summary>
/// <typeparam name="TOut">What the function returns.</typeparam>
/// <param name="exercise">The exercise id ("01.one-hot").</param>
/// <param name="title">The title the notebook shows.</param>
/// <param name="compare">Compares expected and actual; returns null when they agree, else what differs.</param>
public sealed class ExerciseCheck<TOut>(string exercise, string title, Func<TOut, TOut, string?> compare)
{
    private readonly List<(string Name, string Hint, Func<TOut> Student, Func<TOut> Reference)> _cases = [];
    private readonly List<(string Description, Func<TOut> Variant)> _mistakes = [];

    /// <summary>Adds a case: what it tests (<paramref name="name"/>) and what to look at if it fails (<paramref name="hint"/>).</summary>
    public ExerciseCheck<TOut> Case(string name, string hint, Func<TOut> student, Func<TOut> reference)
    {
        _cases.Add((name, hint, student, reference));
        return this;
    }

    /// <summary>
    /// Adds a typical mistake, computed on the last case's inputs: when the student's wrong answer matches it, the
    /// diagnosis says so ("it looks like tanh was not applied").
    /// </summary>
    public ExerciseCheck<TOut> Mistake(string description, Func<TOut> variant)
    {
        _mistakes.Add((description, variant));
        return this;
    }

    /// <summary>Runs the cases in order and returns the verdict of the first that disagrees, or a pass.</summary>
    public CheckResult Run()
    {
        TOut? lastStudent = default;
        for (int i = 0; i < _cases.Count; i++)
        {
            var (name, hint, student, reference) = _cases[i];
            var expected = reference();
            TOut actual;
            try
            {
                actual = student();
            }
            catch (NotImplementedException)
            {
                return new CheckResult(exercise, title, CheckStatus.NotDone,
                    ["Not done yet: replace the line `throw new NotImplementedException(...)` with your code, then run this check again."]);
            }
            catch (Exception e)
            {
                return new CheckResult(exercise, title, CheckStatus.Failed,
                    [$"Case \"{name}\": your function threw {e.GetType().Name}: {e.Message}", hint]);
            }
            var difference = compare(expected, actual);
            if (difference is null)
            {
                lastStudent = actual;
                continue;
            }
            var messages = new List<string> { $"Case \"{name}\": {difference}", hint };
            if (i == _cases.Count - 1 || _mistakes.Count > 0)
                foreach (var (description, variant) in _mistakes)
                    if (TryVariant(variant) is { } v && compare(v, actual) is null)
                        messages.Add($"It looks like {description}.");
            return new CheckResult(exercise, title, CheckStatus.Failed, messages);
        }
        _ = lastStudent;
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
