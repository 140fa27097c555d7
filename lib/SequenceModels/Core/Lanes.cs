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

    /// <summary>eˣ to within a few units in the last place (float: x clamped to [−87.3, 80], where eˣ and 1/(1 + eˣ) stay normal numbers).</summary>
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

    // e^x for float: x = n·ln 2 + r with |r| ≤ ln2/2 (ln 2 in two parts, Cody and Waite), e^r by the minimax
    // polynomial of Cephes' expf (relative error below 2^-23 on that range), then 2^n added to the exponent.
    internal const float ExpHi = 80f, ExpLo = -87.3365447505531f;
    internal const float Log2E = 1.44269504088896341f, Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    internal const float P0 = 1.9875691500E-4f, P1 = 1.3981999507E-3f, P2 = 8.3334519073E-3f, P3 = 4.1665795894E-2f,
        P4 = 1.6666665459E-1f, P5 = 5.0000001201E-1f;
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

    public static Vector256<T> MultiplyAdd(Vector256<T> x, Vector256<T> y, Vector256<T> z) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp(Vector256<T> x)
    {
        if (typeof(T) == typeof(double)) return Vector256.Exp(x.AsDouble()).As<double, T>();
        var v = Vector256.Min(Vector256.Max(x.AsSingle(), Vector256.Create(Lanes.ExpLo)), Vector256.Create(Lanes.ExpHi));
        var n = Vector256.Round(v * Vector256.Create(Lanes.Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Lanes.Ln2Hi), v);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Lanes.Ln2Lo), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(Lanes.P0), r, Vector256.Create(Lanes.P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(Lanes.P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(Lanes.P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(Lanes.P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(Lanes.P5));
        p = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256.Create(1f);
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        return (p * scale).As<float, T>();
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

    public static Vector512<T> MultiplyAdd(Vector512<T> x, Vector512<T> y, Vector512<T> z) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp(Vector512<T> x)
    {
        if (typeof(T) == typeof(double)) return Vector512.Exp(x.AsDouble()).As<double, T>();
        var v = Vector512.Min(Vector512.Max(x.AsSingle(), Vector512.Create(Lanes.ExpLo)), Vector512.Create(Lanes.ExpHi));
        var n = Vector512.Round(v * Vector512.Create(Lanes.Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Lanes.Ln2Hi), v);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Lanes.Ln2Lo), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(Lanes.P0), r, Vector512.Create(Lanes.P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(Lanes.P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(Lanes.P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(Lanes.P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(Lanes.P5));
        p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512.Create(1f);
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
        return (p * scale).As<float, T>();
    }
}
