using static SequenceModels.Tests.Prose.NotebookText;
using Xunit.Sdk;

namespace SequenceModels.Tests.Prose;

/// <summary>The comparison the prose tests rest on: a quoted figure against the computation.</summary>
public class NotebookTextTests
{
    [Theory]
    [InlineData("0.046", 0.045599)]
    [InlineData("0.20", 0.19687)]
    [InlineData("95", 95.44)]
    [InlineData(@"9 \cdot 10^{-8}", 8.74e-8)]
    [InlineData("10^{-6}", 9.54e-7)]
    public void A_quoted_figure_accepts_what_rounds_to_it(string quoted, double actual) => RoundsTo(quoted, actual);

    [Theory]
    [InlineData("0.046", 0.0454)]
    [InlineData("0.20", 0.21)]
    [InlineData(@"9 \cdot 10^{-8}", 7.4e-8)]
    [InlineData("10^{-8}", 2.2e-8 * 10)]
    [InlineData("10^{-6}", 9.54e-6)]
    public void A_quoted_figure_refuses_what_does_not(string quoted, double actual) =>
        Assert.ThrowsAny<XunitException>(() => RoundsTo(quoted, actual));

    [Fact]
    public void A_pattern_the_prose_no_longer_matches_fails_naming_it()
    {
        var e = Assert.ThrowsAny<XunitException>(() => Quote("a forget gate of 0.85 is fine", @"0\.85\^\{19\} \\approx (?<q>[\d.]+)"));
        Assert.Contains(@"0\.85\^\{19\}", e.Message);
    }
}
