using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;
using SequenceModels;

namespace Workbook.Bench;

/// <summary>
/// <c>workbook bench matmul</c>: float32 GFLOP/s of C = A·B for the four shapes of the reference script
/// (MATMUL_SHAPES, (M×K)@(K×N)), timed as its time_fn does: our kernel (Gemm.Multiply on the storage arrays),
/// the same product through MathNet's API (<c>a.Multiply(b, c)</c>, which runs on our kernel once the library is
/// loaded), and MathNet's own managed provider for comparison.
/// </summary>
internal static class MatmulBench
{
    public static readonly (int M, int K, int N)[] Shapes = [(64, 100, 200), (64, 178, 512), (2048, 50, 17), (512, 512, 512)];

    public static void Run(TextWriter output)
    {
        output.WriteLine($"MathNet provider: {LinearAlgebraControl.Provider}");
        var rng = new Random(0);
        var managed = ManagedLinearAlgebraProvider.Instance;
        foreach (var (m, k, n) in Shapes)
        {
            var a = Init.Normal<float>(m, k, 1.0, rng);
            var b = Init.Normal<float>(k, n, 1.0, rng);
            var c = Matrix<float>.Build.Dense(m, n);
            float[] da = Tensor.Data(a), db = Tensor.Data(b), dc = Tensor.Data(c);
            double flops = Gemm.Flops(m, n, k);
            double ours = Timing.SecondsPerCall(() => Gemm.Multiply(false, false, m, n, k, 1f, da, m, db, k, 0f, dc, m));
            double mathNet = Timing.SecondsPerCall(() => a.Multiply(b, c));
            double reference = Timing.SecondsPerCall(() => managed.MatrixMultiply(da, m, k, db, k, n, dc));
            output.WriteLine($"matmul f32 ({m}x{k})@({k}x{n}): {Rate(flops, ours)}   " +
                             $"MathNet a.Multiply(b): {Rate(flops, mathNet)}   MathNet managed: {Rate(flops, reference)}");
        }
    }

    private static string Rate(double flops, double seconds) =>
        FormattableString.Invariant($"{flops / seconds / 1e9:F1} GFLOP/s ({seconds * 1e6:F1} us)");
}
