using SequenceModels.Text;

namespace SequenceModels.Tests.Text;

public class EntityErrorsTests
{
    private static string[] Tags(string text) => text.Split(' ');

    [Fact]
    public void Each_gold_entity_falls_in_one_class_and_extra_predictions_are_spurious()
    {
        string[][] gold =
        [
            Tags("B-per I-per O B-geo O B-org I-org O B-tim O"),
            Tags("B-gpe O O O"),
        ];
        string[][] predicted =
        [
            Tags("B-per I-per O B-org O B-org O O O O"), // per right; geo as org (type); org cut short (boundary); tim missed
            Tags("B-per I-per O B-geo"),                  // gpe overlapped by a longer per (both); geo spurious
        ];
        var errors = EntityErrors.Compute(gold, predicted);
        Assert.Equal(new EntityErrors(Gold: 5, Predicted: 5, Correct: 1, WrongType: 1, WrongBoundary: 1, WrongBoth: 1, Missed: 1, Spurious: 1), errors);
        Assert.Equal(errors.Gold, errors.Correct + errors.WrongType + errors.WrongBoundary + errors.WrongBoth + errors.Missed);
        Assert.Equal(EntityScores.Compute(gold, predicted).Overall.Correct, errors.Correct);
    }
}
