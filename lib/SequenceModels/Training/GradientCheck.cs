using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// Gradient checking by central finite differences: for each parameter entry θ, the numerical derivative
/// (L(θ+ε) − L(θ−ε)) / 2ε is compared with the analytic one that backpropagation put in Grad. Run it in double
/// precision; a correct backward pass gives relative errors around 1e-9 to 1e-7.
/// <para>
/// The central difference errs by about ε²·L‴/6 (truncation) plus 1e-16·|L|/ε (rounding), which meet near 1e-11 at
/// ε = 1e-5: enough for gradients of order 1, too coarse for the small ones deep inside gated or stacked layers,
/// whose relative error then reaches 1e-6. <c>order: 4</c> uses the five-point stencil
/// (L(θ−2ε) − 8L(θ−ε) + 8L(θ+ε) − L(θ+2ε)) / 12ε, whose truncation error is O(ε⁴), with
/// <see cref="FourthOrderEpsilon"/>: about 1e-13, at twice the cost. Keep steps away from kinks (ReLU at 0).
/// </para>
/// </summary>
public static class GradientCheck
{
    /// <summary>The default step ε.</summary>
    public const double DefaultEpsilon = 1e-5;

    /// <summary>The step for <c>order: 4</c>, where rounding and O(ε⁴) truncation errors meet.</summary>
    public const double FourthOrderEpsilon = 1e-3;

    /// <summary>
    /// Checks <paramref name="parameters"/>. <paramref name="loss"/> runs the forward pass and returns the loss;
    /// <paramref name="backward"/> runs the backward pass of the forward pass just made, adding into each Grad.
    /// </summary>
    /// <param name="parameters">What to check (a model's Parameters, or some of them).</param>
    /// <param name="loss">Forward pass to a scalar loss; must be deterministic.</param>
    /// <param name="backward">Backward pass after <paramref name="loss"/>.</param>
    /// <param name="epsilon">The finite-difference step.</param>
    /// <param name="maxEntries">Check at most this many entries per parameter (spread evenly); null checks all.</param>
    /// <param name="order">2 for the central difference, 4 for the five-point stencil (see the class remarks).</param>
    public static GradientCheckReport Run(IEnumerable<Parameter<double>> parameters, Func<double> loss, Action backward,
        double epsilon = DefaultEpsilon, int? maxEntries = null, int order = 2)
    {
        CheckOrder(order);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(backward);
        var list = parameters.ToList();
        foreach (var p in list) p.ZeroGrad();
        loss();
        backward();
        var analytic = list.Select(p => p.Grad.Clone()).ToList();

        var results = new List<ParameterCheck>();
        for (int k = 0; k < list.Count; k++)
        {
            var data = Tensor.Data(list[k].Value);
            var grad = Tensor.Data(analytic[k]);
            int stride = maxEntries is int max && max < data.Length ? (int)Math.Ceiling(data.Length / (double)max) : 1;
            double worst = 0, worstAnalytic = 0, worstNumeric = 0;
            int worstIndex = -1, checkedCount = 0;
            for (int i = 0; i < data.Length; i += stride)
            {
                double numeric = NumericalDerivative(data, i, loss, epsilon, order);
                double error = RelativeError(grad[i], numeric);
                checkedCount++;
                if (error > worst || worstIndex < 0)
                    (worst, worstIndex, worstAnalytic, worstNumeric) = (error, i, grad[i], numeric);
            }
            int rows = list[k].Value.RowCount;
            results.Add(new ParameterCheck(list[k].Name, checkedCount, worst,
                worstIndex < 0 ? (0, 0) : (worstIndex % rows, worstIndex / rows), worstAnalytic, worstNumeric));
        }
        return new GradientCheckReport(results);
    }

    /// <summary>
    /// Checks the gradient of an input (for example a layer's dX) the same way: <paramref name="analytic"/> is the
    /// gradient backpropagation returned for <paramref name="input"/>.
    /// </summary>
    public static ParameterCheck Input(string name, Matrix<double> input, Matrix<double> analytic, Func<double> loss,
        double epsilon = DefaultEpsilon, int order = 2)
    {
        CheckOrder(order);
        Shape.RequireSame(analytic, input, nameof(analytic));
        var data = Tensor.Data(input);
        var grad = Tensor.Data(analytic);
        double worst = 0, wa = 0, wn = 0;
        int wi = 0;
        for (int i = 0; i < data.Length; i++)
        {
            double numeric = NumericalDerivative(data, i, loss, epsilon, order);
            double error = RelativeError(grad[i], numeric);
            if (error > worst) (worst, wi, wa, wn) = (error, i, grad[i], numeric);
        }
        return new ParameterCheck(name, data.Length, worst, (wi % input.RowCount, wi / input.RowCount), wa, wn);
    }

    /// <summary>
    /// |a − n| / max(|a| + |n|, 1e-8): relative where the gradient is sizeable, absolute (scaled by 1e8) where both
    /// are essentially zero, so exact zeros compare as equal and tiny rounding noise does not count as an error.
    /// </summary>
    public static double RelativeError(double analytic, double numeric) =>
        Math.Abs(analytic - numeric) / Math.Max(Math.Abs(analytic) + Math.Abs(numeric), 1e-8);

    private static double NumericalDerivative(double[] data, int i, Func<double> loss, double epsilon, int order)
    {
        double saved = data[i];
        double At(double step)
        {
            data[i] = saved + step;
            return loss();
        }
        double central = (At(epsilon) - At(-epsilon)) / (2 * epsilon);
        // Five-point stencil = (4·D(ε) − D(2ε)) / 3 with D the central difference: Richardson extrapolation.
        double result = order == 2 ? central : (4 * central - (At(2 * epsilon) - At(-2 * epsilon)) / (4 * epsilon)) / 3;
        data[i] = saved;
        return result;
    }

    private static void CheckOrder(int order)
    {
        if (order is not (2 or 4)) throw new ArgumentOutOfRangeException(nameof(order), order, "The order must be 2 or 4.");
    }
}

/// <summary>The result of checking one parameter.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Checked">How many entries were compared.</param>
/// <param name="MaxRelativeError">The worst relative error (see <see cref="GradientCheck.RelativeError"/>).</param>
/// <param name="WorstEntry">(row, column) of the worst entry.</param>
/// <param name="Analytic">Backpropagation's value at the worst entry.</param>
/// <param name="Numeric">The finite-difference value at the worst entry.</param>
public sealed record ParameterCheck(string Name, int Checked, double MaxRelativeError, (int Row, int Column) WorstEntry,
    double Analytic, double Numeric)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Name,-12} {Checked,6} entries  max rel. error {MaxRelativeError:E2}  at {WorstEntry}: analytic {Analytic:G6}, numeric {Numeric:G6}";
}

/// <summary>Per-parameter results of a gradient check.</summary>
public sealed record GradientCheckReport(IReadOnlyList<ParameterCheck> Parameters)
{
    /// <summary>The worst relative error over every parameter.</summary>
    public double MaxRelativeError => Parameters.Count == 0 ? 0 : Parameters.Max(p => p.MaxRelativeError);

    /// <summary>True when every parameter's error is at most <paramref name="tolerance"/>.</summary>
    public bool Passed(double tolerance = 1e-7) => MaxRelativeError <= tolerance;

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine, Parameters);
}
