using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// A fully connected (affine) layer, <c>y = W·x + b</c>, applied to every column at once: on a sequence batch's
/// data it maps every step of every sequence with one matrix product (the lecture's <c>W_hy·h⟨t⟩ + b_y</c> for all
/// t). Follow it with <see cref="LogSoftmax"/> for classification, or use it as is (linear) for regression.
/// </summary>
public sealed class Dense<T> : IHasParameters<T> where T : struct, IFloatingPointIeee754<T>
{
    private Matrix<T>? _x; // what Forward keeps for Backward

    /// <summary>A layer with Glorot-initialised W and zero b.</summary>
    /// <param name="inputSize">n_in (n_h when it reads a recurrent layer's output).</param>
    /// <param name="outputSize">n_out (n_y).</param>
    /// <param name="rng">The seeded generator for the initial weights.</param>
    public Dense(int inputSize, int outputSize, Random rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        W = new Parameter<T>("W", Init.Glorot<T>(outputSize, inputSize, rng));
        B = new Parameter<T>("b", Init.Zeros<T>(outputSize, 1));
        Parameters = [W, B];
    }

    /// <summary>Weights, n_out × n_in.</summary>
    public Parameter<T> W { get; }

    /// <summary>Bias, n_out × 1.</summary>
    public Parameter<T> B { get; }

    /// <summary>n_in.</summary>
    public int InputSize => W.Value.ColumnCount;

    /// <summary>n_out.</summary>
    public int OutputSize => W.Value.RowCount;

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>y = W·x + b for every column: x is n_in × N, y is n_out × N (any N).</summary>
    public Matrix<T> Forward(Matrix<T> x)
    {
        Tensor.RequireDense(x, nameof(x));
        Shape.RequireRows(x, InputSize, nameof(x));
        var y = Matrix<T>.Build.Dense(OutputSize, x.ColumnCount);
        Gemm.Multiply(false, false, OutputSize, x.ColumnCount, InputSize, T.One, Tensor.Data(W.Value), OutputSize,
            Tensor.Data(x), InputSize, T.Zero, Tensor.Data(y), OutputSize);
        Tensor.AddColumnInPlace(y, B.Value);
        _x = x;
        return y;
    }

    /// <summary>
    /// Every step of a batch at once: x is n_in × (Steps·BatchSize), the result n_out × (Steps·BatchSize) with the
    /// same lengths. Padded columns are mapped like the others (a zero input gives b); masked losses ignore them.
    /// </summary>
    public SequenceBatch<T> Forward(SequenceBatch<T> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.With(Forward(x.Data));
    }

    /// <summary>
    /// For the last Forward: adds dW = dY·Xᵀ and db = Σ_columns dY into the gradients and returns dX = Wᵀ·dY.
    /// dY is n_out × N, dX is n_in × N.
    /// </summary>
    public Matrix<T> Backward(Matrix<T> dY)
    {
        var x = _x ?? throw new InvalidOperationException("Backward needs a Forward first.");
        Tensor.RequireDense(dY, nameof(dY));
        Shape.Require(dY, OutputSize, x.ColumnCount, nameof(dY));
        int nOut = OutputSize, nIn = InputSize, n = x.ColumnCount;
        var dy = Tensor.Data(dY);
        Gemm.Multiply(false, true, nOut, nIn, n, T.One, dy, nOut, Tensor.Data(x), nIn, T.One, Tensor.Data(W.Grad), nOut);
        Tensor.AccumulateRowSums<T>(dy, nOut, n, Tensor.Data(B.Grad));
        var dx = Matrix<T>.Build.Dense(nIn, n);
        Gemm.Multiply(true, false, nIn, n, nOut, T.One, Tensor.Data(W.Value), nOut, dy, nOut, T.Zero, Tensor.Data(dx), nIn);
        return dx;
    }

    /// <summary>Backward for a batch: dY is n_out × (Steps·BatchSize); returns dX, n_in × (Steps·BatchSize).</summary>
    public SequenceBatch<T> Backward(SequenceBatch<T> dY)
    {
        ArgumentNullException.ThrowIfNull(dY);
        return dY.With(Backward(dY.Data));
    }
}
