using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>One-hot vectors: word index k of a vocabulary of size V becomes the V × 1 column with a single 1 in row k.</summary>
public static class OneHot
{
    /// <summary>
    /// The one-hot encoding of a sequence of indices: a V × T matrix whose column t is the one-hot vector of
    /// <paramref name="indices"/>[t] (the lecture's x⟨t⟩ for one example).
    /// </summary>
    /// <param name="indices">Word indices, each in 0..V−1.</param>
    /// <param name="vocabularySize">V.</param>
    public static Matrix<T> Encode<T>(IReadOnlyList<int> indices, int vocabularySize) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabularySize);
        var result = Matrix<T>.Build.Dense(vocabularySize, indices.Count);
        for (int t = 0; t < indices.Count; t++)
        {
            if ((uint)indices[t] >= (uint)vocabularySize)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[t], $"indices[{t}] must be in 0..{vocabularySize - 1}.");
            result[indices[t], t] = T.One;
        }
        return result;
    }

    /// <summary>
    /// A whole batch of id sequences as one-hot inputs: V × (T·m), the column of (t, b) being the one-hot vector of
    /// <c>ids[t, b]</c>, and zero at padded positions.
    /// </summary>
    public static SequenceBatch<T> Encode<T>(TokenBatch ids, int vocabularySize) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabularySize);
        var batch = SequenceBatch<T>.Zeros(vocabularySize, ids.Steps, ids.BatchSize, ids.Lengths);
        var data = Tensor.Data(batch.Data);
        for (int t = 0; t < ids.Steps; t++)
            for (int b = 0; b < ids.BatchSize; b++)
            {
                if (!ids.IsReal(t, b)) continue;
                int id = ids[t, b];
                if ((uint)id >= (uint)vocabularySize)
                    throw new ArgumentOutOfRangeException(nameof(ids), id, $"id at step {t} of sequence {b} must be in 0..{vocabularySize - 1}.");
                data[(t * ids.BatchSize + b) * vocabularySize + id] = T.One;
            }
        return batch;
    }

    /// <summary>The index of the largest entry of each column (the inverse of one-hot encoding; argmax for outputs).</summary>
    public static int[] Decode<T>(Matrix<T> columns) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(columns);
        var result = new int[columns.ColumnCount];
        for (int j = 0; j < columns.ColumnCount; j++)
        {
            int best = 0;
            for (int i = 1; i < columns.RowCount; i++)
                if (columns[i, j] > columns[best, j]) best = i;
            result[j] = best;
        }
        return result;
    }
}
