using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// A maxout layer (Goodfellow et al., 2013): k affine pieces <c>z_j = W_j·x + b_j</c> and the elementwise maximum
/// <c>y = max_j z_j</c>, a learned convex piecewise-linear activation (ReLU is the case k = 2 with one piece fixed
/// at zero). The pieces are stacked in one matrix, rows [j·n_out, (j+1)·n_out) for piece j, so one product gives
/// all of them. The gradient flows only through the piece that won (ties go to the first).
/// </summary>
public sealed class Maxout<T> : IHasParameters<T> where T : struct, IFloatingPointIeee754<T>
{
    // What Forward keeps for Backward: the input and, per output entry, the winning piece.
    private Matrix<T>? _x;
    private int[]? _winner;

    /// <summary>A layer whose pieces are uniform in ±√(6 / (n_in + n_out)) (Glorot's limit), biases zero.</summary>
    /// <param name="inputSize">n_in.</param>
    /// <param name="outputSize">n_out.</param>
    /// <param name="pieces">k, at least 2.</param>
    /// <param name="rng">The seeded generator for the initial weights.</param>
    public Maxout(int inputSize, int outputSize, int pieces, Random rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(pieces, 2);
        W = new Parameter<T>("W", Init.Uniform<T>(pieces * outputSize, inputSize, Math.Sqrt(6.0 / (inputSize + outputSize)), rng));
        B = new Parameter<T>("b", Init.Zeros<T>(pieces * outputSize, 1));
        Pieces = pieces;
        Parameters = [W, B];
    }

    /// <summary>The pieces' weights stacked, (k·n_out) × n_in: piece j is rows [j·n_out, (j+1)·n_out).</summary>
    public Parameter<T> W { get; }

    /// <summary>The pieces' biases stacked, (k·n_out) × 1.</summary>
    public Parameter<T> B { get; }

    /// <summary>k, the number of pieces.</summary>
    public int Pieces { get; }

    /// <summary>n_in.</summary>
    public int InputSize => W.Value.ColumnCount;

    /// <summary>n_out.</summary>
    public int OutputSize => W.Value.RowCount / Pieces;

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>y = max_j (W_j·x + b_j) for every column: x is n_in × N, y is n_out × N.</summary>
    public Matrix<T> Forward(Matrix<T> x)
    {
        Tensor.RequireDense(x, nameof(x));
        Shape.RequireRows(x, InputSize, nameof(x));
        int rows = W.Value.RowCount, nOut = OutputSize, n = x.ColumnCount;
        var z = Matrix<T>.Build.Dense(rows, n);
        Gemm.Multiply(false, false, rows, n, InputSize, T.One, Tensor.Data(W.Value), rows, Tensor.Data(x), InputSize,
            T.Zero, Tensor.Data(z), rows);
        Tensor.AddColumnInPlace(z, B.Value);

        var zd = Tensor.Data(z);
        var y = Matrix<T>.Build.Dense(nOut, n);
        var yd = Tensor.Data(y);
        var winner = new int[nOut * n];
        for (int col = 0; col < n; col++)
            for (int i = 0; i < nOut; i++)
            {
                int best = 0;
                T max = zd[col * rows + i];
                for (int j = 1; j < Pieces; j++)
                {
                    T zj = zd[col * rows + j * nOut + i];
                    if (zj > max) (max, best) = (zj, j);
                }
                yd[col * nOut + i] = max;
                winner[col * nOut + i] = best;
            }
        _x = x;
        _winner = winner;
        return y;
    }

    /// <summary>
    /// For the last Forward: routes dY to the winning piece of each entry (dZ), adds dW = dZ·Xᵀ and db = Σ dZ into
    /// the gradients and returns dX = Wᵀ·dZ. dY is n_out × N, dX is n_in × N.
    /// </summary>
    public Matrix<T> Backward(Matrix<T> dY)
    {
        var x = _x ?? throw new InvalidOperationException("Backward needs a Forward first.");
        var winner = _winner!;
        Tensor.RequireDense(dY, nameof(dY));
        Shape.Require(dY, OutputSize, x.ColumnCount, nameof(dY));
        int rows = W.Value.RowCount, nOut = OutputSize, nIn = InputSize, n = x.ColumnCount;
        var dy = Tensor.Data(dY);
        var dz = new T[rows * n];
        for (int col = 0; col < n; col++)
            for (int i = 0; i < nOut; i++)
                dz[col * rows + winner[col * nOut + i] * nOut + i] = dy[col * nOut + i];

        Gemm.Multiply(false, true, rows, nIn, n, T.One, dz, rows, Tensor.Data(x), nIn, T.One, Tensor.Data(W.Grad), rows);
        Tensor.AccumulateRowSums<T>(dz, rows, n, Tensor.Data(B.Grad));
        var dx = Matrix<T>.Build.Dense(nIn, n);
        Gemm.Multiply(true, false, nIn, n, rows, T.One, Tensor.Data(W.Value), rows, dz, rows, T.Zero, Tensor.Data(dx), nIn);
        return dx;
    }
}
