using System.Globalization;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Text;

namespace SequenceModels.Exercises;

public static partial class Check
{
    /// <summary>
    /// Exercise 8.1: perplexity from the log-probabilities log ŷ⟨t⟩[y⟨t⟩] (natural logs) a model gave the characters
    /// of a text, PP = exp(−(1/N) Σ_t log ŷ⟨t⟩[y⟨t⟩]). The reference is <see cref="Perplexity.FromLosses"/> of the
    /// negated log-probabilities.
    /// </summary>
    [Reference(typeof(SequenceModels.Perplexity), nameof(SequenceModels.Perplexity.FromLosses))]
    [Exercise("08.perplexity", "Exercise 8.1 — perplexity")]
    public static CheckResult Perplexity(Func<double[], double> perplexityOf)
    {
        ArgumentNullException.ThrowIfNull(perplexityOf);
        var rng = new Random(801);
        double[] RandomLogProbabilities(int n) => Enumerable.Range(0, n).Select(_ => Math.Log(0.02 + 0.97 * rng.NextDouble())).ToArray();
        double[][] cases =
        [
            [0.0],
            [Math.Log(0.25)],
            Enumerable.Repeat(Math.Log(1.0 / 28), 7).ToArray(),
            [Math.Log(0.5), Math.Log(0.125)],
            RandomLogProbabilities(50),
        ];
        double Reference(int c) => SequenceModels.Perplexity.FromLosses(cases[c].Select(lp => -lp).ToArray());
        const string id = "08.perplexity", title = "Exercise 8.1 — perplexity";
        var calls = new StudentCalls(title, "PerplexityOf");
        double Student(int c) => calls.Call(() => perplexityOf((double[])cases[c].Clone()));
        double MeanNll(int c) => -cases[c].Average();
        return calls.Verdict(new ExerciseCheck<double>(id, title, (e, a) => LmRelative("the perplexity", e, a))
            .Case("a character predicted with certainty (log p = 0)",
                "A model that gives the right character probability 1 has loss 0 and perplexity exp(0) = 1: it is never surprised.",
                () => Student(0), () => Reference(0))
            .Case("one character, p = 1/4",
                "One character with probability 1/4: NLL = −ln(1/4) = ln 4, perplexity exp(ln 4) = 4, as unsure as a choice among 4.",
                () => Student(1), () => Reference(1))
            .Case("a uniform model over V = 28 ids, 7 characters",
                "A model that gives each of V ids probability 1/V has perplexity exactly V (here 28), however long the text.",
                () => Student(2), () => Reference(2))
            .Case("two characters, p = 1/2 and 1/8",
                "The mean NLL is (ln 2 + ln 8)/2 = ln 4, so the perplexity is 4: the geometric mean of 2 and 8, not their arithmetic mean 5.",
                () => Student(3), () => Reference(3))
            .Case("50 characters", "PP = exp(−(1/N) Σ_t log p_t): negate the mean of the log-probabilities, then exponentiate.",
                () => Student(4), () => Reference(4))
            .Mistake("the minus sign is missing (exp(mean log p) = 1/perplexity)", c => Math.Exp(-MeanNll(c)))
            .Mistake("the log-probabilities were summed instead of averaged (exp of the total NLL)", c => Math.Exp(MeanNll(c) * cases[c].Length))
            .Mistake("the exponential is missing: that is the mean NLL (the loss in nats), not the perplexity", MeanNll)
            .Mistake("2 was raised to the mean NLL, but these are natural logs: use Math.Exp", c => Math.Pow(2, MeanNll(c)))
            .Mistake("the probabilities were averaged (1 / mean p); perplexity inverts their geometric mean, exp of the mean NLL",
                c => 1 / cases[c].Average(Math.Exp))
            .Mistake("the mean divides by N − 1 instead of N", c => Math.Exp(-cases[c].Sum() / (cases[c].Length - 1)))
            .Run());
    }

    /// <summary>
    /// Exercise 8.2: one sampling step. Given logits z (one per token), a temperature τ ≥ 0 and a generator, return an
    /// index k drawn with probability softmax(z/τ)_k: one uniform u = rng.NextDouble(), then the first k with
    /// u &lt; p_0 + … + p_k; τ = 0 returns the argmax. The reference is <see cref="Sampling.SampleWithTemperature"/>; the
    /// checker compares the frequencies of many draws with softmax(z/τ) (Pearson's χ² test), then the draws themselves
    /// with the reference's for the same seed.
    /// </summary>
    [Reference(typeof(Sampling), nameof(Sampling.SampleWithTemperature))]
    [Exercise("08.sample", "Exercise 8.2 — the sampling step")]
    public static CheckResult SampleNext(Func<double[], double, Random, int> sampleNext)
    {
        ArgumentNullException.ThrowIfNull(sampleNext);
        const string id = "08.sample", title = "Exercise 8.2 — the sampling step";
        const int Draws = 4000;
        double[] z = [1.0, 2.5, 0.2, -1.0, 1.8];
        // (logits, τ, draws, seed): range; τ = 1; τ = 0.5; τ = 2; large logits; greedy; the generator; the library's draws.
        (double[] Z, double Tau, int N, int Seed)[] cases =
        [
            (z, 1.0, 200, 1),
            (z, 1.0, Draws, 2),
            (z, 0.5, Draws, 3),
            (z, 2.0, Draws, 4),
            ([1000, 999, 998, 990], 1.0, Draws, 5),
            ([0.3, 2.0, -1.0, 2.0, 1.9], 0.0, 50, 6),
            (z, 1.0, 50, 7),
            ([0.5, 1.5, -0.5, 2.2, 1.0, 0.0, 1.9], 0.8, 500, 8),
        ];
        int[] Draw(Func<double[], double, Random, int> f, int c, int seed)
        {
            var r = new Random(seed);
            var draws = new int[cases[c].N];
            for (int i = 0; i < draws.Length; i++) draws[i] = f((double[])cases[c].Z.Clone(), cases[c].Tau, r);
            return draws;
        }
        var calls = new StudentCalls(title, "SampleNext");
        LmDraws Student(int c) => calls.Call(() => new LmDraws(null, Draw(sampleNext, c, cases[c].Seed)));
        LmDraws Expected(int c) => new(Sampling.Softmax(cases[c].Z, cases[c].Tau), null);
        // The distribution each typical mistake actually samples from (a cumulative search over weights w that need not
        // sum to 1: what is left past the last index falls to the last index, as a loop's fallback return does).
        // Null (no distribution to compare with) is skipped by the mistake matching.
        LmDraws Implied(int c, Func<double[], double, double[]?> weights) =>
            c is > 0 and < 5 && weights(cases[c].Z, cases[c].Tau) is { } w ? new LmDraws(LmSearchDistribution(w), null) : null!;
        return calls.Verdict(new ExerciseCheck<LmDraws>(id, title, LmCompareFrequencies)
            .Case("the index is in range (5 logits, τ = 1, 200 draws)",
                "Return an index k into the logits: 0 ≤ k < logits.Length.",
                () => Student(0), () => Expected(0), (_, a) => LmRange(a, cases[0].Z.Length))
            .Case("τ = 1: the model's own distribution (4,000 draws)",
                "At τ = 1 draw k with probability softmax(z)_k = exp(z_k) / Σ_j exp(z_j): u = rng.NextDouble(), then the first k with u < p_0 + … + p_k.",
                () => Student(1), () => Expected(1))
            .Case("τ = 0.5: sharper (4,000 draws)",
                "Divide the logits by τ before the softmax: softmax(z/τ). A τ below 1 sharpens the distribution towards the most likely index.",
                () => Student(2), () => Expected(2))
            .Case("τ = 2: flatter (4,000 draws)",
                "softmax(z/τ) with τ = 2 halves every logit: the distribution gets flatter, closer to uniform.",
                () => Student(3), () => Expected(3))
            .Case("large logits (1000, 999, 998, 990)",
                "exp(1000) overflows to ∞ and ∞/∞ is NaN. Subtract the largest logit before exponentiating: softmax(z) = softmax(z − max z).",
                () => Student(4), () => Expected(4))
            .Case("τ = 0: greedy",
                "τ = 0 means always the most likely index (the argmax; the first one if two logits tie). Handle it before dividing by τ.",
                () => Student(5), () => new LmDraws(null, Enumerable.Repeat(Sampling.Argmax(cases[5].Z), cases[5].N).ToArray()),
                (e, a) => LmSameDraws(e.Draws!, a.Draws!, "the draws at τ = 0"))
            .Case("every random number from rng",
                "Draw the uniform number from the Random you are given (rng.NextDouble()), never from new Random() or Random.Shared: the same seed must give the same text.",
                () => calls.Call(() => new LmDraws(null, [.. Draw(sampleNext, 6, 70), .. Draw(sampleNext, 6, 70), .. Draw(sampleNext, 6, 71)])),
                () => new LmDraws(null, []), (_, a) => LmSeedVerdict(a.Draws!, cases[6].N))
            .Case("the same draws as the library for the same seed (τ = 0.8, 500 draws)",
                "Use exactly one rng.NextDouble() per call and return the first k with u < p_0 + … + p_k (strictly less), as Sampling.SampleWithTemperature does.",
                () => Student(7), () => new LmDraws(null, Draw((z, t, r) => Sampling.SampleWithTemperature(z, t, r), 7, cases[7].Seed)),
                (e, a) => LmSameDraws(e.Draws!, a.Draws!, "your draws"))
            .Mistake("the temperature multiplied the logits (softmax(z·τ)) instead of dividing them (softmax(z/τ))", c => Implied(c, (z, t) => Sampling.Softmax(z.Select(v => v * t).ToArray())))
            .Mistake("the temperature was applied after the softmax (softmax(z)/τ), so the probabilities no longer sum to 1", c =>
                Implied(c, (z, t) => Sampling.Softmax(z).Select(p => p / t).ToArray()))
            .Mistake("the probabilities were not normalised (exp(z/τ) without dividing by the sum)", c =>
                Implied(c, (z, t) => z.Select(v => Math.Exp(v / t)).ToArray() is var raw && raw.All(double.IsFinite) ? raw : null))
            .Mistake("every draw returned the most likely index: either the argmax was returned (that is τ = 0, greedy decoding, not sampling), " +
                     "or the uniform number does not come from rng (a new Random(seed) made on every call gives the same u every time)", c =>
                Implied(c, (z, _) => z.Select((_, k) => k == Sampling.Argmax(z) ? 1.0 : 0.0).ToArray()))
            .Mistake("the cumulative search is off by one: it returns the index after the one drawn (u was compared with the sum before p_k was added)", c =>
                Implied(c, (z, t) => { var p = Sampling.Softmax(z, t); return [0, .. p[..^1]]; }))
            .Mistake("the logits were ignored (every index equally likely)", c => Implied(c, (z, _) => z.Select(_ => 1.0 / z.Length).ToArray()))
            .Run());
    }

    /// <summary>
    /// Exercise 8.3: one training step of a character language model with gradient clipping by global norm, in this
    /// order: zero the gradients, forward and loss from the state carried in (<see cref="CharLanguageModel{T}.Loss"/>),
    /// backward, clip (‖g‖ = √(Σ over every parameter of Σ g²); if ‖g‖ &gt; maxNorm scale every gradient by
    /// maxNorm/‖g‖), then one optimiser step. Returns the loss and the final state. The reference is the step of
    /// <see cref="CharLanguageModelTraining"/> (with <see cref="GradientClipping.ClipByGlobalNorm{T}"/>); the checker
    /// hands the student's function an optimiser that records the gradients it is given.
    /// </summary>
    [Reference(typeof(CharLanguageModelTraining), nameof(CharLanguageModelTraining.Train))]
    [Exercise("08.train-step", "Exercise 8.3 — a training step with clipping")]
    public static CheckResult TrainStep(
        Func<CharLanguageModel<double>, TokenBatch, TokenBatch, RecurrentState<double>?, IOptimizer<double>, double, (double Loss, RecurrentState<double> Final)> trainStep)
    {
        ArgumentNullException.ThrowIfNull(trainStep);
        const string id = "08.train-step", title = "Exercise 8.3 — a training step with clipping";
        var vocabulary = CharVocabulary.Build("abcdefgh .");
        const int steps = 6, m = 3;
        var data = new Random(803);
        TokenBatch Batch() => new(Enumerable.Range(0, steps * m).Select(_ => data.Next(vocabulary.Count)).ToArray(), steps, m, [steps, steps, steps]);
        // (model seed, inputs, targets, initial state, maxNorm): nothing to clip; clipping; clipping from a carried state.
        var (x0, y0, x1, y1, x2, y2) = (Batch(), Batch(), Batch(), Batch(), Batch(), Batch());
        var state = new RecurrentState<double>(Init.Normal<double>(5, m, 0.5, data), Init.Normal<double>(5, m, 0.5, data));
        (int Seed, TokenBatch X, TokenBatch Y, RecurrentState<double>? State, double MaxNorm)[] cases =
        [
            (10, x0, y0, null, 1000.0),
            (11, x1, y1, null, 0.05),
            (12, x2, y2, state, 0.05),
        ];
        CharLanguageModel<double> Model(int c)
        {
            var model = new CharLanguageModel<double>(vocabulary, new CharLanguageModelOptions(RecurrentCell.Lstm, 1, 5, 4), new Random(cases[c].Seed));
            // The gradients of "the previous batch", still in Grad when the step starts.
            var stale = new Random(cases[c].Seed + 100);
            foreach (var p in model.Parameters) p.Grad.SetSubMatrix(0, 0, Init.Normal<double>(p.Grad.RowCount, p.Grad.ColumnCount, 1.0, stale));
            return model;
        }
        RecurrentState<double>? StateOf(int c) => cases[c].State is { } s ? new RecurrentState<double>(s.H.Clone(), s.C?.Clone()) : null;
        LmStep Run(int c, Func<CharLanguageModel<double>, IOptimizer<double>, (double, RecurrentState<double>)> step)
        {
            var model = Model(c);
            var optimizer = new LmRecordingOptimizer(new Adam<double>(0.01));
            var (loss, final) = step(model, optimizer);
            return new LmStep(loss, final.H, final.C, optimizer.Calls, optimizer.Gradients, model.Parameters.Select(p => p.Value.Clone()).ToArray());
        }
        var calls = new StudentCalls(title, "TrainStep");
        LmStep Student(int c) => Run(c, (model, optimizer) => calls.Call(() => trainStep(model, cases[c].X, cases[c].Y, StateOf(c), optimizer, cases[c].MaxNorm)));
        // The reference step and its typical mistakes: how the gradient is clipped, and whether Grad is zeroed first.
        LmStep Variant(int c, Action<IReadOnlyList<Parameter<double>>, double> clip, bool zeroGrad = true, bool useState = true) => Run(c, (model, optimizer) =>
        {
            if (zeroGrad) model.ZeroGrad();
            var (loss, final) = model.Loss(cases[c].X, cases[c].Y, useState ? StateOf(c) : null);
            model.Backward();
            clip(model.Parameters, cases[c].MaxNorm);
            optimizer.Step(model.Parameters);
            return (loss, final);
        });
        static void Global(IReadOnlyList<Parameter<double>> ps, double maxNorm) => GradientClipping.ClipByGlobalNorm(ps, maxNorm);
        static void Scale(IReadOnlyList<Parameter<double>> ps, double factor)
        {
            foreach (var p in ps) p.Grad.MapInplace(g => g * factor);
        }
        return calls.Verdict(new ExerciseCheck<LmStep>(id, title, LmCompareSteps)
            .Case("a small gradient (maxNorm = 1000: nothing to clip)",
                "Zero the gradients (model.ZeroGrad(): Grad still holds the previous batch's), then model.Loss(inputs, targets, state), model.Backward(), " +
                "then clip, then optimizer.Step(model.Parameters) once. Below maxNorm the gradients go to the optimiser unchanged.",
                () => Student(0), () => Variant(0, Global))
            .Case("a large gradient (maxNorm = 0.05)",
                "Clip after model.Backward() and before optimizer.Step: ‖g‖ = √(Σ over every parameter of Σ g²), one number for the whole model; " +
                "if ‖g‖ > maxNorm multiply every gradient by maxNorm/‖g‖.",
                () => Student(1), () => Variant(1, Global))
            .Case("the state carried in from the previous batch (truncated BPTT)",
                "Pass the state you are given to model.Loss(inputs, targets, state) and return the final state it gives back: the next batch continues from it.",
                () => Student(2), () => Variant(2, Global))
            .Mistake("the gradients reached the optimiser unclipped: either there is no clipping, or it ran before model.Backward() " +
                     "(on the zeros or the previous batch's gradients, which Backward then replaced)", c => Variant(c, (_, _) => { }))
            .Mistake("each parameter was clipped by its own norm instead of one global norm over all of them", c => Variant(c, (ps, max) =>
            {
                foreach (var p in ps)
                    if (p.Grad.FrobeniusNorm() is var n && n > max) p.Grad.MapInplace(g => g * max / n);
            }))
            .Mistake("the scale factor is upside down (‖g‖/maxNorm instead of maxNorm/‖g‖)", c => Variant(c, (ps, max) =>
            {
                double n = GradientClipping.GlobalNorm(ps);
                if (n > max) Scale(ps, n / max);
            }))
            .Mistake("the norm was taken without the square root (Σ g² instead of √(Σ g²))", c => Variant(c, (ps, max) =>
            {
                double n = Math.Pow(GradientClipping.GlobalNorm(ps), 2);
                if (n > max) Scale(ps, max / n);
            }))
            .Mistake("the gradients were rescaled to maxNorm even though their norm was smaller", c => Variant(c, (ps, max) => Scale(ps, max / GradientClipping.GlobalNorm(ps))))
            .Mistake("each entry was clamped to ±maxNorm (clipping by value, not by norm)", c => Variant(c, (ps, max) => GradientClipping.ClipByValue(ps, max)))
            .Mistake("the gradients were not zeroed first, so the previous batch's gradients were added in", c => Variant(c, Global, zeroGrad: false))
            .Mistake("the state passed in was ignored: the forward pass started from zeros", c => Variant(c, Global, useState: false))
            .Run());
    }

    /// <summary>
    /// Exercise 8.4: the training loop, one name at a time (the loop of the classic "Dinosaurus Island" exercise). For
    /// iteration j = 0 … iterations − 1 the example is names[j mod count], read from a zero state as inputs
    /// EOS c₁ … cₙ and targets c₁ … cₙ EOS; zero the gradients, forward and loss, backward, clip by the global norm,
    /// one optimiser step, keep the loss; after iterations sampleEvery, 2·sampleEvery, … sample namesPerSample names
    /// with model.Sample("", 20, 1.0, sampler). Returns the losses and the samples. The reference is
    /// <see cref="CharLanguageModelTraining.TrainOnExamples{T}"/>; the checker runs both loops from the same seed, with an
    /// optimiser that records the gradients of every call, and compares the loss curves, the gradients, the weights
    /// and the sampled names, in that order.
    /// </summary>
    [Reference(typeof(CharLanguageModelTraining), nameof(CharLanguageModelTraining.TrainOnExamples), nameof(CharLanguageModelTraining.Train))]
    [Exercise("08.training-loop", "Exercise 8.4 — the training loop, one name at a time")]
    public static CheckResult TrainOnNames(
        Func<CharLanguageModel<double>, string[], IOptimizer<double>, int, double, int, int, Random, (List<double> Losses, List<(int Iteration, string[] Names)> Samples)> trainOnNames)
    {
        ArgumentNullException.ThrowIfNull(trainOnNames);
        const string id = "08.training-loop", title = "Exercise 8.4 — the training loop, one name at a time";
        var calls = new StudentCalls(title, "TrainOnNames");
        var vocabulary = CharVocabulary.Build("abcdefgh");
        string[] all = ["bead", "cafe", "dab", "egg", "fig", "hag", "ace"];
        // (names, iterations, maxNorm, sampleEvery, namesPerSample): one step; the order of the examples; clipping; sampling.
        (string[] Names, int Iterations, double MaxNorm, int SampleEvery, int PerSample)[] cases =
        [
            (["cafe"], 1, 1000.0, 1000, 0),
            (["bead", "dab", "fig"], 5, 1000.0, 1000, 0),
            (all[..4], 6, 0.05, 1000, 0),
            (all, 10, 1.0, 3, 2),
        ];
        CharLanguageModel<double> Model(int c)
        {
            var model = new CharLanguageModel<double>(vocabulary, new CharLanguageModelOptions(RecurrentCell.Lstm, 1, 5, 4), new Random(840 + c));
            // The gradients of some earlier computation, still in Grad when the loop starts.
            var stale = new Random(850 + c);
            foreach (var p in model.Parameters) p.Grad.SetSubMatrix(0, 0, Init.Normal<double>(p.Grad.RowCount, p.Grad.ColumnCount, 1.0, stale));
            return model;
        }
        LmLoop Run(int c, Func<CharLanguageModel<double>, IOptimizer<double>, Random, (IReadOnlyList<double> Losses, IReadOnlyList<(int Iteration, string[] Names)> Samples)> loop)
        {
            var model = Model(c);
            var optimizer = new LmRecordingOptimizer(new Adam<double>(0.02));
            var (losses, samples) = loop(model, optimizer, new Random(860 + c));
            return new LmLoop(losses.ToArray(), optimizer.Calls, optimizer.History.ToArray(), model.Parameters.Select(p => p.Value.Clone()).ToArray(),
                samples.Select(s => (s.Iteration, s.Names.ToArray())).ToArray());
        }
        LmLoop Student(int c) => Run(c, (model, optimizer, sampler) =>
        {
            var k = cases[c];
            var (losses, samples) = calls.Call(() => trainOnNames(model, (string[])k.Names.Clone(), optimizer, k.Iterations, k.MaxNorm, k.SampleEvery, k.PerSample, sampler));
            return (losses ?? [], samples ?? []);
        });
        LmLoop Reference(int c) => Run(c, (model, optimizer, sampler) =>
        {
            var k = cases[c];
            var result = CharLanguageModelTraining.TrainOnExamples(model, k.Names, optimizer, k.Iterations, k.MaxNorm, k.SampleEvery, k.PerSample, sampler);
            return (result.Losses, result.Samples);
        });
        LmLoop Variant(int c, LoopMistake mistake) => Run(c, (model, optimizer, sampler) => LmMistakenLoop(model, cases[c].Names, optimizer,
            cases[c].Iterations, cases[c].MaxNorm, cases[c].SampleEvery, cases[c].PerSample, sampler, mistake));
        return calls.Verdict(new ExerciseCheck<LmLoop>(id, title, LmCompareLoops)
            .Case("one iteration on one name (maxNorm = 1000: nothing to clip)",
                "Read the name as inputs <EOS> c₁ … cₙ and targets c₁ … cₙ <EOS> (model.Vocabulary.Encode, one TokenBatch of n + 1 steps each), " +
                "from a zero state; then model.ZeroGrad(), model.Loss(inputs, targets), model.Backward(), clip, optimizer.Step(model.Parameters), and keep the loss.",
                () => Student(0), () => Reference(0))
            .Case("five iterations over three names",
                "Iteration j trains on names[j % names.Length], in order, each name from a zero state; one optimizer.Step per iteration.",
                () => Student(1), () => Reference(1))
            .Case("clipping acts (maxNorm = 0.05)",
                "After model.Backward() and before optimizer.Step, clip the gradients by their global norm (GradientClipping.ClipByGlobalNorm(model.Parameters, maxNorm), or your code of exercise 8.3).",
                () => Student(2), () => Reference(2))
            .Case("sampling every 3 iterations (10 iterations, 2 names each time)",
                "After iteration j's update, when (j + 1) % sampleEvery == 0, add (j + 1, names) with namesPerSample names, each model.Sample(\"\", 20, 1.0, sampler): the sampler you are given, so the names repeat run to run.",
                () => Student(3), () => Reference(3))
            .Mistake("the gradients reached optimizer.Step unclipped: either they are not clipped, or the clipping comes after optimizer.Step " +
                     "(clip after model.Backward() and before the step)", c => Variant(c, LoopMistake.NoClipping))
            .Mistake("optimizer.Step runs before model.Backward(), so each update uses the gradients of the iteration before", c => Variant(c, LoopMistake.StepBeforeBackward))
            .Mistake("the gradients are never zeroed: Backward adds into Grad, so every update also carries all the earlier gradients", c => Variant(c, LoopMistake.NoZeroGrad))
            .Mistake("model.ZeroGrad() runs after model.Backward(), so the optimizer sees zero gradients", c => Variant(c, LoopMistake.ZeroGradAfterBackward))
            .Mistake("the targets are not shifted: the model is asked to predict the character it is reading", c => Variant(c, LoopMistake.TargetsNotShifted))
            .Mistake("the inputs do not start with <EOS>: the first character is never predicted", c => Variant(c, LoopMistake.NoLeadingEos))
            .Mistake("the state of one name is carried into the next; each name starts from a zero state", c => Variant(c, LoopMistake.CarryState))
            .Mistake("every iteration trains on the first name: use names[j % names.Length]", c => Variant(c, LoopMistake.AlwaysFirst))
            .Mistake("the samples are taken when j % sampleEvery == 0, one iteration early: after iteration j's update, j + 1 iterations are done", c => Variant(c, LoopMistake.SampleOneEarly))
            .Run());
    }

    // ---- sampling ---------------------------------------------------------------------------------------------------

    /// <summary>Either the distribution draws should follow (reference, mistakes) or the draws themselves (student).</summary>
    private sealed record LmDraws(double[]? Probabilities, int[]? Draws);

    /// <summary>
    /// What a cumulative search "first k with u &lt; w_0 + … + w_k", u uniform in [0, 1), returns with weights w that
    /// need not sum to 1; what is left past the last index falls to the last index.
    /// </summary>
    private static double[] LmSearchDistribution(double[] w)
    {
        var p = new double[w.Length];
        double below = 0, cumulative = 0;
        for (int k = 0; k < w.Length; k++)
        {
            cumulative += w[k];
            double upTo = Math.Clamp(cumulative, 0, 1);
            p[k] = Math.Max(0, upTo - below);
            below = Math.Max(below, upTo);
        }
        p[^1] += 1 - below;
        return p;
    }

    private static string? LmRange(LmDraws actual, int count)
    {
        foreach (int k in actual.Draws!)
            if (k < 0 || k >= count) return $"your function returned index {k}, but there are {count} logits (indices 0..{count - 1}).";
        return null;
    }

    /// <summary>
    /// Pearson's χ² test of the draws against the expected distribution, at significance 10⁻⁶ (so a correct function
    /// fails by chance about once in a million seeds); an index with probability 0 must never be drawn.
    /// </summary>
    private static string? LmCompareFrequencies(LmDraws expected, LmDraws actual)
    {
        var p = expected.Probabilities!;
        var draws = actual.Draws!;
        if (LmRange(actual, p.Length) is { } outOfRange) return outOfRange;
        var counts = new int[p.Length];
        foreach (int k in draws) counts[k]++;
        int n = draws.Length;
        string Describe(int k) =>
            string.Create(CultureInfo.InvariantCulture, $"index {k} came up in {100.0 * counts[k] / n:0.#}% of {n:N0} draws, expected {100 * p[k]:0.#}%");
        for (int k = 0; k < p.Length; k++)
            if (p[k] == 0 && counts[k] > 0) return $"the draws do not follow softmax(z/τ): {Describe(k)}.";
        double chi2 = 0;
        int worst = 0, possible = 0;
        for (int k = 0; k < p.Length; k++)
        {
            if (p[k] == 0) continue;
            possible++;
            double e = n * p[k], term = (counts[k] - e) * (counts[k] - e) / e;
            chi2 += term;
            if (Math.Abs(counts[k] - e) > Math.Abs(counts[worst] - n * p[worst])) worst = k;
        }
        if (possible <= 1 || chi2 <= ChiSquared.InvCDF(possible - 1, 1 - 1e-6)) return null;
        return $"the draws do not follow softmax(z/τ): {Describe(worst)} (χ² = {Compare.F(chi2)} with {possible - 1} degrees of freedom).";
    }

    private static string? LmSameDraws(int[] expected, int[] actual, string name)
    {
        for (int i = 0; i < expected.Length; i++)
            if (expected[i] != actual[i]) return $"{name} differ from the reference's at draw {i + 1}: expected index {expected[i]}, got {actual[i]}.";
        return null;
    }

    private static string? LmSeedVerdict(int[] draws, int n)
    {
        var (first, second, other) = (draws[..n], draws[n..(2 * n)], draws[(2 * n)..]);
        if (!first.SequenceEqual(second)) return $"two runs of {n} draws, each with new Random(70), gave different indices.";
        if (first.SequenceEqual(other)) return $"{n} draws came out the same for new Random(70) and new Random(71): they do not come from rng.";
        return null;
    }

    // ---- the training step ------------------------------------------------------------------------------------------

    /// <summary>What one training step did: its loss and final state, the gradients each optimiser call saw, the weights after.</summary>
    private sealed record LmStep(double Loss, Matrix<double> H, Matrix<double>? C, int StepCalls, Matrix<double>[]? Gradients, Matrix<double>[] Weights);

    /// <summary>Delegates to a real optimiser and keeps a copy of the gradients of its last call.</summary>
    private sealed class LmRecordingOptimizer(IOptimizer<double> inner) : IOptimizer<double>
    {
        public int Calls { get; private set; }
        public Matrix<double>[]? Gradients { get; private set; }
        public List<Matrix<double>[]> History { get; } = [];

        public double LearningRate
        {
            get => inner.LearningRate;
            set => inner.LearningRate = value;
        }

        public void Step(IReadOnlyList<Parameter<double>> parameters)
        {
            Calls++;
            Gradients = parameters.Select(p => p.Grad.Clone()).ToArray();
            History.Add(Gradients);
            inner.Step(parameters);
        }
    }

    private static string? LmCompareSteps(LmStep expected, LmStep actual)
    {
        if (actual.StepCalls == 0) return "optimizer.Step was never called, so the weights did not change.";
        if (actual.StepCalls > 1) return $"optimizer.Step was called {actual.StepCalls} times; call it once, after clipping.";
        double Norm(Matrix<double>[] gs) => Math.Sqrt(gs.Sum(g => g.Enumerate().Sum(v => v * v)));
        if (LmRelative("the loss", expected.Loss, actual.Loss) is { } loss) return loss;
        if (Compare.Matrices("the final state's H", expected.H, actual.H, 1e-9) is { } h) return h;
        if (expected.C is not null && Compare.Matrices("the final state's C", expected.C, actual.C, 1e-9) is { } c) return c;
        var (eg, ag) = (expected.Gradients!, actual.Gradients!);
        if (Compare.MatrixLists("the gradients", eg, ag, LmTolerance(eg)) is { } gradients)
            return $"the gradients that reached optimizer.Step have global norm {Compare.F(Norm(ag))}, expected {Compare.F(Norm(eg))}: {gradients}";
        return Compare.MatrixLists("the weights after the step", expected.Weights, actual.Weights, 1e-9);
    }

    // ---- the training loop ------------------------------------------------------------------------------------------

    /// <summary>What a training loop did: the losses, the optimiser calls and the gradients of each, the weights after, the samples.</summary>
    private sealed record LmLoop(double[] Losses, int StepCalls, Matrix<double>[][] Gradients, Matrix<double>[] Weights, (int Iteration, string[] Names)[] Samples);

    /// <summary>The typical mistakes of exercise 8.4, each a change to the reference loop.</summary>
    private enum LoopMistake { NoClipping, StepBeforeBackward, NoZeroGrad, ZeroGradAfterBackward, TargetsNotShifted, NoLeadingEos, CarryState, AlwaysFirst, SampleOneEarly }

    /// <summary>The loop of <see cref="CharLanguageModelTraining.TrainOnExamples{T}"/> with one typical mistake.</summary>
    private static (IReadOnlyList<double> Losses, IReadOnlyList<(int Iteration, string[] Names)> Samples) LmMistakenLoop(CharLanguageModel<double> model,
        string[] names, IOptimizer<double> optimizer, int iterations, double maxNorm, int sampleEvery, int perSample, Random sampler, LoopMistake mistake)
    {
        var losses = new List<double>();
        var samples = new List<(int, string[])>();
        RecurrentState<double>? state = null;
        void Clip() => GradientClipping.ClipByGlobalNorm(model.Parameters, maxNorm);
        for (int j = 0; j < iterations; j++)
        {
            int[] ids = model.Vocabulary.Encode(names[mistake == LoopMistake.AlwaysFirst ? 0 : j % names.Length]);
            int[] x = mistake switch
            {
                LoopMistake.NoLeadingEos => ids,
                _ => [CharVocabulary.EosId, .. ids],
            };
            int[] y = mistake switch
            {
                LoopMistake.TargetsNotShifted => x,
                LoopMistake.NoLeadingEos => [.. ids[1..], CharVocabulary.EosId],
                _ => [.. ids, CharVocabulary.EosId],
            };
            var (inputs, targets) = (new TokenBatch(x, x.Length, 1, [x.Length]), new TokenBatch(y, y.Length, 1, [y.Length]));
            if (mistake != LoopMistake.NoZeroGrad && mistake != LoopMistake.ZeroGradAfterBackward) model.ZeroGrad();
            var (loss, final) = model.Loss(inputs, targets, mistake == LoopMistake.CarryState ? state : null);
            state = final;
            if (mistake == LoopMistake.StepBeforeBackward)
            {
                optimizer.Step(model.Parameters);
                model.Backward();
                Clip();
            }
            else
            {
                model.Backward();
                if (mistake == LoopMistake.ZeroGradAfterBackward) model.ZeroGrad();
                if (mistake != LoopMistake.NoClipping) Clip();
                optimizer.Step(model.Parameters);
            }
            losses.Add(loss);
            if ((mistake == LoopMistake.SampleOneEarly ? j : j + 1) % sampleEvery == 0)
                samples.Add((j + 1, Enumerable.Range(0, perSample).Select(_ => model.Sample("", 20, 1.0, sampler)).ToArray()));
        }
        return (losses, samples);
    }

    private static string? LmCompareLoops(LmLoop expected, LmLoop actual)
    {
        int n = expected.Losses.Length;
        if (actual.Losses.Length != n)
            return $"your function returned {actual.Losses.Length} losses for {n} iterations: add each iteration's loss to the list, once.";
        if (actual.StepCalls == 0) return "optimizer.Step was never called, so the weights did not change.";
        if (actual.StepCalls != expected.StepCalls)
            return $"optimizer.Step was called {actual.StepCalls} times in {n} iterations: call it once per iteration, after clipping.";
        // Iteration by iteration, in the order the loop computes them: the loss (before the update), then the gradients
        // that reach optimizer.Step; the first difference is where the student's loop leaves the reference.
        static double Norm(Matrix<double>[] gs) => Math.Sqrt(gs.Sum(g => g.Enumerate().Sum(v => v * v)));
        for (int j = 0; j < n; j++)
        {
            if (LmRelative("the loss", expected.Losses[j], actual.Losses[j]) is not null)
            {
                var (e, a) = LmDistinct(expected.Losses[j], actual.Losses[j]);
                return j == 0
                    ? $"the loss of iteration 1 is {a}, expected {e}: it is computed before any update, " +
                      "so the example itself is read differently (which name, the inputs, the targets, the initial state)."
                    : $"the losses agree for iteration{(j > 1 ? $"s 1 to {j}" : " 1")}, then differ at iteration {j + 1}: expected {e}, got {a}. " +
                      $"The example of iteration {j + 1}, or the weights the updates before it left, differ.";
            }
            if (Compare.MatrixLists("the gradients", expected.Gradients[j], actual.Gradients[j], LmTolerance(expected.Gradients[j])) is { } gradients)
            {
                var (e, a) = LmDistinct(Norm(expected.Gradients[j]), Norm(actual.Gradients[j]));
                return (j == 0 ? "the loss of iteration 1 agrees, but " : $"the losses of iterations 1 to {j + 1} agree, but at iteration {j + 1} ") +
                       $"the gradients that reached optimizer.Step have global norm {a}, expected {e}: {gradients}";
            }
        }
        if (Compare.MatrixLists("the weights after the loop", expected.Weights, actual.Weights, 1e-9) is { } weights) return weights;
        string When((int Iteration, string[] Names)[] samples) => samples.Length == 0 ? "never" : "after iterations " + string.Join(", ", samples.Select(s => s.Iteration));
        if (!expected.Samples.Select(s => s.Iteration).SequenceEqual(actual.Samples.Select(s => s.Iteration)))
            return $"you sampled {When(actual.Samples)}; expected {When(expected.Samples)}.";
        for (int k = 0; k < expected.Samples.Length; k++)
            if (!expected.Samples[k].Names.SequenceEqual(actual.Samples[k].Names))
                return $"the names sampled after iteration {expected.Samples[k].Iteration} are {LmNames(actual.Samples[k].Names)}, expected {LmNames(expected.Samples[k].Names)}.";
        return null;
    }

    /// <summary>Two numbers printed with as many significant digits (6 to 17) as it takes to tell them apart.</summary>
    private static (string Expected, string Actual) LmDistinct(double expected, double actual)
    {
        for (int digits = 6; digits < 17; digits++)
        {
            string e = expected.ToString("G" + digits, CultureInfo.InvariantCulture), a = actual.ToString("G" + digits, CultureInfo.InvariantCulture);
            if (e != a) return (e, a);
        }
        return (expected.ToString("R", CultureInfo.InvariantCulture), actual.ToString("R", CultureInfo.InvariantCulture));
    }

    private static string LmNames(string[] names) => names.Length == 0 ? "none" : string.Join(", ", names.Select(n => $"\"{n}\""));

    private static double LmTolerance(Matrix<double>[] gradients) => 1e-9 * Math.Max(1, gradients.Max(g => g.InfinityNorm()));

    private static string? LmRelative(string name, double expected, double actual) =>
        Compare.Scalars(name, expected, actual, 1e-9 * Math.Max(1, Math.Abs(expected)));
}
