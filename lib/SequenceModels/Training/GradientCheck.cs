using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// Gradient checking by central finite differences: for each parameter entry θ, the numerical derivative
/// (L(θ+ε) − L(θ−ε)) / 2ε is compared with the analytic one that backpropagation put in Grad. Run it in double
/// precision; a correct backward pass gives relative errors around 1e-9 to 1e-7.
/// </summary>
public static class GradientCheck
{
    /// <summary>The default step ε.</summary>
    public const double DefaultEpsilon = 1e-5;

    /// <summary>
    /// Checks <paramref name="parameters"/>. <paramref name="loss"/> runs the forward pass and returns the loss;
    /// <paramref name="backward"/> runs the backward pass of the forward pass just made, adding into each Grad.
    /// </summary>
    /// <param name="parameters">What to check (a model's Parameters, or some of them).</param>
    /// <param name="loss">Forward pass to a scalar loss; must be deterministic.</param>
    /// <param name="backward">Backward pass after <paramref name="loss"/>.</param>
    /// <param name="epsilon">The finite-difference step.</param>
    /// <param name="maxEntries">Check at most this many entries per parameter (spread evenly); null checks all.</param>
    public static GradientCheckReport Run(IEnumerable<Parameter<double>> parameters, Func<double> loss, Action backward,
        double epsilon = DefaultEpsilon, int? maxEntries = null)
    {
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
                double numeric = NumericalDerivative(data, i, loss, epsilon);
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
        double epsilon = DefaultEpsilon)
    {
        Shape.RequireSame(analytic, input, nameof(analytic));
        var data = Tensor.Data(input);
        var grad = Tensor.Data(analytic);
        double worst = 0, wa = 0, wn = 0;
        int wi = 0;
        for (int i = 0; i < data.Length; i++)
        {
            double numeric = NumericalDerivative(data, i, loss, epsilon);
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

    private static double NumericalDerivative(double[] data, int i, Func<double> loss, double epsilon)
    {
        double saved = data[i];
        data[i] = saved + epsilon;
        double plus = loss();
        data[i] = saved - epsilon;
        double minus = loss();
        data[i] = saved;
        return (plus - minus) / (2 * epsilon);
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
