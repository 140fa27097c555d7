using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using SequenceModels;
using Xunit.Abstractions;

namespace SequenceModels.Tests.Training;

public class TrainerTests(ITestOutputHelper output)
{
    private static readonly Parameter<double> Dummy = new("w", Tensor.Zeros<double>(1, 1));

    private static List<int[]> VisitOrder(int seed, int epochs, bool shuffle = true)
    {
        var trainer = new Trainer<double>([Dummy], new Sgd<double>(0.1), new TrainerOptions(epochs, Shuffle: shuffle), new Random(seed));
        var visited = new List<int>();
        trainer.Fit(Enumerable.Range(0, 10).ToArray(), b => { visited.Add(b); return 0; });
        return visited.Chunk(10).ToList();
    }

    [Fact]
    public void The_batch_order_is_shuffled_by_the_seed()
    {
        var a = VisitOrder(1, 3);
        var b = VisitOrder(1, 3);
        var c = VisitOrder(2, 3);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a[0], a[1]); // a new order each epoch
        Assert.All(a, epoch => Assert.Equal(Enumerable.Range(0, 10), epoch.Order())); // every batch once per epoch
        Assert.All(VisitOrder(1, 2, shuffle: false), epoch => Assert.Equal(Enumerable.Range(0, 10), epoch));
    }

    [Fact]
    public void History_has_one_entry_per_batch_and_per_epoch()
    {
        var trainer = new Trainer<double>([Dummy], new Sgd<double>(0.1), new TrainerOptions(Epochs: 3), new Random(3));
        int validations = 0;
        var reports = new List<TrainingProgress>();
        var history = trainer.Fit([1.0, 2.0, 3.0, 4.0], b => b, validate: () => ++validations, progress: reports.Add);
        Assert.Equal(12, history.BatchLosses.Count);
        Assert.Equal(12, history.GradientNorms.Count);
        Assert.Equal([2.5, 2.5, 2.5], history.EpochLosses);
        Assert.Equal([1.0, 2.0, 3.0], history.Validation);
        Assert.Equal(12, reports.Count);
        Assert.Equal([(1, 1, 4), (1, 2, 4), (1, 3, 4), (1, 4, 4), (2, 1, 4)],
            reports.Take(5).Select(r => (r.Epoch, r.Batch, r.Batches)));
        Assert.Equal(history.BatchLosses, reports.Select(r => r.Loss));
        Assert.All(reports, r => Assert.Null(r.TokensPerSecond));
    }

    [Fact]
    public void With_token_counts_the_epoch_loss_is_the_mean_per_token()
    {
        var trainer = new Trainer<double>([Dummy], new Sgd<double>(0.1), new TrainerOptions(), new Random(4));
        var reports = new List<TrainingProgress>();
        // Losses 1 (1 token) and 3 (3 tokens): (1·1 + 3·3) / 4 = 2.5 per token.
        var history = trainer.Fit([1, 3], b => b, countTokens: b => b, progress: reports.Add);
        Assert.Equal([2.5], history.EpochLosses);
        Assert.All(reports, r => Assert.NotNull(r.TokensPerSecond));
    }

    [Fact]
    public void Clipping_by_norm_bounds_the_step()
    {
        // Gradient (30, 40), norm 50, clipped to norm 5: (3, 4); SGD with η = 1 moves θ by −(3, 4).
        var theta = new Parameter<double>("theta", Tensor.Zeros<double>(2, 1));
        var trainer = new Trainer<double>([theta], new Sgd<double>(1.0), new TrainerOptions(ClipNorm: 5), new Random(5));
        var history = trainer.Fit([0], _ => { Tensor.Column<double>(30, 40).CopyTo(theta.Grad); return 0; });
        Assert.Equal(Tensor.Column<double>(-3, -4), theta.Value);
        Assert.Equal([50.0], history.GradientNorms);
    }

    [Fact]
    public void Clipping_by_value_clamps_the_step()
    {
        var theta = new Parameter<double>("theta", Tensor.Zeros<double>(2, 1));
        var trainer = new Trainer<double>([theta], new Sgd<double>(1.0), new TrainerOptions(ClipValue: 1), new Random(6));
        trainer.Fit([0], _ => { Tensor.Column<double>(30, -0.5).CopyTo(theta.Grad); return 0; });
        Assert.Equal(Tensor.Column<double>(-1, 0.5), theta.Value);
    }

    [Fact]
    public void A_nan_gradient_stops_training_with_the_parameter_named_and_nothing_applied()
    {
        var theta = new Parameter<double>("rnn.Whh", Tensor.Column(1.0, 2.0));
        var trainer = new Trainer<double>([theta], new Adam<double>(0.1), new TrainerOptions(), new Random(7));
        var e = Assert.Throws<NonFiniteGradientException>(() =>
            trainer.Fit([0], _ => { theta.Grad[1, 0] = double.NaN; return 1; }));
        Assert.Equal("The gradient of rnn.Whh is not finite: NaN at (1, 0). No parameter was updated.", e.Message);
        Assert.Equal(Tensor.Column(1.0, 2.0), theta.Value);
    }

    [Fact]
    public void An_rnn_learns_the_sign_of_a_sum()
    {
        var task = new SignOfSum(seed: 11);
        var clock = Stopwatch.StartNew();
        var history = task.Train(epochs: 20);
        output.WriteLine($"{history.BatchLosses.Count} steps in {clock.ElapsedMilliseconds} ms; epoch losses: " +
            string.Join(", ", history.EpochLosses.Select(l => l.ToString("F3"))));
        Assert.True(history.EpochLosses[0] > 0.5, $"first epoch {history.EpochLosses[0]}");
        Assert.True(history.EpochLosses[^1] < 0.1, $"last epoch {history.EpochLosses[^1]}");
        Assert.True(history.Validation[^1] >= 0.9, $"held-out accuracy {history.Validation[^1]}");
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_losses_and_parameters()
    {
        var a = new SignOfSum(seed: 12);
        var b = new SignOfSum(seed: 12);
        var ha = a.Train(epochs: 3);
        var hb = b.Train(epochs: 3);
        Assert.Equal(ha.BatchLosses, hb.BatchLosses);
        Assert.Equal(ha.GradientNorms, hb.GradientNorms);
        for (int i = 0; i < a.Parameters.Count; i++)
            Assert.Equal(Tensor.Data(a.Parameters[i].Value), Tensor.Data(b.Parameters[i].Value));
        var c = new SignOfSum(seed: 13);
        Assert.NotEqual(ha.BatchLosses, c.Train(epochs: 3).BatchLosses);
    }

    /// <summary>
    /// Many-to-one toy task: read 6 numbers in [−1, 1] and say whether their sum is positive. Rnn(1→8) → final state
    /// → Dense(8→2) → softmax cross-entropy, 64 training sequences in 4 batches, Adam; accuracy on 64 others.
    /// </summary>
    private sealed class SignOfSum
    {
        private const int Steps = 6, Batch = 16;
        private readonly Rnn<double> _rnn;
        private readonly Dense<double> _dense;
        private readonly List<(SequenceBatch<double> X, int[] Y)> _batches = [];
        private readonly List<(SequenceBatch<double> X, int[] Y)> _heldOut = [];
        private readonly Random _rng;

        public SignOfSum(int seed)
        {
            _rng = new Random(seed);
            _rnn = new Rnn<double>(1, 8, _rng);
            _dense = new Dense<double>(8, 2, _rng);
            Parameters = ParameterExtensions.Prefixed<double>(("rnn", _rnn), ("dense", _dense));
            for (int k = 0; k < 8; k++)
            {
                var x = Init.Uniform<double>(1, Steps * Batch, 1.0, _rng);
                var y = new int[Batch];
                for (int b = 0; b < Batch; b++)
                    y[b] = Enumerable.Range(0, Steps).Sum(t => x[0, t * Batch + b]) > 0 ? 1 : 0;
                (k < 4 ? _batches : _heldOut).Add((new SequenceBatch<double>(x, Steps, Batch), y));
            }
        }

        public IReadOnlyList<Parameter<double>> Parameters { get; }

        public TrainingHistory Train(int epochs)
        {
            var trainer = new Trainer<double>(Parameters, new Adam<double>(0.02), new TrainerOptions(epochs, ClipNorm: 5), _rng);
            return trainer.Fit(_batches, Step, validate: Accuracy);
        }

        private double Step((SequenceBatch<double> X, int[] Y) batch)
        {
            var (_, final) = _rnn.Forward(batch.X);
            var (loss, dLogits) = Losses.CrossEntropy(_dense.Forward(final.H), batch.Y);
            var dH = _dense.Backward(dLogits);
            _rnn.Backward(SequenceBatch<double>.Zeros(8, Steps, Batch), new RecurrentState<double>(dH));
            return loss;
        }

        private double Accuracy()
        {
            int right = 0;
            foreach (var (x, y) in _heldOut)
            {
                Matrix<double> logits = _dense.Forward(_rnn.Forward(x).Final.H);
                for (int b = 0; b < Batch; b++) right += (logits[1, b] > logits[0, b] ? 1 : 0) == y[b] ? 1 : 0;
            }
            return right / (double)(_heldOut.Count * Batch);
        }
    }
}
