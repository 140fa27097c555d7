using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Text;

namespace SequenceModels.Taggers;

/// <summary>
/// The Viterbi trellis of a first-order HMM for one sentence: N tags (rows) × T words (columns). Filled by
/// <see cref="Viterbi.Initialize"/> (column 0) and <see cref="Viterbi.ForwardPass"/> (columns 1..T−1); read by
/// <see cref="Viterbi.BackwardPass"/>. The lecture calls the two tables best_probs and best_paths.
/// </summary>
/// <param name="Scores">
/// N × T. <c>Scores[j, t]</c> = δ_t(j): the log-probability of the best tag sequence for words 0..t that ends in
/// tag j (−∞ when no such sequence is possible).
/// </param>
/// <param name="BackPointers">
/// N × T. <c>BackPointers[j, t]</c> = ψ_t(j): the tag at t−1 on that best sequence; −1 in column 0.
/// </param>
public sealed record Trellis(Matrix<double> Scores, int[,] BackPointers)
{
    /// <summary>The number of tags N.</summary>
    public int TagCount => Scores.RowCount;

    /// <summary>The number of words T.</summary>
    public int Steps => Scores.ColumnCount;
}
