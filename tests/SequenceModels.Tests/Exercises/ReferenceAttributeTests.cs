using System.Reflection;
using SequenceModels.Exercises;

namespace SequenceModels.Tests.Exercises;

public class ReferenceAttributeTests
{
    private static IEnumerable<(ExerciseAttribute Exercise, ReferenceAttribute[] References)> Checkers() =>
        typeof(Check).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.GetCustomAttribute<ExerciseAttribute>() is not null)
            .Select(m => (m.GetCustomAttribute<ExerciseAttribute>()!, m.GetCustomAttributes<ReferenceAttribute>().ToArray()));

    // Exercises whose answer no library member computes: 2.3 asks for a gradient check *with* GradientCheck.Run.
    private static readonly string[] WithoutReference = ["02.gradient-check"];

    [Fact]
    public void Every_exercise_names_the_library_members_that_compute_its_answer()
    {
        var missing = Checkers().Where(c => c.References.Length == 0 && !WithoutReference.Contains(c.Exercise.Id)).Select(c => c.Exercise.Id).ToList();
        Assert.True(missing.Count == 0, "no [Reference] on " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_named_reference_member_exists_in_the_library()
    {
        foreach (var (exercise, references) in Checkers())
            foreach (var reference in references)
            {
                Assert.Equal("SequenceModels", reference.Type.Assembly.GetName().Name);
                foreach (var member in reference.Members)
                    Assert.True(reference.Type.GetMember(member, BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance).Length > 0,
                        $"{exercise.Id}: {reference.Type.Name}.{member} does not exist");
            }
    }
}
