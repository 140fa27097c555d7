using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// A lookup table of word vectors: token id w becomes column w of <see cref="W"/>, the same vector a one-hot
/// o_w would select (W·o_w), without the product. The table is n_e × vocabulary, so each word's vector is one
/// contiguous column of the column-major storage: the lookup is a copy and the gradient a column add.
/// <para>
/// The padding id (<see cref="PaddingIndex"/>) maps to a zero vector and never receives a gradient, and so do the
/// padded positions of a batch whatever id they hold: padding a batch differently changes nothing downstream.
/// </para>
/// </summary>
public sealed class Embedding<T> : IHasParameters<T> where T : struct, IFloatingPointIeee754<T>
{
    private TokenBatch? _tokens; // what Forward keeps for Backward

    /// <summary>A table with entries drawn from a normal distribution (mean 0, std 1), padding column zero.</summary>
    /// <param name="vocabularySize">The number of ids, 0..vocabularySize−1.</param>
    /// <param name="embeddingSize">n_e, the length of each word vector.</param>
    /// <param name="rng">The seeded generator for the initial vectors.</param>
    /// <param name="paddingIndex">The id whose vector is always zero (usually PAD = 0); null for none.</param>
    public Embedding(int vocabularySize, int embeddingSize, Random rng, int? paddingIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabularySize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingSize);
        if (paddingIndex is int pad && (pad < 0 || pad >= vocabularySize))
            throw new ArgumentOutOfRangeException(nameof(paddingIndex), pad, $"The padding id must be in 0..{vocabularySize - 1}.");
        W = new Parameter<T>("W", Init.Normal<T>(embeddingSize, vocabularySize, 1.0, rng));
        PaddingIndex = paddingIndex;
        if (paddingIndex is int p) Tensor.Columns(W.Value, p, 1).Clear();
        Parameters = [W];
    }

    /// <summary>The table, n_e × vocabulary: column w is the vector of id w.</summary>
    public Parameter<T> W { get; }

    /// <summary>The id whose vector is zero and gets no gradient, or null.</summary>
    public int? PaddingIndex { get; }

    /// <summary>n_e.</summary>
    public int EmbeddingSize => W.Value.RowCount;

    /// <summary>The number of ids.</summary>
    public int VocabularySize => W.Value.ColumnCount;

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>
    /// Looks up every token: the result is n_e × (Steps·BatchSize), column t·m + b holding the vector of token
    /// (t, b), with the tokens' lengths. Padded positions and the padding id give zero columns.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A real position holds an id outside the vocabulary.</exception>
    public SequenceBatch<T> Forward(TokenBatch tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        int ne = EmbeddingSize, m = tokens.BatchSize;
        var output = Matrix<T>.Build.Dense(ne, tokens.Steps * m);
        var y = Tensor.Data(output);
        var w = Tensor.Data(W.Value);
        for (int t = 0; t < tokens.Steps; t++)
            for (int b = 0; b < m; b++)
            {
                int id = RealId(tokens, t, b);
                if (id >= 0) w.AsSpan(id * ne, ne).CopyTo(y.AsSpan((t * m + b) * ne, ne));
            }
        _tokens = tokens;
        return new SequenceBatch<T>(output, tokens.Steps, m, tokens.Lengths);
    }

    /// <summary>
    /// Adds the gradient of the last Forward into <c>W.Grad</c>: column w receives the sum of dOutput's columns at
    /// the real positions holding id w (a scatter-add, n_e numbers per token). The gradient stays a dense matrix,
    /// as a one-hot product would give, but only the columns of ids in the batch are touched.
    /// </summary>
    /// <param name="dOutput">dL/dOutput, n_e × (Steps·BatchSize); padded positions are ignored.</param>
    public void Backward(SequenceBatch<T> dOutput)
    {
        var tokens = _tokens ?? throw new InvalidOperationException("Backward needs a Forward first.");
        ArgumentNullException.ThrowIfNull(dOutput);
        int ne = EmbeddingSize, m = tokens.BatchSize;
        Shape.Require(dOutput.Data, ne, tokens.Steps * m, nameof(dOutput));
        var dy = Tensor.Data(dOutput.Data);
        var dw = Tensor.Data(W.Grad);
        for (int t = 0; t < tokens.Steps; t++)
            for (int b = 0; b < m; b++)
            {
                int id = RealId(tokens, t, b);
                if (id < 0) continue;
                var column = dw.AsSpan(id * ne, ne);
                TensorPrimitives.Add(column, dy.AsSpan((t * m + b) * ne, ne), column);
            }
    }

    /// <summary>The id at (t, b), or −1 where nothing is looked up (padding, or the padding id).</summary>
    private int RealId(TokenBatch tokens, int t, int b)
    {
        if (!tokens.IsReal(t, b)) return -1;
        int id = tokens[t, b];
        if ((uint)id >= (uint)VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(tokens), id,
                $"Token id {id} at step {t} of sequence {b} is outside the vocabulary (0..{VocabularySize - 1}).");
        return id == PaddingIndex ? -1 : id;
    }
}
