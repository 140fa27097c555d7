using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Exercises;

namespace SequenceModels.Tests.Exercises;

public class Check03Tests
{
    // ---- Exercise 3.1 ----------------------------------------------------------------------------------------------

    private static Matrix<double>[] ClipValue(Matrix<double>[] gs, double limit) =>
        gs.Select(g => g.Map(v => v > limit ? limit : v < -limit ? -limit : v)).ToArray();

    [Fact]
    public void Clip_by_value_passes_a_correct_function() =>
        Assert.Equal(CheckStatus.Passed, Check.ClipByValue(ClipValue).Status);

    [Fact]
    public void Clip_by_value_that_also_works_in_place_passes()
    {
        var result = Check.ClipByValue((gs, limit) =>
        {
            foreach (var g in gs) g.MapInplace(v => Math.Clamp(v, -limit, limit));
            return gs;
        });
        Assert.Equal(CheckStatus.Passed, result.Status);
    }

    [Fact]
    public void Clip_by_value_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.ClipByValue((_, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Clip_by_value_on_one_side_only_is_recognised()
    {
        var result = Check.ClipByValue((gs, limit) => gs.Select(g => g.Map(v => Math.Min(v, limit))).ToArray());
        Assert.StartsWith("Case \"entries below −limit\": the clipped gradients[0] differs at", result.Messages[0]);
        Assert.Contains("It looks like only the upper side is clipped (entries below −limit are left as they are).", result.Messages);
    }

    [Fact]
    public void Clip_by_value_that_loses_the_sign_is_recognised()
    {
        var result = Check.ClipByValue((gs, limit) => gs.Select(g => g.Map(v => Math.Min(Math.Abs(v), limit))).ToArray());
        Assert.StartsWith("Case \"nothing to clip (every |g| < limit)\"", result.Messages[0]);
        Assert.Contains("It looks like the sign was lost (min(|g|, limit)).", result.Messages);
    }

    [Fact]
    public void Clip_by_value_with_a_fixed_limit_of_one_fails_on_the_other_limit()
    {
        var result = Check.ClipByValue((gs, _) => ClipValue(gs, 1.0));
        Assert.StartsWith("Case \"three gradients, limit 0.5\"", result.Messages[0]);
        Assert.Contains("It looks like the limit was ignored (entries clipped to ±1).", result.Messages);
    }

    [Fact]
    public void Clip_by_value_that_rescales_is_recognised()
    {
        var result = Check.ClipByValue((gs, limit) => gs.Select(g => g.FrobeniusNorm() > limit ? g / g.FrobeniusNorm() * limit : g).ToArray());
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("It looks like each matrix was rescaled to norm limit instead of clipped entry by entry.", result.Messages);
    }

    [Fact]
    public void Clip_by_value_returning_one_matrix_fails_on_the_count() =>
        Assert.Equal("Case \"shapes (two gradients, 3 × 2 and 1 × 4)\": the result has 1 matrices, expected 2.",
            Check.ClipByValue((gs, limit) => ClipValue(gs, limit)[..1]).Messages[0]);

    // ---- Exercise 3.2 ----------------------------------------------------------------------------------------------

    private static Matrix<double>[] ClipNorm(Matrix<double>[] gs, double maxNorm, bool global = true, bool checkFinite = true, bool sqrt = true)
    {
        if (checkFinite && gs.Any(g => g.Enumerate().Any(v => !double.IsFinite(v)))) throw new ArithmeticException("not finite");
        double Norm(IEnumerable<Matrix<double>> ms)
        {
            double sum = ms.Sum(m => m.Enumerate().Sum(v => v * v));
            return sqrt ? Math.Sqrt(sum) : sum;
        }
        if (!global) return gs.Select(g => Norm([g]) > maxNorm ? g * (maxNorm / Norm([g])) : g).ToArray();
        double norm = Norm(gs);
        return norm > maxNorm ? gs.Select(g => g * (maxNorm / norm)).ToArray() : gs;
    }

    [Fact]
    public void Clip_by_norm_passes_a_correct_function() =>
        Assert.Equal(CheckStatus.Passed, Check.ClipByGlobalNorm((gs, n) => ClipNorm(gs, n)).Status);

    [Fact]
    public void Clip_by_norm_that_throws_the_library_exception_passes() =>
        Assert.Equal(CheckStatus.Passed, Check.ClipByGlobalNorm((gs, n) =>
        {
            if (gs.Any(g => g.Enumerate().Any(double.IsNaN))) throw new NonFiniteGradientException("g", 0, 0, double.NaN);
            return ClipNorm(gs, n, checkFinite: false);
        }).Status);

    [Fact]
    public void Clip_by_norm_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.ClipByGlobalNorm((_, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Clip_by_norm_per_matrix_is_recognised_on_the_global_case()
    {
        var result = Check.ClipByGlobalNorm((gs, n) => ClipNorm(gs, n, global: false));
        Assert.StartsWith("Case \"three gradients: one global norm\"", result.Messages[0]);
        Assert.Contains("It looks like each matrix was scaled by its own norm instead of the global norm.", result.Messages);
    }

    [Fact]
    public void Clip_by_norm_without_the_square_root_is_recognised()
    {
        var result = Check.ClipByGlobalNorm((gs, n) => ClipNorm(gs, n, sqrt: false));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("It looks like the norm was taken without the square root (Σ g² instead of √(Σ g²)).", result.Messages);
    }

    [Fact]
    public void Clip_by_norm_that_always_rescales_fails_below_the_threshold()
    {
        var result = Check.ClipByGlobalNorm((gs, n) =>
        {
            double norm = Math.Sqrt(gs.Sum(g => g.Enumerate().Sum(v => v * v)));
            return gs.Select(g => g * (n / norm)).ToArray();
        });
        Assert.StartsWith("Case \"a norm below maxNorm\"", result.Messages[0]);
        Assert.Contains("It looks like the gradients were rescaled to maxNorm even though their norm was smaller.", result.Messages);
    }

    [Fact]
    public void Clip_by_norm_that_lets_nan_through_is_told_to_throw()
    {
        var result = Check.ClipByGlobalNorm((gs, n) => ClipNorm(gs, n, checkFinite: false));
        Assert.Equal("Case \"a gradient that holds NaN\": your function returned numbers for a gradient that holds NaN instead of throwing.",
            result.Messages[0]);
        Assert.Contains("NonFiniteGradientException", result.Messages[1]);
    }

    [Fact]
    public void Clip_by_norm_that_throws_another_exception_for_nan_reports_it()
    {
        var result = Check.ClipByGlobalNorm((gs, n) =>
            gs.Any(g => g.Enumerate().Any(double.IsNaN)) ? throw new InvalidOperationException("NaN!") : ClipNorm(gs, n));
        Assert.Equal("Case \"a gradient that holds NaN\": your function threw InvalidOperationException: NaN!", result.Messages[0]);
    }

    // ---- Exercise 3.3 ----------------------------------------------------------------------------------------------

    private static (Matrix<double>, Matrix<double>, Matrix<double>) Irnn(int nx, int nh, Random rng)
    {
        var wxh = Matrix<double>.Build.Dense(nh, nx, (_, _) => 0.001 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return (wxh, Matrix<double>.Build.DenseIdentity(nh), Matrix<double>.Build.Dense(nh, 1));
    }

    [Fact]
    public void Irnn_init_passes_a_correct_function() => Assert.Equal(CheckStatus.Passed, Check.IrnnInit(Irnn).Status);

    [Fact]
    public void Irnn_init_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.IrnnInit((_, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Irnn_init_with_an_all_ones_recurrent_matrix_is_named()
    {
        var result = Check.IrnnInit((nx, nh, rng) => (Irnn(nx, nh, rng).Item1, Matrix<double>.Build.Dense(nh, nh, 1.0), Matrix<double>.Build.Dense(nh, 1)));
        Assert.Equal("Case \"Whh (n_x = 4, n_h = 6)\": Whh is all ones; the identity has ones on the diagonal only.", result.Messages[0]);
    }

    [Fact]
    public void Irnn_init_with_an_orthogonal_recurrent_matrix_is_named()
    {
        var result = Check.IrnnInit((nx, nh, rng) => (Irnn(nx, nh, rng).Item1, Init.Orthogonal<double>(nh, nh, rng), Matrix<double>.Build.Dense(nh, 1)));
        Assert.StartsWith("Case \"Whh (n_x = 4, n_h = 6)\": Whh is orthogonal but not the identity", result.Messages[0]);
    }

    [Fact]
    public void Irnn_init_with_zero_input_weights_explains_why_it_never_starts()
    {
        var result = Check.IrnnInit((nx, nh, _) => (Matrix<double>.Build.Dense(nh, nx), Matrix<double>.Build.DenseIdentity(nh), Matrix<double>.Build.Dense(nh, 1)));
        Assert.StartsWith("Case \"Wxh (n_x = 8, n_h = 32)\": Wxh is all zeros.", result.Messages[0]);
        Assert.Contains("ReLU′(0) = 0", result.Messages[0]);
    }

    [Fact]
    public void Irnn_init_with_glorot_input_weights_reports_the_standard_deviation()
    {
        var result = Check.IrnnInit((nx, nh, rng) => (Init.Glorot<double>(nh, nx, rng), Matrix<double>.Build.DenseIdentity(nh), Matrix<double>.Build.Dense(nh, 1)));
        Assert.StartsWith("Case \"Wxh (n_x = 8, n_h = 32)\": Wxh has standard deviation 0.2", result.Messages[0]);
        Assert.EndsWith("expected about 0.001 (Le et al. 2015).", result.Messages[0]);
    }

    [Fact]
    public void Irnn_init_with_a_bias_fails_on_the_bias()
    {
        var result = Check.IrnnInit((nx, nh, rng) => (Irnn(nx, nh, rng).Item1, Matrix<double>.Build.DenseIdentity(nh), Matrix<double>.Build.Dense(nh, 1, 0.1)));
        Assert.StartsWith("Case \"bh (n_x = 4, n_h = 6)\": bh differs at (0, 0): expected 0, got 0.1", result.Messages[0]);
    }

    [Fact]
    public void Irnn_init_that_ignores_the_generator_is_caught()
    {
        var own = new Random(1);
        var result = Check.IrnnInit((nx, nh, _) => Irnn(nx, nh, own));
        Assert.Equal("Case \"every random number from rng\": two calls with new Random(5) gave different Wxh.", result.Messages[0]);
    }

    [Fact]
    public void Irnn_init_with_a_transposed_input_matrix_fails_on_the_shape()
    {
        var result = Check.IrnnInit((nx, nh, rng) => (Irnn(nx, nh, rng).Item1.Transpose(), Matrix<double>.Build.DenseIdentity(nh), Matrix<double>.Build.Dense(nh, 1)));
        Assert.Equal("Case \"shapes (n_x = 3, n_h = 5)\": Wxh has shape (3 × 5), expected (5 × 3) (transposed?).", result.Messages[0]);
    }

    // ---- Exercise 3.4 ----------------------------------------------------------------------------------------------

    private static Matrix<double>[] Residual(Matrix<double>[] xs, Matrix<double> h0, Matrix<double> wxh, Matrix<double> whh, Matrix<double> bh,
        Func<Matrix<double>, Matrix<double>, Matrix<double>, Matrix<double>> combine)
    {
        var hs = new Matrix<double>[xs.Length];
        var h = h0;
        for (int t = 0; t < xs.Length; t++)
        {
            var z = wxh * xs[t] + whh * h;
            for (int j = 0; j < z.ColumnCount; j++) z.SetColumn(j, z.Column(j) + bh.Column(0));
            hs[t] = h = combine(z, h, xs[t]);
        }
        return hs;
    }

    [Fact]
    public void Residual_rnn_passes_a_correct_loop() =>
        Assert.Equal(CheckStatus.Passed, Check.ResidualRnnForward((xs, h0, w, u, b) => Residual(xs, h0, w, u, b, (z, h, _) => h + z.Map(Math.Tanh))).Status);

    [Fact]
    public void Residual_rnn_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.ResidualRnnForward((_, _, _, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Residual_rnn_without_the_skip_fails_when_the_weights_are_zero()
    {
        var result = Check.ResidualRnnForward((xs, h0, w, u, b) => Residual(xs, h0, w, u, b, (z, _, _) => z.Map(Math.Tanh)));
        Assert.StartsWith("Case \"every weight zero: the skip alone\": h[0] differs at", result.Messages[0]);
        Assert.Contains("It looks like the skip connection is missing (this is the plain RNN).", result.Messages);
    }

    [Fact]
    public void Residual_rnn_with_the_skip_inside_tanh_is_recognised()
    {
        var result = Check.ResidualRnnForward((xs, h0, w, u, b) => Residual(xs, h0, w, u, b, (z, h, _) => (z + h).Map(Math.Tanh)));
        Assert.Contains("It looks like h⟨t−1⟩ was added inside tanh instead of after it.", result.Messages);
    }

    [Fact]
    public void Residual_rnn_that_adds_the_input_fails_on_the_shape_or_is_named()
    {
        var result = Check.ResidualRnnForward((xs, h0, w, u, b) => Residual(xs, h0, w, u, b,
            (z, _, x) => x.RowCount == z.RowCount ? x + z.Map(Math.Tanh) : z.Map(Math.Tanh)));
        Assert.Equal(CheckStatus.Failed, result.Status);
        var square = Check.ResidualRnnForward((xs, h0, w, u, b) => xs[0].RowCount == h0.RowCount
            ? Residual(xs, h0, w, u, b, (z, _, x) => x + z.Map(Math.Tanh))
            : Residual(xs, h0, w, u, b, (z, h, _) => h + z.Map(Math.Tanh)));
        Assert.StartsWith("Case \"n_x = n_h = 4\"", square.Messages[0]);
        Assert.Contains("It looks like the input x⟨t⟩ was added instead of h⟨t−1⟩ (a skip across the layer, not through time).", square.Messages);
    }

    [Fact]
    public void Residual_rnn_that_always_adds_h0_is_recognised()
    {
        var result = Check.ResidualRnnForward((xs, h0, w, u, b) => Residual(xs, h0, w, u, b, (z, _, _) => h0 + z.Map(Math.Tanh)));
        Assert.Contains("It looks like every step adds h0 instead of the previous state.", result.Messages);
    }

    [Fact]
    public void The_catalogue_lists_the_exercises_of_notebook_03_in_order() =>
        Assert.Equal(["03.clip-by-value", "03.clip-by-norm", "03.irnn-init", "03.residual-rnn"], ExerciseCatalogue.ForNotebook("03").Select(e => e.Id));
}
