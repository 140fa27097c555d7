using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace SequenceModels.Exercises;

/// <summary>
/// Recognises that a student's function failed because an <em>earlier</em> exercise it calls is not finished.
/// </summary>
/// <remarks>
/// <para>
/// Every exercise cell starts as <c>throw new NotImplementedException("Exercise 1.2: RnnCellForward")</c>: the
/// marker names the exercise and the function. A later exercise may call that function (Exercise 1.3's
/// <c>RnnForward</c> calls the student's <c>RnnCellForward</c>), so when the check of Exercise 1.3 catches a
/// <see cref="NotImplementedException"/> whose marker names Exercise 1.2, the fault is not in Exercise 1.3, and
/// the check must say so: "Your RnnForward calls your RnnCellForward (Exercise 1.2), which is not finished."
/// </para>
/// <para>
/// <see cref="ExerciseCheck{TOut}.Run"/> asks <see cref="Unfinished(Exception, string)"/> whenever a student's function throws a
/// <see cref="NotImplementedException"/>, so every checker built on it gets this diagnosis; a checker that calls a
/// student's function itself (outside <see cref="ExerciseCheck{TOut}"/>) calls <see cref="Unfinished(Exception, string)"/> the same way.
/// The exercise then stays "not done" (it cannot be graded yet), with this message instead of the usual one.
/// </para>
/// </remarks>
public static partial class EarlierExercise
{
    /// <summary>
    /// The diagnosis when <paramref name="exception"/> (or an exception it wraps) is the unfinished marker of an
    /// exercise other than the one being checked; null when it is that exercise's own marker or no marker at all.
    /// </summary>
    /// <param name="exception">What the student's function threw.</param>
    /// <param name="exercise">
    /// The exercise being checked, as its number ("1.3") or its title ("Exercise 1.3 — the RNN forward over a sequence").
    /// </param>
    /// <returns>
    /// For example "Your RnnForward calls your RnnCellForward (Exercise 1.2), which is not finished. Finish Exercise 1.2
    /// first (or call the library's version in its place, as the exercise says), then run this check again." The
    /// caller's name comes from the stack trace; when it cannot be found the message says "Your function".
    /// </returns>
    public static string? Unfinished(Exception exception, string exercise) => Unfinished(exception, exercise, null);

    /// <summary>As <see cref="Unfinished(Exception, string)"/>, with the student's function named by the checker.</summary>
    /// <param name="exception">What the student's function threw.</param>
    /// <param name="exercise">The exercise being checked, as its number or its title.</param>
    /// <param name="caller">The name of the student's function under check; null to read it from the stack trace.</param>
    public static string? Unfinished(Exception exception, string exercise, string? caller)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(exercise);
        var marker = Innermost(exception);
        if (marker is null || !TryParse(marker.Message, out var number, out var function)) return null;
        var current = NumberIn(exercise);
        if (current is null || current == number) return null;
        caller ??= CallerOf(marker, function);
        return $"Your {caller ?? "function"} calls your {function} (Exercise {number}), which is not finished. " +
               $"Finish Exercise {number} first (or call the library's version in its place, as the exercise says), " +
               "then run this check again.";
    }

    /// <summary>
    /// Reads an exercise cell's marker, "Exercise N.k: FunctionName" (the message of its NotImplementedException).
    /// </summary>
    /// <param name="message">The exception's message.</param>
    /// <param name="number">The exercise number, "N.k" (for example "1.2").</param>
    /// <param name="function">The function the exercise asks for.</param>
    /// <returns>True when the message is a marker.</returns>
    public static bool TryParse(string message, out string number, out string function)
    {
        var match = MarkerPattern().Match(message ?? "");
        number = match.Success ? match.Groups[1].Value : "";
        function = match.Success ? match.Groups[2].Value : "";
        return match.Success;
    }

    private static NotImplementedException? Innermost(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
            if (e is NotImplementedException n) return n;
        return null;
    }

    private static string? NumberIn(string exercise)
    {
        var match = NumberPattern().Match(exercise);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>
    /// The student's function below the one that threw, from the stack trace: the first frame outside the library
    /// and the runtime whose method is a named function other than <paramref name="thrower"/>.
    /// </summary>
    private static string? CallerOf(Exception exception, string thrower)
    {
        var library = typeof(EarlierExercise).Assembly;
        foreach (var frame in new StackTrace(exception, false).GetFrames())
        {
            var method = frame.GetMethod();
            if (method?.DeclaringType?.Assembly is not { } assembly || assembly == library || IsFramework(assembly)) continue;
            var name = FunctionName(method);
            if (name is not null && name != thrower) return name;
        }
        return null;
    }

    private static bool IsFramework(Assembly assembly)
    {
        var name = assembly.GetName().Name ?? "";
        return name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft", StringComparison.Ordinal)
            || name.StartsWith("xunit", StringComparison.Ordinal) || name == "mscorlib" || name == "netstandard";
    }

    /// <summary>A method's name as the student wrote it: a local function "&lt;M&gt;g__Name|0_0" is "Name"; lambdas have none.</summary>
    private static string? FunctionName(MethodBase method)
    {
        var local = LocalFunctionPattern().Match(method.Name);
        if (local.Success) return local.Groups[1].Value;
        return method.Name.Contains('<') || method.Name.Contains('$') ? null : method.Name;
    }

    [GeneratedRegex(@"^\s*Exercise\s+(\d+\.\d+)\s*:\s*([\p{L}_][\p{L}\p{Nd}_]*)")]
    private static partial Regex MarkerPattern();

    [GeneratedRegex(@"^\s*(?:Exercise\s+)?(\d+\.\d+)\b")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"g__([\p{L}_][\p{L}\p{Nd}_]*)\|")]
    private static partial Regex LocalFunctionPattern();
}
