using System.Diagnostics;
using SequenceModels.Text;

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

/// <summary>The record of <see cref="CharLanguageModelTraining.TrainOnExamples{T}"/>.</summary>
/// <param name="Losses">Every iteration's loss, in order (nats per character, before that iteration's update).</param>
/// <param name="Samples">The samples, each with the number of iterations done when it was drawn.</param>
public sealed record CharExampleTrainingResult(IReadOnlyList<double> Losses, IReadOnlyList<(int Iteration, string[] Names)> Samples);

/// <summary>
/// Trains a <see cref="CharLanguageModel{T}"/> on one long text with truncated backpropagation through time
/// (<see cref="Train{T}"/>), or on short items one at a time (<see cref="TrainOnExamples{T}"/>).
/// <see cref="Train{T}"/>:
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

    /// <summary>
    /// Trains on one example at a time, the loop of the classic "Dinosaurus Island" exercise: for iteration
    /// j = 0 … iterations − 1 the example is <paramref name="examples"/>[j mod count], read from a zero state as
    /// inputs EOS c₁ … cₙ and targets c₁ … cₙ EOS (teacher forcing); then zero the gradients, forward and loss
    /// (no dropout), backward, clip by the global norm, one optimiser step. After every
    /// <paramref name="sampleEvery"/> iterations (j + 1 = sampleEvery, 2·sampleEvery, …) it samples
    /// <paramref name="namesPerSample"/> items with <see cref="CharLanguageModel{T}.Sample"/>("", <paramref name="sampleLength"/>,
    /// <paramref name="temperature"/>, <paramref name="sampler"/>), so that the same sampler seed gives the same names.
    /// </summary>
    /// <param name="model">The model; its weights are updated in place.</param>
    /// <param name="examples">The items (names, lines), each read on its own; none may be empty.</param>
    /// <param name="optimizer">The optimiser, called once per iteration.</param>
    /// <param name="iterations">How many examples to train on (cycling through them in order).</param>
    /// <param name="clipNorm">The largest global gradient norm.</param>
    /// <param name="sampleEvery">Sample after every this many iterations.</param>
    /// <param name="namesPerSample">Items sampled each time.</param>
    /// <param name="sampler">The seeded generator of the samples.</param>
    /// <param name="sampleLength">The longest item sampled, in characters.</param>
    /// <param name="temperature">The sampling temperature τ.</param>
    /// <returns>Each iteration's loss (nats per character, before its update) and the samples with the number of
    /// iterations done when they were drawn.</returns>
    public static CharExampleTrainingResult TrainOnExamples<T>(CharLanguageModel<T> model, IReadOnlyList<string> examples,
        IOptimizer<T> optimizer, int iterations, double clipNorm, int sampleEvery, int namesPerSample, Random sampler,
        int sampleLength = 20, double temperature = 1.0)
        where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleEvery);
        ArgumentOutOfRangeException.ThrowIfNegative(namesPerSample);
        if (!(clipNorm > 0)) throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "Must be positive.");
        if (examples.Count == 0) throw new ArgumentException("There are no examples.", nameof(examples));
        for (int i = 0; i < examples.Count; i++)
            if (string.IsNullOrEmpty(examples[i])) throw new ArgumentException($"Example {i} is empty.", nameof(examples));

        var losses = new List<double>(iterations);
        var samples = new List<(int Iteration, string[] Names)>();
        for (int j = 0; j < iterations; j++)
        {
            var (inputs, targets) = ExampleBatches(model.Vocabulary, examples[j % examples.Count]);
            model.ZeroGrad();
            var (loss, _) = model.Loss(inputs, targets);
            model.Backward();
            GradientClipping.ClipByGlobalNorm(model.Parameters, clipNorm);
            optimizer.Step(model.Parameters);
            losses.Add(loss);
            if ((j + 1) % sampleEvery == 0)
                samples.Add((j + 1, Enumerable.Range(0, namesPerSample).Select(_ => model.Sample("", sampleLength, temperature, sampler)).ToArray()));
        }
        return new CharExampleTrainingResult(losses, samples);
    }

    /// <summary>
    /// One item as a batch of one sequence with teacher forcing: inputs EOS c₁ … cₙ, targets c₁ … cₙ EOS
    /// (n + 1 steps each; characters outside the vocabulary read as UNK).
    /// </summary>
    public static (TokenBatch Inputs, TokenBatch Targets) ExampleBatches(CharVocabulary vocabulary, string example)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(example);
        int[] ids = vocabulary.Encode(example);
        int steps = ids.Length + 1;
        return (new TokenBatch([CharVocabulary.EosId, .. ids], steps, 1, [steps]), new TokenBatch([.. ids, CharVocabulary.EosId], steps, 1, [steps]));
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
