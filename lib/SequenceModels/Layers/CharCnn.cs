using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// A word's vector from its characters, by a convolution over them and a max over positions (Ma and Hovy 2016;
/// Collobert et al. 2011). For a word of L characters c⟨0⟩ … c⟨L−1⟩ and a window of w = 2h + 1 characters:
/// <code>
/// x⟨p⟩ = [E[:, c⟨p−h⟩]; …; E[:, c⟨p+h⟩]]     the embeddings of the window around character p (zeros past the word)    w·n_c
/// z⟨p⟩ = W·x⟨p⟩ + b                           F filters, each a pattern over w characters                             F
/// o    = tanh(max_p z⟨p⟩)                      each filter's best match anywhere in the word                           F
/// </code>
/// So "Leipzig", "Leipziger" and an unseen "Leipzigs" get similar vectors, a capital letter or a digit pattern
/// is found wherever it stands, and a word the vocabulary never saw still has a representation. All positions of all
/// words form one im2col matrix, so the convolution is one matrix product (<see cref="Gemm"/>). Words longer than
/// <see cref="MaxLength"/> characters are cut to that length.
/// </summary>
public sealed class CharCnn<T> : IHasParameters<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Characters read per word; the rest of a longer word is ignored.</summary>
    public const int MaxLength = 32;

    // What Forward keeps for Backward.
    private int[][]? _words;
    private int[]? _offsets;  // first im2col column of each word
    private T[]? _x;          // im2col: (w·n_c) × P, P the total number of character positions
    private int[]? _argMax;   // F × U: the position (im2col column) of each filter's maximum in each word
    private T[]? _o;          // F × U: the outputs

    /// <summary>A layer with embeddings uniform in ±√(3/n_c), Glorot filters and zero biases.</summary>
    /// <param name="alphabetSize">Character ids 0..alphabetSize−1.</param>
    /// <param name="embeddingSize">n_c, the length of each character vector.</param>
    /// <param name="filters">F, the size of the word vector.</param>
    /// <param name="width">w, the window in characters (odd).</param>
    /// <param name="rng">The seeded generator of the initial weights.</param>
    public CharCnn(int alphabetSize, int embeddingSize, int filters, int width, Random rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alphabetSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filters);
        if (width <= 0 || width % 2 == 0) throw new ArgumentOutOfRangeException(nameof(width), width, "The window must be a positive odd number of characters.");
        ArgumentNullException.ThrowIfNull(rng);
        E = new Parameter<T>("E", Init.Uniform<T>(embeddingSize, alphabetSize, Math.Sqrt(3.0 / embeddingSize), rng));
        W = new Parameter<T>("W", Init.Glorot<T>(filters, width * embeddingSize, rng));
        B = new Parameter<T>("b", Init.Zeros<T>(filters, 1));
        Parameters = [E, W, B];
    }

    /// <summary>Character embeddings, n_c × alphabet.</summary>
    public Parameter<T> E { get; }

    /// <summary>Filters, F × (w·n_c): row f is filter f over the window, character by character.</summary>
    public Parameter<T> W { get; }

    /// <summary>Filter biases, F × 1.</summary>
    public Parameter<T> B { get; }

    /// <summary>n_c.</summary>
    public int EmbeddingSize => E.Value.RowCount;

    /// <summary>The number of character ids.</summary>
    public int AlphabetSize => E.Value.ColumnCount;

    /// <summary>F, the size of each word's vector.</summary>
    public int Filters => W.Value.RowCount;

    /// <summary>w, the window in characters.</summary>
    public int Width => W.Value.ColumnCount / EmbeddingSize;

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>The vectors of <paramref name="words"/>, F × U: column u is o for word u.</summary>
    /// <param name="words">U words, each as its character ids (at least one; ids in 0..alphabet−1).</param>
    public Matrix<T> Forward(IReadOnlyList<int[]> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        int nc = EmbeddingSize, w = Width, h = w / 2, f = Filters, rows = w * nc, u = words.Count;
        var cut = new int[u][];
        var offsets = new int[u + 1];
        for (int i = 0; i < u; i++)
        {
            var word = words[i] ?? throw new ArgumentNullException(nameof(words), $"Word {i} is null.");
            if (word.Length == 0) throw new ArgumentException($"Word {i} has no characters.", nameof(words));
            foreach (int c in word)
                if ((uint)c >= (uint)AlphabetSize)
                    throw new ArgumentOutOfRangeException(nameof(words), c, $"Character id {c} of word {i} is outside the alphabet (0..{AlphabetSize - 1}).");
            cut[i] = word.Length > MaxLength ? word[..MaxLength] : word;
            offsets[i + 1] = offsets[i] + cut[i].Length;
        }
        int positions = offsets[u];
        var x = new T[rows * positions];
        var e = Tensor.Data(E.Value);
        for (int i = 0; i < u; i++)
            for (int p = 0; p < cut[i].Length; p++)
                for (int o = 0; o < w; o++)
                {
                    int q = p - h + o;
                    if (q >= 0 && q < cut[i].Length)
                        e.AsSpan(cut[i][q] * nc, nc).CopyTo(x.AsSpan((offsets[i] + p) * rows + o * nc, nc));
                }
        var z = new T[f * positions];
        if (positions > 0)
            Gemm.Multiply(false, false, f, positions, rows, T.One, Tensor.Data(W.Value), f, x, rows, T.Zero, z, f);
        var bias = Tensor.Data(B.Value);
        var output = Matrix<T>.Build.Dense(f, u);
        var o2 = Tensor.Data(output);
        var argMax = new int[f * u];
        for (int i = 0; i < u; i++)
            for (int r = 0; r < f; r++)
            {
                int best = offsets[i];
                for (int p = offsets[i] + 1; p < offsets[i + 1]; p++)
                    if (z[p * f + r] > z[best * f + r]) best = p;
                argMax[i * f + r] = best;
                o2[i * f + r] = T.Tanh(z[best * f + r] + bias[r]);
            }
        (_words, _offsets, _x, _argMax, _o) = (cut, offsets, x, argMax, o2.ToArray());
        return output;
    }

    /// <summary>
    /// Adds the gradient of the last Forward into E, W and b. dOutput is F × U; only the position where each filter
    /// reached its maximum receives that filter's gradient, (1 − o²)·dOutput.
    /// </summary>
    public void Backward(Matrix<T> dOutput)
    {
        var words = _words ?? throw new InvalidOperationException("Backward needs a Forward first.");
        var (offsets, x, argMax, o) = (_offsets!, _x!, _argMax!, _o!);
        int nc = EmbeddingSize, w = Width, h = w / 2, f = Filters, rows = w * nc, u = words.Length, positions = offsets[u];
        Shape.Require(dOutput, f, u, nameof(dOutput));
        var dO = Tensor.Data(dOutput);
        var dz = new T[f * positions];
        var db = Tensor.Data(B.Grad);
        for (int i = 0; i < u; i++)
            for (int r = 0; r < f; r++)
            {
                T g = dO[i * f + r] * (T.One - o[i * f + r] * o[i * f + r]);
                dz[argMax[i * f + r] * f + r] += g;
                db[r] += g;
            }
        if (positions == 0) return;
        Gemm.Multiply(false, true, f, rows, positions, T.One, dz, f, x, rows, T.One, Tensor.Data(W.Grad), f);
        var dx = new T[rows * positions];
        Gemm.Multiply(true, false, rows, positions, f, T.One, Tensor.Data(W.Value), f, dz, f, T.Zero, dx, rows);
        var de = Tensor.Data(E.Grad);
        for (int i = 0; i < u; i++)
            for (int p = 0; p < words[i].Length; p++)
                for (int k = 0; k < w; k++)
                {
                    int q = p - h + k;
                    if (q < 0 || q >= words[i].Length) continue;
                    var column = de.AsSpan(words[i][q] * nc, nc);
                    System.Numerics.Tensors.TensorPrimitives.Add(column, dx.AsSpan((offsets[i] + p) * rows + k * nc, nc), column);
                }
    }
}
