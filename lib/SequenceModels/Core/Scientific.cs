using System.Globalization;
using System.Text;

namespace SequenceModels;

/// <summary>
/// Numbers for prose that a notebook writes from its own measurements: "2.2 × 10⁻⁸" rather than "2.2E-008", with
/// superscript exponents that read the same in markdown, HTML and plain text.
/// </summary>
public static class Scientific
{
    /// <summary>
    /// <paramref name="value"/> as m × 10ⁿ with <paramref name="digits"/> decimals in m (1 ≤ |m| &lt; 10), or as a
    /// plain number when n is 0; 0, NaN and ±∞ as themselves. Invariant culture.
    /// </summary>
    /// <param name="value">The number.</param>
    /// <param name="digits">Decimals of the mantissa, 0 to 15.</param>
    public static string Format(double value, int digits = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 15);
        if (value == 0 || !double.IsFinite(value)) return value.ToString(CultureInfo.InvariantCulture);
        int exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        double mantissa = Math.Round(value / Math.Pow(10, exponent), digits);
        if (Math.Abs(mantissa) >= 10)
        {
            exponent++;
            mantissa = Math.Round(value / Math.Pow(10, exponent), digits);
        }
        string m = mantissa.ToString("F" + digits, CultureInfo.InvariantCulture);
        return exponent == 0 ? m : $"{m} × 10{Superscript(exponent)}";
    }

    private static string Superscript(int n)
    {
        const string digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        var sb = new StringBuilder();
        if (n < 0) sb.Append('⁻');
        foreach (char c in Math.Abs(n).ToString(CultureInfo.InvariantCulture)) sb.Append(digits[c - '0']);
        return sb.ToString();
    }
}
