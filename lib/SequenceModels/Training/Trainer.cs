using System.Diagnostics;

namespace SequenceModels;

/// <summary>
/// A small minibatch trainer. The model is not its business: the caller supplies a step that runs forward, loss and
/// backward for one batch and returns the loss, so the same trainer serves the NER tagger, the character language
/// model and the toy tasks. For each batch the trainer zeroes the gradients, calls the step, records the gradient's
/// global norm, clips if asked and lets the optimiser update (which refuses NaN/∞ gradients). Batches are visited in
/// an order shuffled by the <see cref="Random"/> given, so a seed fixes the whole run.
/// </summary>
public sealed class Trainer<T> where T : struct, IFloatingPointIeee754<T>
{
    private readonly IReadOnlyList<Parameter<T>> _parameters;
    private readonly IOptimizer<T> _optimizer;
    private readonly Random _rng;

    /// <summary>Creates a trainer for <paramref name="parameters"/> (a model's Parameters).</summary>
    /// <param name="parameters">Everything the optimiser updates.</param>
    /// <param name="optimizer">The update rule.</param>
    /// <param name="options">Epochs, clipping and shuffling.</param>
    /// <param name="rng">The seeded generator for the batch order.</param>
    public Trainer(IReadOnlyList<Parameter<T>> parameters, IOptimizer<T> optimizer, TrainerOptions options, Random rng)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Epochs, "options.Epochs");
        if (options.ClipNorm <= 0) throw new ArgumentOutOfRangeException("options.ClipNorm", options.ClipNorm, "Must be positive.");
        if (options.ClipValue <= 0) throw new ArgumentOutOfRangeException("options.ClipValue", options.ClipValue, "Must be positive.");
        _parameters = parameters;
        _optimizer = optimizer;
        Options = options;
        _rng = rng;
    }

    /// <summary>The options given.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Trains for <see cref="TrainerOptions.Epochs"/> epochs over <paramref name="batches"/>.</summary>
    /// <param name="batches">The training batches (each visited once per epoch).</param>
    /// <param name="step">Forward, loss and backward for one batch (adding into the gradients); returns the loss.</param>
    /// <param name="validate">Called after each epoch; its value is recorded in <see cref="TrainingHistory.Validation"/>.</param>
    /// <param name="countTokens">The number of real tokens in a batch: weights the epoch loss and gives tokens/s.</param>
    /// <param name="progress">Called after every batch.</param>
    /// <exception cref="NonFiniteGradientException">A step produced a NaN or infinite gradient; it was not applied.</exception>
    public TrainingHistory Fit<TBatch>(IReadOnlyList<TBatch> batches, Func<TBatch, double> step, Func<double>? validate = null,
        Func<TBatch, int>? countTokens = null, Action<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(step);
        var batchLosses = new List<double>();
        var epochLosses = new List<double>();
        var validation = new List<double>();
        var norms = new List<double>();
        var order = Enumerable.Range(0, batches.Count).ToArray();

        for (int epoch = 1; epoch <= Options.Epochs; epoch++)
        {
            if (Options.Shuffle) Shuffle(order);
            var clock = Stopwatch.StartNew();
            double lossSum = 0, weightSum = 0;
            long tokens = 0;
            for (int i = 0; i < order.Length; i++)
            {
                var batch = batches[order[i]];
                foreach (var p in _parameters) p.ZeroGrad();
                double loss = step(batch);
                double norm = GradientClipping.GlobalNorm(_parameters); // recorded before any clipping
                norms.Add(norm);
                if (Options.ClipValue is double limit && GradientClipping.ClipByValue(_parameters, limit) > 0)
                    norm = GradientClipping.GlobalNorm(_parameters); // clamping changed the gradient
                if (Options.ClipNorm is double maxNorm) GradientClipping.ScaleToNorm(_parameters, norm, maxNorm);
                // The norm was finite, so every gradient is: Adam need not check them again.
                if (_optimizer is Adam<T> adam) adam.StepChecked(_parameters);
                else _optimizer.Step(_parameters);

                int count = countTokens?.Invoke(batch) ?? 1;
                tokens += count;
                lossSum += loss * count;
                weightSum += count;
                batchLosses.Add(loss);
                double seconds = clock.Elapsed.TotalSeconds;
                progress?.Invoke(new TrainingProgress(epoch, i + 1, order.Length, loss,
                    countTokens is null || seconds == 0 ? null : tokens / seconds));
            }
            epochLosses.Add(weightSum == 0 ? double.NaN : lossSum / weightSum);
            if (validate is not null) validation.Add(validate());
        }
        return new TrainingHistory(batchLosses, epochLosses, validation, norms);
    }

    /// <summary>Fisher–Yates: every permutation equally likely, drawn from the trainer's generator.</summary>
    private void Shuffle(int[] order)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = _rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}

/// <summary>How a <see cref="Trainer{T}"/> trains.</summary>
/// <param name="Epochs">Passes over the batches.</param>
/// <param name="ClipNorm">Clip the gradient's global norm to this (Pascanu et al., 2013); null for no clipping.</param>
/// <param name="ClipValue">Clamp every gradient entry to ±this; null for no clipping. Applied before ClipNorm.</param>
/// <param name="Shuffle">Visit the batches in a new random order each epoch.</param>
public sealed record TrainerOptions(int Epochs = 1, double? ClipNorm = null, double? ClipValue = null, bool Shuffle = true);

/// <summary>What a <see cref="Trainer{T}"/> reports after each batch.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Batch">The batch within the epoch, from 1.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">This batch's loss.</param>
/// <param name="TokensPerSecond">Real tokens per second so far this epoch; null without a token count.</param>
public readonly record struct TrainingProgress(int Epoch, int Batch, int Batches, double Loss, double? TokensPerSecond)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"epoch {Epoch}, batch {Batch}/{Batches}: loss {Loss:F4}" + (TokensPerSecond is double r ? $", {r:F0} tokens/s" : "");
}

/// <summary>The record of a training run.</summary>
/// <param name="BatchLosses">Every batch's loss, in the order trained.</param>
/// <param name="EpochLosses">Each epoch's mean loss (weighted by real tokens when they are counted).</param>
/// <param name="Validation">The validation metric after each epoch (empty without one).</param>
/// <param name="GradientNorms">Every batch's global gradient norm, before clipping.</param>
public sealed record TrainingHistory(IReadOnlyList<double> BatchLosses, IReadOnlyList<double> EpochLosses,
    IReadOnlyList<double> Validation, IReadOnlyList<double> GradientNorms);
