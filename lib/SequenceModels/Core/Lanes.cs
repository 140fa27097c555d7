using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SequenceModels;

/// <summary>
/// The vector operations of the fused elementwise kernels (LSTM gates, dropout), for one vector width: the kernels
/// are written once over this interface and compiled for <see cref="Vector256{T}"/> and <see cref="Vector512{T}"/>.
/// T is float or double.
/// </summary>
internal interface ILanes<TVector, T> where TVector : struct where T : unmanaged
{
    /// <summary>Numbers per vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Load(ref T source, nuint offset);

    static abstract void Store(TVector value, ref T destination, nuint offset);

    static abstract TVector Create(T value);

    static abstract TVector Add(TVector x, TVector y);

    static abstract TVector Subtract(TVector x, TVector y);

    static abstract TVector Multiply(TVector x, TVector y);

    static abstract TVector Divide(TVector x, TVector y);

    /// <summary>x·y + z, rounded once.</summary>
    static abstract TVector MultiplyAdd(TVector x, TVector y, TVector z);

    static abstract TVector Sqrt(TVector x);

    /// <summary>The sum of the lanes.</summary>
    static abstract T Sum(TVector x);

    /// <summary>eˣ to within two units in the last place: 0 below the smallest normal result (x &lt; −87.3 in float,
    /// −708 in double), and x clamped at 80 in float (700 in double) above, where 1/(1 + eˣ) would leave the normal
    /// numbers.</summary>
    static abstract TVector Exp(TVector x);
}

/// <summary>The vector functions built on <see cref="ILanes{TVector, T}"/>.</summary>
internal static class Lanes
{
    /// <summary>σ(x) = 1 / (1 + e⁻ˣ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Sigmoid<TVector, T, TLanes>(TVector x)
        where TVector : struct where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<TVector, T>
    {
        var one = TLanes.Create(T.One);
        return TLanes.Divide(one, TLanes.Add(one, TLanes.Exp(TLanes.Subtract(TLanes.Create(T.Zero), x))));
    }

    /// <summary>tanh x = 2σ(2x) − 1 = 2 / (1 + e⁻²ˣ) − 1 (absolute error a few units of 1's last place).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Tanh<TVector, T, TLanes>(TVector x)
        where TVector : struct where T : unmanaged, IFloatingPointIeee754<T> where TLanes : struct, ILanes<TVector, T>
    {
        var one = TLanes.Create(T.One);
        var two = TLanes.Create(T.One + T.One);
        var e = TLanes.Exp(TLanes.Multiply(TLanes.Create(-(T.One + T.One)), x));
        return TLanes.Subtract(TLanes.Divide(two, TLanes.Add(one, e)), one);
    }

    /// <summary>The widest vectors the CPU runs natively (512-bit with AVX-512, else 256-bit).</summary>
    public static readonly bool Wide = Vector512.IsHardwareAccelerated;

    // eˣ: x = n·ln 2 + r with |r| ≤ ln2/2 (ln 2 in two parts, Cody and Waite), n = round(x·log₂e) found by adding
    // 1.5·2ᵐ (m the mantissa's bits), which also leaves n in the low bits of the sum, ready to become the exponent
    // of 2ⁿ; eʳ by a polynomial: for float Cephes' expf minimax polynomial (relative error below 2⁻²³), for double
    // Taylor's to r¹³/13! (below 2⁻⁵³ on that range). The scalar forms do the same operations, so a lane of a
    // vector and a single number give the same bits.
    internal const float ExpHi = 80f, ExpLo = -87.3365447505531f;
    internal const float Log2E = 1.44269504088896341f, Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f, Magic = 12582912f;
    internal const float P0 = 1.9875691500E-4f, P1 = 1.3981999507E-3f, P2 = 8.3334519073E-3f, P3 = 4.1665795894E-2f,
        P4 = 1.6666665459E-1f, P5 = 5.0000001201E-1f;
    internal const double ExpHiD = 700, ExpLoD = -708;
    internal const double Log2ED = 1.4426950408889634, Ln2HiD = 6.93147180369123816490e-01, Ln2LoD = 1.90821492927058770002e-10,
        MagicD = 6755399441055744.0;
    internal static readonly double[] Taylor = [1.0 / 6227020800, 1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880,
        1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1, 1];

    /// <summary>eˣ for one float, the same bits as a lane of <see cref="ILanes{TVector, T}.Exp"/>.</summary>
    public static float Exp(float x)
    {
        float v = MathF.Min(MathF.Max(x, ExpLo), ExpHi);
        float t = MathF.FusedMultiplyAdd(v, Log2E, Magic);
        float n = t - Magic;
        float r = MathF.FusedMultiplyAdd(n, -Ln2Hi, v);
        r = MathF.FusedMultiplyAdd(n, -Ln2Lo, r);
        float p = MathF.FusedMultiplyAdd(P0, r, P1);
        p = MathF.FusedMultiplyAdd(p, r, P2);
        p = MathF.FusedMultiplyAdd(p, r, P3);
        p = MathF.FusedMultiplyAdd(p, r, P4);
        p = MathF.FusedMultiplyAdd(p, r, P5);
        p = MathF.FusedMultiplyAdd(p, r * r, r) + 1f;
        return x < ExpLo ? 0f : p * BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(t) << 23) + (127 << 23));
    }

    /// <summary>eˣ for one double, the same bits as a lane of <see cref="ILanes{TVector, T}.Exp"/>.</summary>
    public static double Exp(double x)
    {
        double v = Math.Min(Math.Max(x, ExpLoD), ExpHiD);
        double t = Math.FusedMultiplyAdd(v, Log2ED, MagicD);
        double n = t - MagicD;
        double r = Math.FusedMultiplyAdd(n, -Ln2HiD, v);
        r = Math.FusedMultiplyAdd(n, -Ln2LoD, r);
        double p = Taylor[0];
        for (int k = 1; k < Taylor.Length; k++) p = Math.FusedMultiplyAdd(p, r, Taylor[k]);
        return x < ExpLoD ? 0.0 : p * BitConverter.Int64BitsToDouble((BitConverter.DoubleToInt64Bits(t) << 52) + (1023L << 52));
    }

    /// <summary>σ(x) for one number, as <see cref="Sigmoid{TVector, T, TLanes}"/>.</summary>
    public static T Sigmoid<T>(T x) where T : struct, IFloatingPointIeee754<T> => T.One / (T.One + Exp(-x));

    /// <summary>tanh x for one number, as <see cref="Tanh{TVector, T, TLanes}"/>.</summary>
    public static T Tanh<T>(T x) where T : struct, IFloatingPointIeee754<T> =>
        (T.One + T.One) / (T.One + Exp(-(T.One + T.One) * x)) - T.One;

    /// <summary>eˣ for one number: <see cref="Exp(float)"/>, <see cref="Exp(double)"/>, or T.Exp for other types.</summary>
    public static T Exp<T>(T x) where T : struct, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? T.CreateTruncating(Exp(float.CreateTruncating(x)))
        : typeof(T) == typeof(double) ? T.CreateTruncating(Exp(double.CreateTruncating(x))) : T.Exp(x);
}

/// <summary>256-bit vectors (AVX2).</summary>
internal readonly struct Lanes256<T> : ILanes<Vector256<T>, T> where T : unmanaged
{
    public static int Count => Vector256<T>.Count;

    public static Vector256<T> Load(ref T source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    public static void Store(Vector256<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    public static Vector256<T> Create(T value) => Vector256.Create(value);

    public static Vector256<T> Add(Vector256<T> x, Vector256<T> y) => x + y;

    public static Vector256<T> Subtract(Vector256<T> x, Vector256<T> y) => x - y;

    public static Vector256<T> Multiply(Vector256<T> x, Vector256<T> y) => x * y;

    public static Vector256<T> Divide(Vector256<T> x, Vector256<T> y) => x / y;

    public static Vector256<T> Sqrt(Vector256<T> x) => Vector256.Sqrt(x);

    public static T Sum(Vector256<T> x) => Vector256.Sum(x);

    public static Vector256<T> MultiplyAdd(Vector256<T> x, Vector256<T> y, Vector256<T> z) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp(Vector256<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            var v = Vector256.Min(Vector256.Max(x.AsSingle(), Vector256.Create(Lanes.ExpLo)), Vector256.Create(Lanes.ExpHi));
            var t = Vector256.FusedMultiplyAdd(v, Vector256.Create(Lanes.Log2E), Vector256.Create(Lanes.Magic));
            var n = t - Vector256.Create(Lanes.Magic);
            var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Lanes.Ln2Hi), v);
            r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Lanes.Ln2Lo), r);
            var p = Vector256.FusedMultiplyAdd(Vector256.Create(Lanes.P0), r, Vector256.Create(Lanes.P1));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(Lanes.P2));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(Lanes.P3));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(Lanes.P4));
            p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(Lanes.P5));
            p = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256.Create(1f);
            var scale = (Vector256.ShiftLeft(t.AsInt32(), 23) + Vector256.Create(127 << 23)).AsSingle();
            return Vector256.ConditionalSelect(Vector256.LessThan(x.AsSingle(), Vector256.Create(Lanes.ExpLo)), Vector256<float>.Zero, p * scale).As<float, T>();
        }
        else
        {
            var v = Vector256.Min(Vector256.Max(x.AsDouble(), Vector256.Create(Lanes.ExpLoD)), Vector256.Create(Lanes.ExpHiD));
            var t = Vector256.FusedMultiplyAdd(v, Vector256.Create(Lanes.Log2ED), Vector256.Create(Lanes.MagicD));
            var n = t - Vector256.Create(Lanes.MagicD);
            var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Lanes.Ln2HiD), v);
            r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Lanes.Ln2LoD), r);
            var p = Vector256.Create(Lanes.Taylor[0]);
            for (int k = 1; k < Lanes.Taylor.Length; k++) p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(Lanes.Taylor[k]));
            var scale = (Vector256.ShiftLeft(t.AsInt64(), 52) + Vector256.Create(1023L << 52)).AsDouble();
            return Vector256.ConditionalSelect(Vector256.LessThan(x.AsDouble(), Vector256.Create(Lanes.ExpLoD)), Vector256<double>.Zero, p * scale).As<double, T>();
        }
    }
}

/// <summary>512-bit vectors (AVX-512).</summary>
internal readonly struct Lanes512<T> : ILanes<Vector512<T>, T> where T : unmanaged
{
    public static int Count => Vector512<T>.Count;

    public static Vector512<T> Load(ref T source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    public static void Store(Vector512<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    public static Vector512<T> Create(T value) => Vector512.Create(value);

    public static Vector512<T> Add(Vector512<T> x, Vector512<T> y) => x + y;

    public static Vector512<T> Subtract(Vector512<T> x, Vector512<T> y) => x - y;

    public static Vector512<T> Multiply(Vector512<T> x, Vector512<T> y) => x * y;

    public static Vector512<T> Divide(Vector512<T> x, Vector512<T> y) => x / y;

    public static Vector512<T> Sqrt(Vector512<T> x) => Vector512.Sqrt(x);

    public static T Sum(Vector512<T> x) => Vector512.Sum(x);

    public static Vector512<T> MultiplyAdd(Vector512<T> x, Vector512<T> y, Vector512<T> z) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp(Vector512<T> x)
    {
        if (typeof(T) == typeof(float))
        {
            var v = Vector512.Min(Vector512.Max(x.AsSingle(), Vector512.Create(Lanes.ExpLo)), Vector512.Create(Lanes.ExpHi));
            var t = Vector512.FusedMultiplyAdd(v, Vector512.Create(Lanes.Log2E), Vector512.Create(Lanes.Magic));
            var n = t - Vector512.Create(Lanes.Magic);
            var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Lanes.Ln2Hi), v);
            r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Lanes.Ln2Lo), r);
            var p = Vector512.FusedMultiplyAdd(Vector512.Create(Lanes.P0), r, Vector512.Create(Lanes.P1));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(Lanes.P2));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(Lanes.P3));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(Lanes.P4));
            p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(Lanes.P5));
            p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512.Create(1f);
            var scale = (Vector512.ShiftLeft(t.AsInt32(), 23) + Vector512.Create(127 << 23)).AsSingle();
            return Vector512.ConditionalSelect(Vector512.LessThan(x.AsSingle(), Vector512.Create(Lanes.ExpLo)), Vector512<float>.Zero, p * scale).As<float, T>();
        }
        else
        {
            var v = Vector512.Min(Vector512.Max(x.AsDouble(), Vector512.Create(Lanes.ExpLoD)), Vector512.Create(Lanes.ExpHiD));
            var t = Vector512.FusedMultiplyAdd(v, Vector512.Create(Lanes.Log2ED), Vector512.Create(Lanes.MagicD));
            var n = t - Vector512.Create(Lanes.MagicD);
            var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Lanes.Ln2HiD), v);
            r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Lanes.Ln2LoD), r);
            var p = Vector512.Create(Lanes.Taylor[0]);
            for (int k = 1; k < Lanes.Taylor.Length; k++) p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(Lanes.Taylor[k]));
            var scale = (Vector512.ShiftLeft(t.AsInt64(), 52) + Vector512.Create(1023L << 52)).AsDouble();
            return Vector512.ConditionalSelect(Vector512.LessThan(x.AsDouble(), Vector512.Create(Lanes.ExpLoD)), Vector512<double>.Zero, p * scale).As<double, T>();
        }
    }
}
