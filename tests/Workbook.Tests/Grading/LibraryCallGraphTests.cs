using System.Reflection;
using SequenceModels;
using SequenceModels.Taggers;
using Workbook.Grading;
using Workbook.Notebooks;

namespace Workbook.Tests.Grading;

/// <summary>The library's calls as the grader reads them from its IL (the built library the notebooks load).</summary>
public sealed class LibraryCallGraphTests
{
    private static readonly LibraryCallGraph Graph =
        LibraryCallGraph.Read(Path.Combine(CourseWorkbook.Load(Fixtures.RepoRoot)!.LibraryFolder, "SequenceModels.dll"));

    private static IEnumerable<int> Members(Type type, string member) => Graph.Members(type.Namespace, type.Name, member);

    private static bool Reaches(Type fromType, string from, Type toType, string to)
    {
        var reaching = Graph.Reaching(Members(toType, to));
        return Members(fromType, from).Any(reaching.ContainsKey);
    }

    [Fact]
    public void Direct_calls_calls_through_interfaces_and_calls_inside_lambdas_are_followed()
    {
        Assert.True(Reaches(typeof(Viterbi), nameof(Viterbi.Decode), typeof(Viterbi), nameof(Viterbi.ForwardPass)));                      // a direct call
        Assert.True(Reaches(typeof(StackedRecurrent<>), "Forward", typeof(Gru<>), "Forward"));                                            // IRecurrentLayer<T>.Forward
        Assert.True(Reaches(typeof(CharLanguageModelTraining), nameof(CharLanguageModelTraining.TrainOnExamples),
            typeof(Sampling), nameof(Sampling.SampleWithTemperature)));                                                                    // inside a LINQ lambda
        Assert.True(Reaches(typeof(LinearChainCrf), nameof(LinearChainCrf.Marginals), typeof(LinearChainCrf), nameof(LinearChainCrf.Forward)));
    }

    [Fact]
    public void Methods_that_do_not_run_a_member_do_not_reach_it()
    {
        Assert.False(Reaches(typeof(Viterbi), nameof(Viterbi.Initialize), typeof(Viterbi), nameof(Viterbi.ForwardPass)));
        Assert.False(Reaches(typeof(Lstm<>), ".ctor", typeof(Lstm<>), "Forward"));   // making a layer is not running it
        Assert.False(Reaches(typeof(LinearChainCrf), nameof(LinearChainCrf.Backward), typeof(LinearChainCrf), nameof(LinearChainCrf.Forward)));
        Assert.False(Reaches(typeof(OneHot), nameof(OneHot.Encode), typeof(Lstm<>), "Forward"));
    }

    [Fact]
    public void Members_are_every_overload_and_a_propertys_accessors_named_after_their_type()
    {
        var encode = typeof(OneHot).GetMethods(BindingFlags.Public | BindingFlags.Static).Count(m => m.Name == nameof(OneHot.Encode));
        Assert.Equal(encode, Members(typeof(OneHot), nameof(OneHot.Encode)).Count());
        Assert.All(Members(typeof(OneHot), nameof(OneHot.Encode)), t => Assert.Equal("OneHot.Encode", Graph.NameOf(t)));
        Assert.Equal(["Crf.get_A"], Members(typeof(Crf<>), "A").Select(Graph.NameOf));
        Assert.Empty(Members(typeof(OneHot), "NoSuchMember"));
    }
}
