using System.Diagnostics;

namespace SequenceModels;

/// <summary>How <see cref="CharLanguageModelTraining.Train{T}"/> trains.</summary>
/// <param name="BatchSize">m, parallel streams per batch (<see cref="TextStreams"/>).</param>
/// <param name="SequenceLength">T, characters per stream per batch: how far back gradients flow (truncated BPTT).</param>
/// <param name="LearningRate">Adam's peak learning rate η_max.</param>
/// <param name="ClipNorm">The largest global gradient norm; larger gradients are scaled down to it.</param>
/// <param name="MaxSteps">Stop after this many updates; null for no limit.</param>
/// <param name="TimeLimit">Stop once this much time has passed; null for no limit. At least one of the two limits
/// must be given; the learning-rate schedule follows whichever is closer to its end.</param>
/// <param name="Warmup">The fraction of training spent warming the learning rate up (see
/// <see cref="LearningRateSchedule.WarmupCosine"/>).</param>
/// <param name="FinalLearningRate">The learning rate at the end, as a fraction of the peak.</param>
/// <param name="Beta2">Adam's β2 (0.99 adapts faster than the paper's 0.999 in short runs).</param>
public sealed record CharTrainingOptions(int BatchSize = 64, int SequenceLength = 100, double LearningRate = 2e-3,
    double ClipNorm = 1.0, int? MaxSteps = null, TimeSpan? TimeLimit = null, double Warmup = 0.02,
    double FinalLearningRate = 0.02, double Beta2 = 0.99)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public CharTrainingOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SequenceLength);
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "Must be positive.");
        if (!(ClipNorm > 0)) throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, "Must be positive.");
        if (MaxSteps is null && TimeLimit is null) throw new ArgumentException("Give MaxSteps, TimeLimit or both.");
        if (MaxSteps is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "Must be positive.");
        if (TimeLimit is { } limit && limit <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(TimeLimit), limit, "Must be positive.");
        return this;
    }
}

/// <summary>What <see cref="CharLanguageModelTraining.Train{T}"/> reports after each update.</summary>
/// <param name="Step">Updates done, from 1.</param>
/// <param name="Epoch">Passes over the training text begun, from 1.</param>
/// <param name="Loss">This batch's mean loss (nats per character), before the update.</param>
/// <param name="LearningRate">The learning rate of this update.</param>
/// <param name="GradientNorm">The global gradient norm before clipping.</param>
/// <param name="Characters">Characters trained on so far (predicted targets).</param>
/// <param name="Elapsed">Time since training started.</param>
/// <param name="Progress">How far along the schedule is, 0..1.</param>
public readonly record struct CharTrainingProgress(int Step, int Epoch, double Loss, double LearningRate, double GradientNorm,
    long Characters, TimeSpan Elapsed, double Progress)
{
    /// <summary>Characters per second so far.</summary>
    public double CharactersPerSecond => Elapsed.TotalSeconds > 0 ? Characters / Elapsed.TotalSeconds : 0;
}

/// <summary>The record of a training run.</summary>
/// <param name="Steps">Updates done.</param>
/// <param name="Characters">Characters trained on.</param>
/// <param name="Elapsed">Training time.</param>
/// <param name="Losses">Every update's batch loss, in order.</param>
public sealed record CharTrainingResult(int Steps, long Characters, TimeSpan Elapsed, IReadOnlyList<double> Losses)
{
    /// <summary>Updates per second.</summary>
    public double StepsPerSecond => Elapsed.TotalSeconds > 0 ? Steps / Elapsed.TotalSeconds : 0;

    /// <summary>Characters per second.</summary>
    public double CharactersPerSecond => Elapsed.TotalSeconds > 0 ? Characters / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Trains a <see cref="CharLanguageModel{T}"/> on one long text with truncated backpropagation through time:
/// <list type="number">
/// <item>the text is laid out as <see cref="CharTrainingOptions.BatchSize"/> parallel streams
/// (<see cref="TextStreams"/>) and read <see cref="CharTrainingOptions.SequenceLength"/> characters at a time;</item>
/// <item>each batch starts from the final state of the previous one (the state is carried; no gradient crosses the
/// batch boundary), and from zeros at the start of each pass over the text;</item>
/// <item>forward, fused log-softmax + NLL, backward; the gradient is clipped by its global norm (Pascanu et al.,
/// 2013) and Adam updates the weights, its learning rate following
/// <see cref="LearningRateSchedule.WarmupCosine"/>;</item>
/// <item>every later pass starts at a random offset in 0..T−1 (from the <see cref="Random"/> given), so batch
/// boundaries fall in new places; the same generator draws the dropout masks, if the model has dropout.</item>
/// </list>
/// </summary>
public static class CharLanguageModelTraining
{
    /// <summary>Trains until <see cref="CharTrainingOptions.MaxSteps"/> or <see cref="CharTrainingOptions.TimeLimit"/>.</summary>
    /// <param name="model">The model; its weights are updated in place.</param>
    /// <param name="ids">The training text's ids.</param>
    /// <param name="options">Batch layout, optimiser and limits.</param>
    /// <param name="rng">The seeded generator for the offsets of later passes and the dropout masks.</param>
    /// <param name="progress">Called after every update.</param>
    /// <param name="cancel">Stops training early (the result covers the updates made).</param>
    /// <exception cref="NonFiniteGradientException">A gradient became NaN or infinite; that update was not applied.</exception>
    public static CharTrainingResult Train<T>(CharLanguageModel<T> model, int[] ids, CharTrainingOptions options, Random rng,
        Action<CharTrainingProgress>? progress = null, CancellationToken cancel = default)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        options.Validate();
        int m = options.BatchSize, steps = options.SequenceLength;
        if (ids.Length < m * (steps + 1))
            throw new ArgumentException(
                $"The training text has {ids.Length} characters, too few for one batch of {m} streams × {steps + 1} characters; " +
                "use a smaller batch or sequence length.", nameof(ids));

        var optimizer = new Adam<T>(options.LearningRate, beta2: options.Beta2);
        var losses = new List<double>();
        var clock = Stopwatch.StartNew();
        long characters = 0;
        int step = 0;
        for (int epoch = 1; ; epoch++)
        {
            var layout = new TextStreams(ids, m, steps, offset: epoch == 1 ? 0 : rng.Next(steps));
            RecurrentState<T>? state = null;
            for (int k = 0; k < layout.FullBatchCount; k++)
            {
                double done = Progress(options, step, clock.Elapsed);
                if (done >= 1 || cancel.IsCancellationRequested)
                    return new CharTrainingResult(step, characters, clock.Elapsed, losses);
                optimizer.LearningRate = Math.Max(
                    LearningRateSchedule.WarmupCosine(done, options.LearningRate, options.Warmup, options.FinalLearningRate),
                    options.LearningRate * 1e-4);

                var (inputs, targets) = layout.Batch(k);
                model.ZeroGrad();
                (double loss, var final) = model.Loss(inputs, targets, state, dropout: rng);
                model.Backward();
                double norm = GradientClipping.ClipByGlobalNorm(model.Parameters, options.ClipNorm);
                optimizer.Step(model.Parameters);
                state = final;

                step++;
                characters += targets.RealCount;
                losses.Add(loss);
                progress?.Invoke(new CharTrainingProgress(step, epoch, loss, optimizer.LearningRate, norm, characters,
                    clock.Elapsed, Progress(options, step, clock.Elapsed)));
            }
        }
    }

    /// <summary>How far training is along, 0..1: the larger of steps done over MaxSteps and time over TimeLimit.</summary>
    private static double Progress(CharTrainingOptions options, int step, TimeSpan elapsed)
    {
        double p = 0;
        if (options.MaxSteps is int max) p = (double)step / max;
        if (options.TimeLimit is { } limit) p = Math.Max(p, elapsed / limit);
        return Math.Min(p, 1);
    }
}
