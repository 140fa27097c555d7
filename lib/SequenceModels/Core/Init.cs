using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// Weight initialisers. Every one draws from the <see cref="Random"/> it is given, so a seed fixes every number:
/// <c>new Random(42)</c> gives the same weights on every run and machine (System.Random with a seed uses a fixed,
/// documented algorithm).
/// </summary>
public static class Init
{
    /// <summary>All zeros (the usual bias initialisation).</summary>
    public static Matrix<T> Zeros<T>(int rows, int columns) where T : struct, IFloatingPointIeee754<T> =>
        Matrix<T>.Build.Dense(rows, columns);

    /// <summary>Uniform in [−limit, limit).</summary>
    public static Matrix<T> Uniform<T>(int rows, int columns, double limit, Random rng)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(rng);
        var data = new T[rows * columns];
        for (int i = 0; i < data.Length; i++) data[i] = T.CreateChecked((2 * rng.NextDouble() - 1) * limit);
        return Matrix<T>.Build.Dense(rows, columns, data);
    }

    /// <summary>Normal with mean 0 and standard deviation <paramref name="std"/> (Box–Muller).</summary>
    public static Matrix<T> Normal<T>(int rows, int columns, double std, Random rng)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(rng);
        var data = new T[rows * columns];
        for (int i = 0; i < data.Length; i++) data[i] = T.CreateChecked(std * StandardNormal(rng));
        return Matrix<T>.Build.Dense(rows, columns, data);
    }

    /// <summary>
    /// Glorot (Xavier) uniform: limit √(6 / (fan_in + fan_out)), which keeps the variance of activations and
    /// gradients roughly constant from layer to layer (Glorot and Bengio, 2010).
    /// </summary>
    public static Matrix<T> Glorot<T>(int rows, int columns, Random rng) where T : struct, IFloatingPointIeee754<T> =>
        Uniform<T>(rows, columns, Math.Sqrt(6.0 / (rows + columns)), rng);

    /// <summary>
    /// A random orthogonal matrix (rows × columns; orthonormal columns, or rows when wider than tall), times
    /// <paramref name="gain"/>: all singular values equal the gain, so repeated products neither shrink nor grow
    /// (Saxe et al., 2014). Made by QR of a Gaussian matrix with the signs of R's diagonal fixed.
    /// </summary>
    public static Matrix<T> Orthogonal<T>(int rows, int columns, Random rng, double gain = 1.0)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(rng);
        bool wide = columns > rows;
        int tall = Math.Max(rows, columns), narrow = Math.Min(rows, columns);
        var a = Matrix<double>.Build.Dense(tall, narrow, (_, _) => StandardNormal(rng));
        var qr = a.QR(MathNet.Numerics.LinearAlgebra.Factorization.QRMethod.Thin);
        var q = qr.Q.Clone();
        for (int j = 0; j < narrow; j++)
            if (qr.R[j, j] < 0) q.SetColumn(j, q.Column(j).Negate());
        var result = wide ? q.Transpose() : q;
        return Matrix<T>.Build.Dense(rows, columns, (i, j) => T.CreateChecked(gain * result[i, j]));
    }

    /// <summary>
    /// <paramref name="scale"/> times the identity: with ReLU, the IRNN of Le, Jaitly and Hinton (2015) starts by
    /// copying its state forward, so gradients neither vanish nor explode at first.
    /// </summary>
    public static Matrix<T> Identity<T>(int size, double scale = 1.0) where T : struct, IFloatingPointIeee754<T> =>
        Matrix<T>.Build.Dense(size, size, (i, j) => i == j ? T.CreateChecked(scale) : T.Zero);

    /// <summary>One draw from the standard normal distribution (Box–Muller).</summary>
    public static double StandardNormal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(); // in (0, 1], so the log is finite
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
