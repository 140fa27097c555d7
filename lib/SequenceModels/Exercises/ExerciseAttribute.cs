using System.Reflection;

namespace SequenceModels.Exercises;

/// <summary>Marks a checker method of <see cref="Check"/> with the exercise it grades.</summary>
/// <param name="id">"NN.name": NN is the notebook's number (for example "01.one-hot").</param>
/// <param name="title">The title the notebook gives the exercise.</param>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ExerciseAttribute(string id, string title) : Attribute
{
    /// <summary>The exercise id.</summary>
    public string Id { get; } = id;

    /// <summary>The exercise title.</summary>
    public string Title { get; } = title;

    /// <summary>The notebook number, the part of the id before the dot ("01").</summary>
    public string Notebook => Id.Split('.')[0];
}

/// <summary>Every exercise of the workbook, read from the checkers, in notebook order.</summary>
public static class ExerciseCatalogue
{
    private static readonly Lazy<IReadOnlyList<ExerciseAttribute>> Exercises = new(() =>
        typeof(Check).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<ExerciseAttribute>())
            .OfType<ExerciseAttribute>()
            .OrderBy(e => e.Notebook, StringComparer.Ordinal)
            .ThenBy(e => e.Title, StringComparer.Ordinal)
            .ToList());

    /// <summary>All exercises.</summary>
    public static IReadOnlyList<ExerciseAttribute> All => Exercises.Value;

    /// <summary>The exercises of the notebook whose file name starts with <paramref name="notebookNumber"/> ("01").</summary>
    public static IReadOnlyList<ExerciseAttribute> ForNotebook(string notebookNumber) =>
        All.Where(e => e.Notebook == notebookNumber).ToList();
}

/// <summary>
/// Names a member of the library that computes what an exercise asks for (its reference implementation, or a layer
/// that does the same). The grader gives no points to an exercise cell that calls one of them, directly or through
/// reflection; the notebook's own cells use them freely.
/// </summary>
/// <param name="type">The library type.</param>
/// <param name="members">Its members that compute the answer (all overloads of each name).</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ReferenceAttribute(Type type, params string[] members) : Attribute
{
    /// <summary>The library type.</summary>
    public Type Type { get; } = type;

    /// <summary>The members, by name.</summary>
    public IReadOnlyList<string> Members { get; } = members;
}
