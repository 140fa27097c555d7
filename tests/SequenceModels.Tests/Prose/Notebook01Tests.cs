using System.Text.RegularExpressions;
using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Tests.Layers;
using static SequenceModels.Tests.Prose.NotebookText;

namespace SequenceModels.Tests.Prose;

/// <summary>What notebook 01's prose says that its run does not print.</summary>
public class Notebook01Tests
{
    private static readonly NotebookText Notebook = Load("01-rnn-forward-pass.ipynb");

    /// <summary>The six sentences of the corpus, read from the cell that defines them.</summary>
    private static string[][] Corpus() =>
        Regex.Matches(Notebook.Code("01-09"), "\"([a-z ]+)\"").Select(m => m.Groups[1].Value.Split(' ')).ToArray();

    [Fact]
    public void The_corpus_facts_the_softmax_reading_relies_on_hold()
    {
        var text = Notebook.Markdown("01-33");
        Assert.Contains("Every sentence of the corpus starts with \"the\"\nor \"a\", and after a first \"the\" comes \"cat\" or \"dog\"", text);
        Assert.Contains("After \"the dog\" it splits it between \"sat\" and \"saw\"", text);
        Assert.Contains("the state remembers \"the dog saw\": in the corpus, that is followed\nby \"the cat\"", text);

        var corpus = Corpus();
        Assert.Equal(6, corpus.Length);
        Assert.All(corpus, s => Assert.Contains(s[0], new[] { "the", "a" }));
        Assert.Equal(["cat", "dog"], corpus.Where(s => s[0] == "the").Select(s => s[1]).Distinct().Order());
        Assert.Equal(["sat", "saw"], corpus.Where(s => s[..2].SequenceEqual(["the", "dog"])).Select(s => s[2]).Distinct().Order());
        var afterTheDogSaw = corpus.Select(s => string.Join(' ', s)).Where(s => s.Contains("the dog saw"))
            .Select(s => s[(s.IndexOf("the dog saw") + "the dog saw".Length)..].Trim()).ToList();
        Assert.All(afterTheDogSaw, rest => Assert.StartsWith("the cat", rest));
        Assert.NotEmpty(afterTheDogSaw);
    }

    [Fact]
    public void The_vocabulary_and_state_sizes_in_the_prose_are_the_codes()
    {
        Assert.Contains("$V = 10{,}000$", Notebook.Markdown("01-06"));
        Assert.Contains("const int vocabulary = 10_000", Notebook.Code("01-07"));
        Assert.Contains("$h^{\\langle t \\rangle}$ (16 numbers, each in $(-1, 1)$ because of tanh)", Notebook.Markdown("01-29"));
        Assert.Contains("new Rnn<double>(V, 16, rng)", Notebook.Code("01-27"));
    }

    [Fact]
    public void The_slides_transposed_weights_give_the_same_cell_in_column_and_row_form()
    {
        var text = Notebook.Markdown("01-34");
        Assert.Contains("$$W_{xh} = A^\\top, \\qquad W_{hh} = B^\\top.$$", text);
        Assert.Contains("\\tanh\\left(x^{\\langle t \\rangle \\top} A + h^{\\langle t-1 \\rangle \\top} B + b_h^\\top\\right)", text);

        var rng = new Random(1);
        int nx = 7, nh = 5, m = 3;
        var (a, b, bias) = (Init.Normal<double>(nx, nh, 0.5, rng), Init.Normal<double>(nh, nh, 0.5, rng), Init.Normal<double>(nh, 1, 0.5, rng));
        var (x, h) = (Init.Normal<double>(nx, m, 1.0, rng), Init.Normal<double>(nh, m, 1.0, rng));
        var notebookForm = RnnCell.Forward(x, h, a.Transpose(), b.Transpose(), bias);
        var slidesForm = Tensor.AddColumn(a.TransposeThisAndMultiply(x) + b.TransposeThisAndMultiply(h), bias).Map(Math.Tanh);
        var rowForm = (x.TransposeThisAndMultiply(a) + h.TransposeThisAndMultiply(b)
            + Matrix<double>.Build.Dense(m, nh, (_, j) => bias[j, 0])).Map(Math.Tanh);
        Assert.True(Tensor.MaxAbsDifference(slidesForm, notebookForm) < 1e-15);
        Assert.True(Tensor.MaxAbsDifference(rowForm.Transpose(), notebookForm) < 1e-15);
        // The square W_hh taken across untransposed fits every shape and gives another cell.
        var untransposed = Tensor.AddColumn(a.TransposeThisAndMultiply(x) + b * h, bias).Map(Math.Tanh);
        Assert.True(Tensor.MaxAbsDifference(untransposed, notebookForm) > 0.01);
    }

    [Fact]
    public void PyTorch_stores_its_input_weights_outputs_by_inputs_as_the_notebooks_do()
    {
        Assert.Contains("PyTorch stores `weight_ih_l0` the way these notebooks do ($n_h \\times n_x$)", Notebook.Markdown("01-34"));
        // weight_ih_l0 of nn.GRU(4, 3), as PyTorch printed it: 3 blocks of n_h = 3 rows, n_x = 4 columns.
        Assert.Equal(3 * 3, PyTorchGruReference.OneWi.Length);
        Assert.All(PyTorchGruReference.OneWi, row => Assert.Equal(4, row.Length));
    }
}
