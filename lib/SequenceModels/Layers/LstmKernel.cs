using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SequenceModels;

/// <summary>
/// The elementwise part of one LSTM step for one sequence, fused into a single pass over the n_h units: every gate,
/// the cell and the output (forward), or every gate's gradient (backward), vector by vector, without intermediate
/// arrays. <see cref="Lstm{T}"/> calls it for each column of a step after the step's matrix product; the readable
/// form of the same equations is <see cref="LstmCell"/>, and the tests check the two against each other.
/// </summary>
internal static class LstmKernel
{
    /// <summary>
    /// z holds the four pre-activations (three gates and the candidate) without their biases (rows [f; i; c̃; o], 4n numbers) and is
    /// overwritten with the gate values; then c = f ⊙ cPrev + i ⊙ c̃, h = o ⊙ tanh(c), and tanh(c) goes to
    /// <paramref name="tanhC"/> unless it is empty (prediction keeps nothing for a backward pass).
    /// </summary>
    public static void Forward<T>(Span<T> z, ReadOnlySpan<T> bias, ReadOnlySpan<T> cPrev, Span<T> c, Span<T> tanhC, Span<T> h)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            Forward(MemoryMarshal.Cast<T, float>(z), MemoryMarshal.Cast<T, float>(bias), MemoryMarshal.Cast<T, float>(cPrev),
                MemoryMarshal.Cast<T, float>(c), MemoryMarshal.Cast<T, float>(tanhC), MemoryMarshal.Cast<T, float>(h), c.Length);
        else if (typeof(T) == typeof(double))
            Forward(MemoryMarshal.Cast<T, double>(z), MemoryMarshal.Cast<T, double>(bias), MemoryMarshal.Cast<T, double>(cPrev),
                MemoryMarshal.Cast<T, double>(c), MemoryMarshal.Cast<T, double>(tanhC), MemoryMarshal.Cast<T, double>(h), c.Length);
        else ForwardScalar(z, bias, cPrev, c, tanhC, h);
    }

    private static void Forward<T>(Span<T> z, ReadOnlySpan<T> bias, ReadOnlySpan<T> cPrev, Span<T> c, Span<T> tanhC, Span<T> h, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Lanes.Wide) Forward<T, Vector512<T>, Lanes512<T>>(z, bias, cPrev, c, tanhC, h, n);
        else Forward<T, Vector256<T>, Lanes256<T>>(z, bias, cPrev, c, tanhC, h, n);
    }

    /// <summary>
    /// The gradients of one column of a step: dh = <paramref name="dh"/> + <paramref name="dOutput"/> (what later
    /// steps and the output send back), <paramref name="dc"/> the cell's gradient from later steps (replaced by
    /// dL/dc⟨t−1⟩ = dc ⊙ f); writes dL/dz of the four pre-activations to <paramref name="dz"/> and adds it to
    /// <paramref name="dBias"/>.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> tanhC, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> dh,
        ReadOnlySpan<T> dOutput, Span<T> dc, Span<T> dz, Span<T> dBias) where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            Backward(MemoryMarshal.Cast<T, float>(gates), MemoryMarshal.Cast<T, float>(tanhC), MemoryMarshal.Cast<T, float>(cPrev),
                MemoryMarshal.Cast<T, float>(dh), MemoryMarshal.Cast<T, float>(dOutput), MemoryMarshal.Cast<T, float>(dc),
                MemoryMarshal.Cast<T, float>(dz), MemoryMarshal.Cast<T, float>(dBias), dc.Length);
        else if (typeof(T) == typeof(double))
            Backward(MemoryMarshal.Cast<T, double>(gates), MemoryMarshal.Cast<T, double>(tanhC), MemoryMarshal.Cast<T, double>(cPrev),
                MemoryMarshal.Cast<T, double>(dh), MemoryMarshal.Cast<T, double>(dOutput), MemoryMarshal.Cast<T, double>(dc),
                MemoryMarshal.Cast<T, double>(dz), MemoryMarshal.Cast<T, double>(dBias), dc.Length);
        else BackwardScalar(gates, tanhC, cPrev, dh, dOutput, dc, dz, dBias);
    }

    private static void Backward<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> tanhC, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> dh,
        ReadOnlySpan<T> dOutput, Span<T> dc, Span<T> dz, Span<T> dBias, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (Lanes.Wide) Backward<T, Vector512<T>, Lanes512<T>>(gates, tanhC, cPrev, dh, dOutput, dc, dz, dBias, n);
        else Backward<T, Vector256<T>, Lanes256<T>>(gates, tanhC, cPrev, dh, dOutput, dc, dz, dBias, n);
    }

    // Four short loops, each light on registers: the gates σ(z + b) of f and i (contiguous), tanh of c̃, σ of o, then
    // the cell and the output. The units past the last whole vector take the scalar forms of the same functions
    // (the same bits as a vector lane), so results do not depend on the vector width.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward<T, TVector, TLanes>(Span<T> z, ReadOnlySpan<T> bias, ReadOnlySpan<T> cPrev, Span<T> c,
        Span<T> tanhC, Span<T> h, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where TVector : struct where TLanes : struct, ILanes<TVector, T>
    {
        Activate<T, TVector, TLanes>(z[..(2 * n)], bias[..(2 * n)], tanh: false);
        Activate<T, TVector, TLanes>(z.Slice(2 * n, n), bias.Slice(2 * n, n), tanh: true);
        Activate<T, TVector, TLanes>(z.Slice(3 * n, n), bias.Slice(3 * n, n), tanh: false);
        ref T zr = ref MemoryMarshal.GetReference(z);
        ref T cp = ref MemoryMarshal.GetReference(cPrev);
        ref T cn = ref MemoryMarshal.GetReference(c);
        ref T hn = ref MemoryMarshal.GetReference(h);
        bool keep = !tanhC.IsEmpty;
        ref T tc = ref keep ? ref MemoryMarshal.GetReference(tanhC) : ref cn;
        nuint n1 = (nuint)n, n2 = 2 * n1, n3 = 3 * n1;
        int r = 0;
        for (; r <= n - TLanes.Count; r += TLanes.Count)
        {
            nuint at = (nuint)r;
            // c⟨t⟩ = f ⊙ c⟨t−1⟩ + i ⊙ c̃;  h⟨t⟩ = o ⊙ tanh(c⟨t⟩)
            var cv = TLanes.MultiplyAdd(TLanes.Load(ref zr, at), TLanes.Load(ref cp, at),
                TLanes.Multiply(TLanes.Load(ref zr, n1 + at), TLanes.Load(ref zr, n2 + at)));
            var t = Lanes.Tanh<TVector, T, TLanes>(cv);
            TLanes.Store(cv, ref cn, at);
            if (keep) TLanes.Store(t, ref tc, at);
            TLanes.Store(TLanes.Multiply(TLanes.Load(ref zr, n3 + at), t), ref hn, at);
        }
        for (; r < n; r++)
        {
            c[r] = T.FusedMultiplyAdd(z[r], cPrev[r], z[n + r] * z[2 * n + r]);
            T t = Lanes.Tanh(c[r]);
            if (keep) tanhC[r] = t;
            h[r] = z[3 * n + r] * t;
        }
    }

    // y = σ(z + b) or tanh(z + b), in place.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Activate<T, TVector, TLanes>(Span<T> z, ReadOnlySpan<T> bias, bool tanh)
        where T : unmanaged, IFloatingPointIeee754<T> where TVector : struct where TLanes : struct, ILanes<TVector, T>
    {
        ref T zr = ref MemoryMarshal.GetReference(z);
        ref T br = ref MemoryMarshal.GetReference(bias);
        int r = 0;
        if (tanh)
            for (; r <= z.Length - TLanes.Count; r += TLanes.Count)
                TLanes.Store(Lanes.Tanh<TVector, T, TLanes>(TLanes.Add(TLanes.Load(ref zr, (nuint)r), TLanes.Load(ref br, (nuint)r))), ref zr, (nuint)r);
        else
            for (; r <= z.Length - TLanes.Count; r += TLanes.Count)
                TLanes.Store(Lanes.Sigmoid<TVector, T, TLanes>(TLanes.Add(TLanes.Load(ref zr, (nuint)r), TLanes.Load(ref br, (nuint)r))), ref zr, (nuint)r);
        for (; r < z.Length; r++) z[r] = tanh ? Lanes.Tanh(z[r] + bias[r]) : Lanes.Sigmoid(z[r] + bias[r]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Backward<T, TVector, TLanes>(ReadOnlySpan<T> gates, ReadOnlySpan<T> tanhC, ReadOnlySpan<T> cPrev,
        ReadOnlySpan<T> dh, ReadOnlySpan<T> dOutput, Span<T> dc, Span<T> dz, Span<T> dBias, int n)
        where T : unmanaged, IFloatingPointIeee754<T> where TVector : struct where TLanes : struct, ILanes<TVector, T>
    {
        int w = TLanes.Count, whole = n / w * w;
        ref T gr = ref MemoryMarshal.GetReference(gates);
        ref T tc = ref MemoryMarshal.GetReference(tanhC);
        ref T cp = ref MemoryMarshal.GetReference(cPrev);
        ref T dhr = ref MemoryMarshal.GetReference(dh);
        ref T dor = ref MemoryMarshal.GetReference(dOutput);
        ref T dcr = ref MemoryMarshal.GetReference(dc);
        ref T dzr = ref MemoryMarshal.GetReference(dz);
        ref T dbr = ref MemoryMarshal.GetReference(dBias);
        for (int r = 0; r < whole; r += w)
            BackwardVector<T, TVector, TLanes>(ref gr, n, ref tc, ref cp, ref dhr, ref dor, ref dcr, ref dzr, ref dbr, (nuint)r);
        BackwardScalar(gates, tanhC, cPrev, dh, dOutput, dc, dz, dBias, whole);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardVector<T, TVector, TLanes>(ref T gates, int n, ref T tanhC, ref T cPrev, ref T dh, ref T dOutput,
        ref T dc, ref T dz, ref T dBias, nuint r)
        where T : unmanaged, IFloatingPointIeee754<T> where TVector : struct where TLanes : struct, ILanes<TVector, T>
    {
        nuint n1 = (nuint)n, n2 = 2 * n1, n3 = 3 * n1;
        var one = TLanes.Create(T.One);
        var f = TLanes.Load(ref gates, r);
        var i = TLanes.Load(ref gates, n1 + r);
        var g = TLanes.Load(ref gates, n2 + r);
        var o = TLanes.Load(ref gates, n3 + r);
        var tc = TLanes.Load(ref tanhC, r);
        var dhv = TLanes.Add(TLanes.Load(ref dh, r), TLanes.Load(ref dOutput, r));
        // h = o ⊙ tanh(c):  do = dh ⊙ tanh(c);  dc += dh ⊙ o ⊙ (1 − tanh²(c))
        var dO = TLanes.Multiply(dhv, tc);
        var dcv = TLanes.MultiplyAdd(TLanes.Multiply(dhv, o), TLanes.Subtract(one, TLanes.Multiply(tc, tc)), TLanes.Load(ref dc, r));
        // c = f ⊙ c⟨t−1⟩ + i ⊙ c̃:  df = dc ⊙ c⟨t−1⟩;  di = dc ⊙ c̃;  dc̃ = dc ⊙ i;  dc⟨t−1⟩ = dc ⊙ f
        var dF = TLanes.Multiply(dcv, TLanes.Load(ref cPrev, r));
        var dI = TLanes.Multiply(dcv, g);
        var dG = TLanes.Multiply(dcv, i);
        TLanes.Store(TLanes.Multiply(dcv, f), ref dc, r);
        // Through the nonlinearities: σ′ = σ(1 − σ) for f, i and o; tanh′ = 1 − c̃² for c̃.
        var dzf = TLanes.Multiply(dF, TLanes.Multiply(f, TLanes.Subtract(one, f)));
        var dzi = TLanes.Multiply(dI, TLanes.Multiply(i, TLanes.Subtract(one, i)));
        var dzg = TLanes.Multiply(dG, TLanes.Subtract(one, TLanes.Multiply(g, g)));
        var dzo = TLanes.Multiply(dO, TLanes.Multiply(o, TLanes.Subtract(one, o)));
        TLanes.Store(dzf, ref dz, r);
        TLanes.Store(dzi, ref dz, n1 + r);
        TLanes.Store(dzg, ref dz, n2 + r);
        TLanes.Store(dzo, ref dz, n3 + r);
        TLanes.Store(TLanes.Add(TLanes.Load(ref dBias, r), dzf), ref dBias, r);
        TLanes.Store(TLanes.Add(TLanes.Load(ref dBias, n1 + r), dzi), ref dBias, n1 + r);
        TLanes.Store(TLanes.Add(TLanes.Load(ref dBias, n2 + r), dzg), ref dBias, n2 + r);
        TLanes.Store(TLanes.Add(TLanes.Load(ref dBias, n3 + r), dzo), ref dBias, n3 + r);
    }

    // Types without vector support (not float or double): the same equations one unit at a time.
    private static void ForwardScalar<T>(Span<T> z, ReadOnlySpan<T> bias, ReadOnlySpan<T> cPrev, Span<T> c, Span<T> tanhC, Span<T> h)
        where T : struct, IFloatingPointIeee754<T>
    {
        int n = c.Length;
        for (int r = 0; r < n; r++)
        {
            T f = Lanes.Sigmoid(z[r] + bias[r]), i = Lanes.Sigmoid(z[n + r] + bias[n + r]);
            T g = Lanes.Tanh(z[2 * n + r] + bias[2 * n + r]), o = Lanes.Sigmoid(z[3 * n + r] + bias[3 * n + r]);
            (z[r], z[n + r], z[2 * n + r], z[3 * n + r]) = (f, i, g, o);
            c[r] = T.FusedMultiplyAdd(f, cPrev[r], i * g);
            T tc = Lanes.Tanh(c[r]);
            if (!tanhC.IsEmpty) tanhC[r] = tc;
            h[r] = o * tc;
        }
    }

    // Units [from, n) one at a time, by the same operations as a vector lane of BackwardVector.
    private static void BackwardScalar<T>(ReadOnlySpan<T> gates, ReadOnlySpan<T> tanhC, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> dh,
        ReadOnlySpan<T> dOutput, Span<T> dc, Span<T> dz, Span<T> dBias, int from = 0) where T : struct, IFloatingPointIeee754<T>
    {
        int n = dc.Length;
        for (int r = from; r < n; r++)
        {
            T f = gates[r], i = gates[n + r], g = gates[2 * n + r], o = gates[3 * n + r], tc = tanhC[r];
            T dhv = dh[r] + dOutput[r];
            T dO = dhv * tc;
            T dcv = T.FusedMultiplyAdd(dhv * o, T.One - tc * tc, dc[r]);
            T dF = dcv * cPrev[r], dI = dcv * g, dG = dcv * i;
            dc[r] = dcv * f;
            dz[r] = dF * (f * (T.One - f));
            dz[n + r] = dI * (i * (T.One - i));
            dz[2 * n + r] = dG * (T.One - g * g);
            dz[3 * n + r] = dO * (o * (T.One - o));
            for (int k = 0; k < 4; k++) dBias[k * n + r] += dz[k * n + r];
        }
    }
}
