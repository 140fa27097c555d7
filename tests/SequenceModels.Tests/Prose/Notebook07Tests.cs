using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SequenceModels.Tests.Text;
using SequenceModels.Text;

namespace SequenceModels.Tests.Prose;

/// <summary>
/// The figures that notebook 07's prose quotes and its run does not write (the run writes the measured ones): each is
/// found in the markdown and derived again here, by arithmetic, from the data, or from the code the notebook runs.
/// </summary>
public class Notebook07Tests
{
    private static readonly NotebookCellsText Notebook = new("07-bidirectional-and-deep-rnns.ipynb");

    [Fact]
    public void A_three_layer_rnn_over_fifty_words_is_a_grid_of_150_cells_and_its_longest_path_crosses_52()
    {
        Assert.Contains("$3 \\times 50 = 150$", Notebook.Markdown);
        Assert.Contains("$50 + 3 - 1 = 52$", Notebook.Markdown);
        const int layers = 3, steps = 50;
        Assert.Equal(150, layers * steps);
        // The path from x⟨1⟩ (layer 1, step 1) to ŷ⟨50⟩ (layer 3, step 50): a breadth-first search over the grid,
        // where a cell feeds the next step of its layer and the same step of the layer above.
        var distance = new int[layers, steps];
        distance[0, 0] = 1;
        for (int t = 0; t < steps; t++)
            for (int l = 0; l < layers; l++)
                if (l + t > 0)
                    distance[l, t] = 1 + Math.Min(t > 0 ? distance[l, t - 1] : int.MaxValue - 1, l > 0 ? distance[l - 1, t] : int.MaxValue - 1);
        Assert.Equal(52, distance[layers - 1, steps - 1]);
    }

    [Fact]
    public void The_padding_demonstration_pads_a_sentence_of_8_steps_to_20()
    {
        Assert.Contains("a sentence of 20 steps and one of 8, padded to 20", Notebook.Markdown);
        Assert.Contains("int n_x = 4, n_a = 6, T = 20;", Notebook.Code);
        Assert.Contains("T * 2, 1.0, rng), T, 2, [20, 8])", Notebook.Code);
        Assert.Contains("SequenceBatch<double>(Matrix<double>.Build.Dense(n_x, 8,", Notebook.Code);
    }

    [Fact]
    public void The_gradient_check_reads_a_batch_of_lengths_5_2_4()
    {
        Assert.Contains("padded batch (lengths 5, 2, 4)", Notebook.Markdown);
        Assert.Contains("5, 3, [5, 2, 4])", Notebook.Code);
    }

    [Fact]
    public void The_cost_is_measured_as_described()
    {
        Assert.Contains("word vectors of 50, 50 units per direction — on a batch of 32 sentences of 30 words", Notebook.Markdown);
        Assert.Contains("the best of eight measurements, each the mean of three steps", Notebook.Markdown);
        Assert.Contains("Init.Normal<float>(50, 30 * 32, 1.0, rng), 30, 32)", Notebook.Code);
        Assert.Contains("new Lstm<float>(n, 50, rng)", Notebook.Code);
        Assert.Contains("for (int round = 0; round < 9; round++)   // round 0 warms up", Notebook.Code);
        Assert.Contains("for (int run = 0; run < 3; run++)", Notebook.Code);
    }

    [Fact]
    public void A_second_direction_doubles_the_first_layer_and_more_than_doubles_the_layers_above()
    {
        Assert.Contains("a second direction doubles the first layer's parameters and more than doubles those of the layers above it", Notebook.Markdown);
        // An LSTM layer reading n_x features with n_h units: 4n_h(n_x + n_h + 1) parameters, counted by the library too.
        static long Lstm(int nx, int nh) => 4L * nh * (nx + nh + 1);
        Assert.Equal(Lstm(50, 50), new Lstm<float>(50, 50, new Random(0)).ParameterCount());
        var bi1 = new Bidirectional<float>(new Lstm<float>(50, 50, new Random(0)), new Lstm<float>(50, 50, new Random(0), reverse: true));
        Assert.Equal(2 * Lstm(50, 50), bi1.ParameterCount());
        // Above the first layer a bidirectional layer reads 2n_h = 100 features.
        long biAbove = 2 * Lstm(100, 50), uniAbove = Lstm(50, 50);
        Assert.Equal(60_400, biAbove);
        Assert.True(biAbove > 2 * uniAbove);
        var stack = StackedRecurrent<float>.Of(2, 50, n => new Bidirectional<float>(new Lstm<float>(n, 50, new Random(0)), new Lstm<float>(n, 50, new Random(0), reverse: true)));
        Assert.Equal(2 * Lstm(50, 50) + biAbove, stack.ParameterCount());
    }

    [Fact]
    public void The_experiment_trains_the_lecture_tagger_on_the_270_training_sentences()
    {
        Assert.Contains("Embedding(50) → LSTM(50) → Dense → log-softmax", Notebook.Markdown);
        Assert.Contains("trained on the 270 training sentences of the NER sample (Adam, batches of 8, 8 epochs, word dropout 0.5 on the words seen once)", Notebook.Markdown);
        Assert.Contains("a second layer did not help on 270 sentences", Notebook.Markdown);
        Assert.Equal(270, ConllReader.Read(Path.Combine(TextFiles.RepoRoot, "data", "ner", "train.conll"), TagScheme.Bio, BioTags.Gmb).Count);
        Assert.Equal((50, 50), (TaggerOptions.Lecture.EmbeddingSize, TaggerOptions.Lecture.HiddenSize));
        Assert.Equal(0.5, TaggerTraining.Lecture.WordDropout);
        Assert.Contains("TaggerTraining.Lecture with { BatchSize = 8, Epochs = 8 }", Notebook.Code);
    }

    [Fact]
    public void Each_configuration_is_trained_from_five_seeds()
    {
        Assert.Contains("averaged over five seeds", Notebook.Markdown);
        Assert.Contains("Each is trained from five seeds", Notebook.Markdown);
        Assert.Contains("var seeds = Enumerable.Range(0, 5).Select(_ => rng.Next()).ToArray();", Notebook.Code);
    }
}
