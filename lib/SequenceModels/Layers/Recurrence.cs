using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// What every recurrent layer does the same way: where h⟨t⟩ sits in the state buffer, how padded positions are
/// handled, the gate derivatives on spans, and the row arithmetic of wrapped states.
/// </summary>
internal static class Recurrence
{
    // A layer keeps its states in one buffer, n × (Steps+1)·m, of column blocks of m: the initial state and h⟨t⟩ for
    // every step. A forward layer stores [h⟨−1⟩ = initial, h⟨0⟩, …, h⟨T−1⟩]; a reverse layer, which starts from the
    // end, stores [h⟨0⟩, …, h⟨T−1⟩, initial]. Either way the outputs of all steps are one contiguous run of blocks.

    /// <summary>The column block of the state buffer holding h⟨t⟩, for t in 0..Steps−1.</summary>
    public static int StateBlock(int t, bool reverse) => reverse ? t : t + 1;

    /// <summary>The block of the state step t starts from: h⟨t−1⟩ forward, h⟨t+1⟩ in reverse (or the initial state).</summary>
    public static int PreviousBlock(int t, bool reverse) => reverse ? t + 1 : t;

    /// <summary>The block of the initial state.</summary>
    public static int InitialBlock(int steps, bool reverse) => reverse ? steps : 0;

    /// <summary>The block of h⟨0⟩, where the run of output blocks starts.</summary>
    public static int FirstOutputBlock(bool reverse) => reverse ? 0 : 1;

    /// <summary>The block of the final state: the last step processed, through which padding carried each state.</summary>
    public static int FinalBlock(int steps, bool reverse) => StateBlock(reverse ? 0 : steps - 1, reverse);

    /// <summary>The step the i-th iteration processes: t = i forward, t = Steps − 1 − i in reverse.</summary>
    public static int StepAt(int i, int steps, bool reverse) => reverse ? steps - 1 - i : i;

    /// <summary>At padded positions of step t the state is copied from the previous step (h⟨t⟩ = h⟨t−1⟩).</summary>
    public static void CarryThroughPadding<T>(SequenceBatch<T> x, int t, ReadOnlySpan<T> prev, Span<T> h, int n)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (int b = 0; b < x.BatchSize; b++)
            if (!x.IsReal(t, b)) prev.Slice(b * n, n).CopyTo(h.Slice(b * n, n));
    }

    /// <summary>dh += dOutput at the real positions of step t (the output is a constant zero at padded ones).</summary>
    public static void AddRealColumns<T>(SequenceBatch<T> x, int t, ReadOnlySpan<T> dOutput, Span<T> dh, int n)
        where T : struct, IFloatingPointIeee754<T>
    {
        int real = 0;
        while (real < x.BatchSize && x.IsReal(t, real)) real++;
        if (real == x.BatchSize)
        {
            TensorPrimitives.Add(dh, dOutput, dh);
            return;
        }
        for (int b = 0; b < x.BatchSize; b++)
            if (x.IsReal(t, b))
                TensorPrimitives.Add(dh.Slice(b * n, n), dOutput.Slice(b * n, n), dh.Slice(b * n, n));
    }

    /// <summary>
    /// At padded positions of step t: no gradient reaches the pre-activation (dz = 0) and dh passes back unchanged.
    /// Real positions of dh are cleared, ready to receive Whhᵀ·dz. Returns whether any position was padded.
    /// </summary>
    public static void MaskPaddedGradient<T>(SequenceBatch<T> x, int t, Span<T> dz, Span<T> dh, int n, out bool anyPadded)
        where T : struct, IFloatingPointIeee754<T>
    {
        anyPadded = false;
        for (int b = 0; b < x.BatchSize; b++)
        {
            if (x.IsReal(t, b))
            {
                if (anyPadded) dh.Slice(b * n, n).Clear();
                continue;
            }
            if (!anyPadded)
            {
                anyPadded = true;
                dh.Slice(0, b * n).Clear(); // earlier columns were real
            }
            dz.Slice(b * n, n).Clear();
        }
    }

    /// <summary>dz ⊙= σ′ written with the gate's output y = σ(z): σ′ = y(1 − y). scratch holds y.Length numbers.</summary>
    public static void TimesSigmoidDerivative<T>(ReadOnlySpan<T> y, Span<T> dz, Span<T> scratch)
        where T : struct, IFloatingPointIeee754<T>
    {
        var s = scratch[..y.Length];
        TensorPrimitives.Subtract(T.One, y, s);
        TensorPrimitives.Multiply(s, y, s);
        TensorPrimitives.Multiply(dz, s, dz);
    }

    /// <summary>dz ⊙= tanh′ written with the output y = tanh(z): tanh′ = 1 − y². scratch holds y.Length numbers.</summary>
    public static void TimesTanhDerivative<T>(ReadOnlySpan<T> y, Span<T> dz, Span<T> scratch)
        where T : struct, IFloatingPointIeee754<T>
    {
        var s = scratch[..y.Length];
        TensorPrimitives.Multiply(y, y, s);
        TensorPrimitives.Subtract(T.One, s, s);
        TensorPrimitives.Multiply(dz, s, dz);
    }

    /// <summary>
    /// A buffer of exactly <paramref name="length"/> numbers: <paramref name="buffer"/> itself when it already has that
    /// length (a layer called again on the same shapes reuses its buffers), a new array otherwise.
    /// </summary>
    public static T[] Reuse<T>(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length != length) buffer = new T[length];
        return buffer;
    }

    /// <summary>A rows × columns matrix copied from a column-major span.</summary>
    public static Matrix<T> ToMatrix<T>(ReadOnlySpan<T> data, int rows, int columns)
        where T : struct, IFloatingPointIeee754<T>
    {
        var m = Matrix<T>.Build.Dense(rows, columns);
        data[..(rows * columns)].CopyTo(Tensor.Data(m));
        return m;
    }

    /// <summary>
    /// Rows [first, first + count) of every column of a buffer with <paramref name="stride"/> rows per column: one
    /// gate out of a stacked gate buffer, as a count × columns matrix.
    /// </summary>
    public static Matrix<T> RowBlock<T>(ReadOnlySpan<T> data, int stride, int first, int count, int columns)
        where T : struct, IFloatingPointIeee754<T>
    {
        var m = Matrix<T>.Build.Dense(count, columns);
        var d = Tensor.Data(m);
        for (int j = 0; j < columns; j++) data.Slice(j * stride + first, count).CopyTo(d.AsSpan(j * count, count));
        return m;
    }

    /// <summary>
    /// Checks and splits a wrapper's state (rows concatenated, first part first) into one state per part. A null
    /// state, or a null C, gives null parts (zeros).
    /// </summary>
    public static RecurrentState<T>?[] SplitState<T>(RecurrentState<T>? state, IReadOnlyList<IRecurrentLayer<T>> parts,
        int batchSize, string argument) where T : struct, IFloatingPointIeee754<T>
    {
        var result = new RecurrentState<T>?[parts.Count];
        if (state is not { } s) return result;
        int rows = parts.Sum(p => p.StateSize);
        Shape.Require(s.H, rows, batchSize, argument + ".H");
        if (s.C is not null) Shape.Require(s.C, rows, batchSize, argument + ".C");
        int first = 0;
        for (int l = 0; l < parts.Count; l++)
        {
            int n = parts[l].StateSize;
            var c = s.C is not null && parts[l].HasCell ? s.C.SubMatrix(first, n, 0, batchSize) : null;
            result[l] = new RecurrentState<T>(s.H.SubMatrix(first, n, 0, batchSize), c);
            first += n;
        }
        return result;
    }

    /// <summary>The parts' states concatenated along the rows (first part first); C only when the parts have one.</summary>
    public static RecurrentState<T> ConcatState<T>(IReadOnlyList<RecurrentState<T>> states, bool hasCell)
        where T : struct, IFloatingPointIeee754<T>
    {
        var h = StackRows(states.Select(s => s.H).ToList());
        var c = hasCell ? StackRows(states.Select(s => s.C ?? Matrix<T>.Build.Dense(s.H.RowCount, s.H.ColumnCount)).ToList()) : null;
        return new RecurrentState<T>(h, c);
    }

    /// <summary>Matrices with the same number of columns, one on top of the other.</summary>
    public static Matrix<T> StackRows<T>(IReadOnlyList<Matrix<T>> parts) where T : struct, IFloatingPointIeee754<T>
    {
        int rows = parts.Sum(p => p.RowCount), columns = parts[0].ColumnCount;
        var result = Matrix<T>.Build.Dense(rows, columns);
        int first = 0;
        foreach (var p in parts)
        {
            result.SetSubMatrix(first, 0, p);
            first += p.RowCount;
        }
        return result;
    }
}
