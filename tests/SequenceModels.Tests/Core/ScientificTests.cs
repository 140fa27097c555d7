using SequenceModels;

namespace SequenceModels.Tests.Core;

public class ScientificTests
{
    [Theory]
    [InlineData(2.2147e-8, 1, "2.2 × 10⁻⁸")]
    [InlineData(0.000311, 1, "3.1 × 10⁻⁴")]
    [InlineData(-1.5e14, 2, "-1.50 × 10¹⁴")]
    [InlineData(9.96e-6, 1, "1.0 × 10⁻⁵")]
    [InlineData(3.7, 1, "3.7")]
    [InlineData(12.0, 0, "1 × 10¹")]
    [InlineData(0.0, 1, "0")]
    public void Writes_a_mantissa_and_a_superscript_power_of_ten(double value, int digits, string expected) =>
        Assert.Equal(expected, Scientific.Format(value, digits));

    [Fact]
    public void Non_finite_numbers_are_written_as_they_are() =>
        Assert.Equal("NaN", Scientific.Format(double.NaN));
}
