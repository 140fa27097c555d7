namespace SequenceModels.Taggers;

// Inside the namespace, so MathNet's Vector<T> wins over System.Numerics.Vector<T> from GlobalUsings.cs.
using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Text;

/// <summary>
/// TnT's model of unknown words (Brants 2000, "TnT — a statistical part-of-speech tagger"): the tag of a
/// word never seen in training, guessed from its ending. Trained on rare words (those most like unknown ones), it
/// estimates P(t | last m letters) for every ending up to <see cref="MaxSuffixLength"/> letters, and combines them by
/// successive abstraction, from the shortest ending to the longest one seen in training:
/// P(t | l_{n−m+1} … l_n) = (P̂(t | l_{n−m+1} … l_n) + θ · P(t | l_{n−m+2} … l_n)) / (1 + θ),
/// with P̂ the relative frequency and θ the standard deviation of the tag probabilities P̂(t). TnT keeps separate
/// statistics for capitalised and lowercase words; here every ending is kept per <see cref="WordShape.Shape"/>, and
/// the chain starts at P̂(t) over all rare words, then P(t | shape), then the endings.
/// </summary>
public sealed class SuffixTagModel
{
    // Tag counts per (shape, ending); the key "shape|" (empty ending) holds the shape's own counts.
    readonly Dictionary<string, double[]> counts;
    readonly double[] prior;

    SuffixTagModel(int tagCount, int maxSuffixLength, Dictionary<string, double[]> counts, double[] prior, double theta)
    {
        TagCount = tagCount;
        MaxSuffixLength = maxSuffixLength;
        this.counts = counts;
        this.prior = prior;
        Theta = theta;
    }

    /// <summary>The number of tags N.</summary>
    public int TagCount { get; }

    /// <summary>The longest ending used, in characters (TnT uses 10).</summary>
    public int MaxSuffixLength { get; }

    /// <summary>θ, the weight of the shorter ending's estimate at each step of successive abstraction.</summary>
    public double Theta { get; }

    /// <summary>
    /// Counts the endings of <paramref name="tokens"/> (word and tag index, one entry per occurrence; normally the
    /// occurrences of the rare training words).
    /// </summary>
    public static SuffixTagModel Train(IEnumerable<(string Word, int Tag)> tokens, int tagCount, int maxSuffixLength = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tagCount);
        ArgumentOutOfRangeException.ThrowIfNegative(maxSuffixLength);
        var counts = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var prior = new double[tagCount];
        foreach (var (word, tag) in tokens)
        {
            prior[tag]++;
            string shape = WordShape.Shape(word);
            for (int m = 0; m <= Math.Min(maxSuffixLength, word.Length); m++)
            {
                string key = Key(shape, word, m);
                if (!counts.TryGetValue(key, out var c)) counts[key] = c = new double[tagCount];
                c[tag]++;
            }
        }
        double total = prior.Sum();
        if (total > 0) for (int t = 0; t < tagCount; t++) prior[t] /= total;
        else Array.Fill(prior, 1.0 / tagCount);
        // θ: the sample standard deviation of the tag probabilities, as in TnT.
        double mean = 1.0 / tagCount;
        double theta = tagCount > 1 ? Math.Sqrt(prior.Sum(p => (p - mean) * (p - mean)) / (tagCount - 1)) : 0.0;
        return new SuffixTagModel(tagCount, maxSuffixLength, counts, prior, theta);
    }

    /// <summary>
    /// N: P(t | word's ending) by successive abstraction over the endings seen in training, longest last. Sums to one.
    /// </summary>
    public Vector<double> TagProbabilities(string word)
    {
        ArgumentException.ThrowIfNullOrEmpty(word);
        var p = Vector<double>.Build.DenseOfArray((double[])prior.Clone());
        string shape = WordShape.Shape(word);
        for (int m = 0; m <= Math.Min(MaxSuffixLength, word.Length); m++)
        {
            if (!counts.TryGetValue(Key(shape, word, m), out var c)) break;
            var relative = Vector<double>.Build.DenseOfArray(c) / c.Sum();
            p = (relative + Theta * p) / (1 + Theta);
        }
        return p;
    }

    static string Key(string shape, string word, int suffixLength) => $"{shape}|{word[^suffixLength..]}";
}
