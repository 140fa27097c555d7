using MathNet.Numerics.LinearAlgebra;
using SequenceModels.Exercises;

namespace SequenceModels.Tests.Exercises;

public class Check08Tests
{
    // ---- Exercise 8.1 ----------------------------------------------------------------------------------------------

    private static double Perplexity(double[] logProbabilities)
    {
        double nll = 0;
        foreach (double lp in logProbabilities) nll -= lp;
        return Math.Exp(nll / logProbabilities.Length);
    }

    [Fact]
    public void Perplexity_passes_a_correct_function() => Assert.Equal(CheckStatus.Passed, Check.Perplexity(Perplexity).Status);

    [Fact]
    public void Perplexity_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.Perplexity(_ => throw new NotImplementedException()).Status);

    [Fact]
    public void Perplexity_without_the_minus_sign_is_recognised()
    {
        var result = Check.Perplexity(lps => Math.Exp(lps.Average()));
        Assert.StartsWith("Case \"one character, p = 1/4\": the perplexity: expected 4, got 0.25", result.Messages[0]);
        Assert.Contains("It looks like the minus sign is missing (exp(mean log p) = 1/perplexity).", result.Messages);
    }

    [Fact]
    public void Perplexity_from_the_sum_is_recognised_on_the_uniform_model()
    {
        var result = Check.Perplexity(lps => Math.Exp(-lps.Sum()));
        Assert.StartsWith("Case \"a uniform model over V = 28 ids, 7 characters\": the perplexity: expected 28, got", result.Messages[0]);
        Assert.Contains("perplexity exactly V", result.Messages[1]);
        Assert.Contains("It looks like the log-probabilities were summed instead of averaged (exp of the total NLL).", result.Messages);
    }

    [Fact]
    public void Perplexity_without_the_exponential_is_recognised()
    {
        var result = Check.Perplexity(lps => -lps.Average());
        Assert.StartsWith("Case \"a character predicted with certainty (log p = 0)\": the perplexity: expected 1, got -0", result.Messages[0]);
        Assert.Contains("It looks like the exponential is missing: that is the mean NLL (the loss in nats), not the perplexity.", result.Messages);
    }

    [Fact]
    public void Perplexity_in_base_two_is_recognised()
    {
        var result = Check.Perplexity(lps => Math.Pow(2, -lps.Average()));
        Assert.StartsWith("Case \"one character, p = 1/4\"", result.Messages[0]);
        Assert.Contains("It looks like 2 was raised to the mean NLL, but these are natural logs: use Math.Exp.", result.Messages);
    }

    [Fact]
    public void Perplexity_from_the_arithmetic_mean_of_probabilities_is_recognised()
    {
        var result = Check.Perplexity(lps => 1 / lps.Average(Math.Exp));
        Assert.StartsWith("Case \"two characters, p = 1/2 and 1/8\": the perplexity: expected 4, got 3.2", result.Messages[0]);
        Assert.Contains("It looks like the probabilities were averaged (1 / mean p); perplexity inverts their geometric mean, exp of the mean NLL.", result.Messages);
    }

    // ---- Exercise 8.2 ----------------------------------------------------------------------------------------------

    private enum SampleBug { None, MultiplyTau, AfterSoftmax, NotNormalised, NoMaxShift, Argmax, IndexAfter, OneBased, SharedRandom, FixedSeed, TwoDraws, NoGreedy }

    /// <summary>A student-style sampler, written without the library, with one typical bug switched on.</summary>
    private static Func<double[], double, Random, int> Sampler(SampleBug bug = SampleBug.None) => (z, tau, rng) =>
    {
        int k = 0;
        if (bug == SampleBug.Argmax || (tau == 0 && bug != SampleBug.NoGreedy))
        {
            for (int j = 1; j < z.Length; j++)
                if (z[j] > z[k]) k = j;
            return k;
        }
        double max = bug == SampleBug.NoMaxShift || bug == SampleBug.NotNormalised ? 0 : z.Max();
        var e = z.Select(v => bug == SampleBug.MultiplyTau ? Math.Exp((v - max) * tau) : Math.Exp((v - max) / tau)).ToArray();
        if (bug == SampleBug.AfterSoftmax) e = z.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        var p = e.Select(v => bug == SampleBug.NotNormalised ? v : bug == SampleBug.AfterSoftmax ? v / sum / tau : v / sum).ToArray();
        var source = bug switch { SampleBug.SharedRandom => Random.Shared, SampleBug.FixedSeed => new Random(42), _ => rng };
        double u = bug == SampleBug.TwoDraws ? (source.NextDouble() + source.NextDouble()) % 1.0 : source.NextDouble();
        double cumulative = 0;
        for (k = 0; k < p.Length; k++)
        {
            if (bug == SampleBug.IndexAfter && u < cumulative) return k;
            cumulative += p[k];
            if (bug != SampleBug.IndexAfter && u < cumulative) return bug == SampleBug.OneBased ? k + 1 : k;
        }
        return p.Length - 1;
    };

    [Fact]
    public void Sampling_passes_a_correct_function() => Assert.Equal(CheckStatus.Passed, Check.SampleNext(Sampler()).Status);

    [Fact]
    public void Sampling_with_the_library_passes() => Assert.Equal(CheckStatus.Passed, Check.SampleNext((z, t, r) => Sampling.SampleWithTemperature(z, t, r)).Status);

    [Fact]
    public void Sampling_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.SampleNext((_, _, _) => throw new NotImplementedException()).Status);

    [Fact]
    public void Sampling_with_one_based_indices_fails_on_the_range() =>
        Assert.Equal("Case \"the index is in range (5 logits, τ = 1, 200 draws)\": your function returned index 5, but there are 5 logits (indices 0..4).",
            Check.SampleNext(Sampler(SampleBug.OneBased)).Messages[0]);

    [Fact]
    public void Sampling_with_the_temperature_multiplied_is_recognised()
    {
        var result = Check.SampleNext(Sampler(SampleBug.MultiplyTau));
        Assert.StartsWith("Case \"τ = 0.5: sharper (4,000 draws)\": the draws do not follow softmax(z/τ): index", result.Messages[0]);
        Assert.Contains("It looks like the temperature multiplied the logits (softmax(z·τ)) instead of dividing them (softmax(z/τ)).", result.Messages);
        Assert.DoesNotContain(result.Messages, m => m.Contains("after the softmax"));
    }

    [Fact]
    public void Sampling_with_the_temperature_after_the_softmax_is_recognised()
    {
        var result = Check.SampleNext(Sampler(SampleBug.AfterSoftmax));
        Assert.StartsWith("Case \"τ = 0.5: sharper (4,000 draws)\"", result.Messages[0]);
        Assert.Contains("It looks like the temperature was applied after the softmax (softmax(z)/τ), so the probabilities no longer sum to 1.", result.Messages);
        Assert.DoesNotContain(result.Messages, m => m.Contains("multiplied"));
    }

    [Fact]
    public void Sampling_without_normalising_is_recognised()
    {
        var result = Check.SampleNext(Sampler(SampleBug.NotNormalised));
        Assert.StartsWith("Case \"τ = 1: the model's own distribution (4,000 draws)\"", result.Messages[0]);
        Assert.Contains("It looks like the probabilities were not normalised (exp(z/τ) without dividing by the sum).", result.Messages);
    }

    [Fact]
    public void Sampling_that_always_returns_the_argmax_is_recognised()
    {
        var result = Check.SampleNext(Sampler(SampleBug.Argmax));
        Assert.StartsWith("Case \"τ = 1: the model's own distribution (4,000 draws)\": the draws do not follow softmax(z/τ): index 1 came up in 100% of 4,000 draws",
            result.Messages[0]);
        Assert.Contains(result.Messages, m => m.StartsWith("It looks like every draw returned the most likely index", StringComparison.Ordinal));
    }

    [Fact]
    public void Sampling_with_an_off_by_one_search_is_recognised()
    {
        var result = Check.SampleNext(Sampler(SampleBug.IndexAfter));
        Assert.StartsWith("Case \"τ = 1: the model's own distribution (4,000 draws)\": the draws do not follow softmax(z/τ): index 2 came up in 54.1% of 4,000 draws, expected 5.4%",
            result.Messages[0]);
        Assert.Contains("It looks like the cumulative search is off by one: it returns the index after the one drawn (u was compared with the sum before p_k was added).",
            result.Messages);
    }

    [Fact]
    public void Sampling_without_subtracting_the_maximum_fails_on_large_logits()
    {
        var result = Check.SampleNext(Sampler(SampleBug.NoMaxShift));
        Assert.StartsWith("Case \"large logits (1000, 999, 998, 990)\"", result.Messages[0]);
        Assert.Contains("Subtract the largest logit", result.Messages[1]);
    }

    [Fact]
    public void Sampling_that_divides_by_a_zero_temperature_fails_on_greedy()
    {
        var result = Check.SampleNext(Sampler(SampleBug.NoGreedy));
        Assert.StartsWith("Case \"τ = 0: greedy\": the draws at τ = 0 differ from the reference's at draw 1: expected index 1, got", result.Messages[0]);
    }

    [Fact]
    public void Sampling_from_a_shared_generator_is_not_reproducible() =>
        Assert.Equal("Case \"every random number from rng\": two runs of 50 draws, each with new Random(70), gave different indices.",
            Check.SampleNext(Sampler(SampleBug.SharedRandom)).Messages[0]);

    [Fact]
    public void Sampling_from_a_new_fixed_seed_on_every_call_is_caught()
    {
        var result = Check.SampleNext(Sampler(SampleBug.FixedSeed));
        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("came up in 100% of 4,000 draws", result.Messages[0]);
    }

    [Fact]
    public void Sampling_with_the_right_distribution_but_other_draws_fails_only_on_the_library_case()
    {
        var result = Check.SampleNext(Sampler(SampleBug.TwoDraws));
        Assert.StartsWith("Case \"the same draws as the library for the same seed (τ = 0.8, 500 draws)\": your draws differ from the reference's at draw",
            result.Messages[0]);
        Assert.Contains("exactly one rng.NextDouble()", result.Messages[1]);
    }

    // ---- Exercise 8.3 ----------------------------------------------------------------------------------------------

    public enum StepBug { None, NoClip, ClipBeforeBackward, PerParameter, UpsideDown, NoZeroGrad, IgnoreState, NoStep, AlwaysRescale, ByValue }

    /// <summary>A student-style training step (plain MathNet for the clipping) with one typical bug switched on.</summary>
    private static Func<CharLanguageModel<double>, TokenBatch, TokenBatch, RecurrentState<double>?, IOptimizer<double>, double, (double, RecurrentState<double>)>
        Step(StepBug bug = StepBug.None) => (model, inputs, targets, state, optimizer, maxNorm) =>
    {
        void Clip()
        {
            if (bug == StepBug.ByValue)
            {
                foreach (var p in model.Parameters) p.Grad.MapInplace(g => Math.Clamp(g, -maxNorm, maxNorm));
                return;
            }
            if (bug == StepBug.PerParameter)
            {
                foreach (var p in model.Parameters)
                {
                    double own = Math.Sqrt(p.Grad.Enumerate().Sum(g => g * g));
                    if (own > maxNorm) p.Grad.MapInplace(g => g * maxNorm / own);
                }
                return;
            }
            double sum = 0;
            foreach (var p in model.Parameters) sum += p.Grad.Enumerate().Sum(g => g * g);
            double norm = Math.Sqrt(sum);
            if (norm > maxNorm || bug == StepBug.AlwaysRescale)
            {
                double scale = bug == StepBug.UpsideDown ? norm / maxNorm : maxNorm / norm;
                foreach (var p in model.Parameters) p.Grad.MapInplace(g => g * scale);
            }
        }
        if (bug != StepBug.NoZeroGrad)
            foreach (var p in model.Parameters) p.Grad.Clear();
        if (bug == StepBug.ClipBeforeBackward) Clip();
        var (loss, final) = model.Loss(inputs, targets, bug == StepBug.IgnoreState ? null : state);
        model.Backward();
        if (bug is not (StepBug.NoClip or StepBug.ClipBeforeBackward)) Clip();
        if (bug != StepBug.NoStep) optimizer.Step(model.Parameters);
        return (loss, final);
    };

    private const string Unclipped = "It looks like the gradients reached the optimiser unclipped: either there is no clipping, or it ran before model.Backward() " +
                                     "(on the zeros or the previous batch's gradients, which Backward then replaced).";

    [Fact]
    public void Train_step_passes_a_correct_function() => Assert.Equal(CheckStatus.Passed, Check.TrainStep(Step()).Status);

    [Fact]
    public void Train_step_not_written_yet_is_not_done() =>
        Assert.Equal(CheckStatus.NotDone, Check.TrainStep((_, _, _, _, _, _) => throw new NotImplementedException()).Status);

    [Theory]
    [InlineData(StepBug.NoClip)]
    [InlineData(StepBug.ClipBeforeBackward)]
    public void Train_step_without_effective_clipping_is_recognised_on_the_large_gradient(StepBug bug)
    {
        var result = Check.TrainStep(Step(bug));
        Assert.StartsWith("Case \"a large gradient (maxNorm = 0.05)\": the gradients that reached optimizer.Step have global norm", result.Messages[0]);
        Assert.Contains("expected 0.05:", result.Messages[0]);
        Assert.Contains(Unclipped, result.Messages);
    }

    [Fact]
    public void Train_step_clipping_each_parameter_is_recognised()
    {
        var result = Check.TrainStep(Step(StepBug.PerParameter));
        Assert.StartsWith("Case \"a large gradient (maxNorm = 0.05)\"", result.Messages[0]);
        Assert.Contains("It looks like each parameter was clipped by its own norm instead of one global norm over all of them.", result.Messages);
    }

    [Fact]
    public void Train_step_with_the_scale_upside_down_is_recognised() =>
        Assert.Contains("It looks like the scale factor is upside down (‖g‖/maxNorm instead of maxNorm/‖g‖).", Check.TrainStep(Step(StepBug.UpsideDown)).Messages);

    [Fact]
    public void Train_step_that_always_rescales_fails_on_the_small_gradient()
    {
        var result = Check.TrainStep(Step(StepBug.AlwaysRescale));
        Assert.StartsWith("Case \"a small gradient (maxNorm = 1000: nothing to clip)\"", result.Messages[0]);
        Assert.Contains("It looks like the gradients were rescaled to maxNorm even though their norm was smaller.", result.Messages);
    }

    [Fact]
    public void Train_step_clipping_by_value_is_recognised() =>
        Assert.Contains("It looks like each entry was clamped to ±maxNorm (clipping by value, not by norm).", Check.TrainStep(Step(StepBug.ByValue)).Messages);

    [Fact]
    public void Train_step_without_zeroing_the_gradients_is_recognised()
    {
        var result = Check.TrainStep(Step(StepBug.NoZeroGrad));
        Assert.StartsWith("Case \"a small gradient (maxNorm = 1000: nothing to clip)\": the gradients that reached optimizer.Step", result.Messages[0]);
        Assert.Contains("It looks like the gradients were not zeroed first, so the previous batch's gradients were added in.", result.Messages);
    }

    [Fact]
    public void Train_step_that_ignores_the_state_is_recognised()
    {
        var result = Check.TrainStep(Step(StepBug.IgnoreState));
        Assert.StartsWith("Case \"the state carried in from the previous batch (truncated BPTT)\": the loss: expected", result.Messages[0]);
        Assert.Contains("It looks like the state passed in was ignored: the forward pass started from zeros.", result.Messages);
    }

    [Fact]
    public void Train_step_without_the_optimiser_step_says_so() =>
        Assert.Equal("Case \"a small gradient (maxNorm = 1000: nothing to clip)\": optimizer.Step was never called, so the weights did not change.",
            Check.TrainStep(Step(StepBug.NoStep)).Messages[0]);

    // ---- Exercise 8.4 ----------------------------------------------------------------------------------------------

    public enum LoopBug
    {
        None, NoClip, ClipAfterStep, StepBeforeBackward, NoZeroGrad, ZeroGradAfterBackward, TargetsNotShifted, NoLeadingEos, CarryState,
        AlwaysFirst, SampleOneEarly, OwnSampler, TwoSteps, OneLossShort,
    }

    /// <summary>A student-style training loop (own encoding and clipping, plain MathNet) with one typical bug switched on.</summary>
    private static Func<CharLanguageModel<double>, string[], IOptimizer<double>, int, double, int, int, Random, (List<double>, List<(int, string[])>)>
        Loop(LoopBug bug = LoopBug.None) => (model, names, optimizer, iterations, maxNorm, sampleEvery, namesPerSample, sampler) =>
    {
        var losses = new List<double>();
        var samples = new List<(int, string[])>();
        var ownSampler = new Random(1);
        RecurrentState<double>? state = null;
        void Clip()
        {
            double norm = Math.Sqrt(model.Parameters.Sum(p => p.Grad.Enumerate().Sum(g => g * g)));
            if (norm > maxNorm)
                foreach (var p in model.Parameters) p.Grad.MapInplace(g => g * maxNorm / norm);
        }
        for (int j = 0; j < iterations; j++)
        {
            string name = bug == LoopBug.AlwaysFirst ? names[0] : names[j % names.Length];
            var ids = name.Select(c => model.Vocabulary.IdOf(c)).ToList();
            var x = bug == LoopBug.NoLeadingEos ? ids : [0, .. ids];
            var y = bug switch
            {
                LoopBug.TargetsNotShifted => x,
                LoopBug.NoLeadingEos => [.. ids.Skip(1), 0],
                _ => [.. ids, 0],
            };
            var inputs = new TokenBatch(x.ToArray(), x.Count, 1, [x.Count]);
            var targets = new TokenBatch(y.ToArray(), y.Count, 1, [y.Count]);
            if (bug is not (LoopBug.NoZeroGrad or LoopBug.ZeroGradAfterBackward))
                foreach (var p in model.Parameters) p.Grad.Clear();
            var (loss, final) = model.Loss(inputs, targets, bug == LoopBug.CarryState ? state : null);
            state = final;
            if (bug == LoopBug.StepBeforeBackward) optimizer.Step(model.Parameters);
            model.Backward();
            if (bug == LoopBug.ZeroGradAfterBackward) model.ZeroGrad();
            if (bug is not (LoopBug.NoClip or LoopBug.ClipAfterStep)) Clip();
            if (bug != LoopBug.StepBeforeBackward) optimizer.Step(model.Parameters);
            if (bug == LoopBug.TwoSteps) optimizer.Step(model.Parameters);
            if (bug == LoopBug.ClipAfterStep) Clip();
            if (bug != LoopBug.OneLossShort || j > 0) losses.Add(loss);
            if ((bug == LoopBug.SampleOneEarly ? j : j + 1) % sampleEvery == 0)
                samples.Add((j + 1, Enumerable.Range(0, namesPerSample)
                    .Select(_ => model.Sample("", 20, 1.0, bug == LoopBug.OwnSampler ? ownSampler : sampler)).ToArray()));
        }
        return (losses, samples);
    };

    [Fact]
    public void Training_loop_passes_a_correct_function() => Assert.Equal(CheckStatus.Passed, Check.TrainOnNames(Loop()).Status);

    [Fact]
    public void Training_loop_that_calls_a_correct_train_step_passes()
    {
        var step = Step();
        var result = Check.TrainOnNames((model, names, optimizer, iterations, maxNorm, sampleEvery, namesPerSample, sampler) =>
        {
            var losses = new List<double>();
            var samples = new List<(int, string[])>();
            for (int j = 0; j < iterations; j++)
            {
                var (inputs, targets) = CharLanguageModelTraining.ExampleBatches(model.Vocabulary, names[j % names.Length]);
                losses.Add(step(model, inputs, targets, null, optimizer, maxNorm).Item1);
                if ((j + 1) % sampleEvery == 0) samples.Add((j + 1, Enumerable.Range(0, namesPerSample).Select(_ => model.Sample("", 20, 1.0, sampler)).ToArray()));
            }
            return (losses, samples);
        });
        Assert.Equal(CheckStatus.Passed, result.Status);
    }

    [Fact]
    public void Training_loop_with_the_library_passes() =>
        Assert.Equal(CheckStatus.Passed, Check.TrainOnNames((model, names, optimizer, iterations, maxNorm, sampleEvery, namesPerSample, sampler) =>
        {
            var result = CharLanguageModelTraining.TrainOnExamples(model, names, optimizer, iterations, maxNorm, sampleEvery, namesPerSample, sampler);
            return (result.Losses.ToList(), result.Samples.ToList());
        }).Status);

    [Fact]
    public void Training_loop_not_written_yet_is_not_done()
    {
        var result = Check.TrainOnNames((_, _, _, _, _, _, _, _) => throw new NotImplementedException("Exercise 8.4: TrainOnNames"));
        Assert.Equal(CheckStatus.NotDone, result.Status);
        Assert.StartsWith("Not done yet", result.Messages[0]);
    }

    [Fact]
    public void Training_loop_that_calls_an_unfinished_train_step_names_exercise_8_3()
    {
        var result = Check.TrainOnNames((_, _, _, _, _, _, _, _) => throw new NotImplementedException("Exercise 8.3: TrainStep"));
        Assert.Equal(CheckStatus.NotDone, result.Status);
        Assert.Equal(["Your TrainOnNames calls your TrainStep (Exercise 8.3), which is not finished. Finish Exercise 8.3 first " +
                      "(or call the library's version in its place, as the exercise says), then run this check again."], result.Messages);
    }

    [Theory]
    [InlineData(LoopBug.NoClip)]
    [InlineData(LoopBug.ClipAfterStep)]
    public void Training_loop_without_effective_clipping_is_recognised_where_clipping_acts(LoopBug bug)
    {
        const string diagnosis = "It looks like the gradients reached optimizer.Step unclipped: either they are not clipped, or the clipping comes " +
                                 "after optimizer.Step (clip after model.Backward() and before the step).";
        var result = Check.TrainOnNames(Loop(bug));
        Assert.StartsWith("Case \"clipping acts (maxNorm = 0.05)\": the loss of iteration 1 agrees, but the gradients that reached optimizer.Step have global norm", result.Messages[0]);
        Assert.Contains("expected 0.05:", result.Messages[0]);
        Assert.Contains(diagnosis, result.Messages);
        Assert.Single(result.Messages, m => m.StartsWith("It looks like", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(LoopBug.StepBeforeBackward, "It looks like optimizer.Step runs before model.Backward(), so each update uses the gradients of the iteration before.")]
    [InlineData(LoopBug.NoZeroGrad, "It looks like the gradients are never zeroed: Backward adds into Grad, so every update also carries all the earlier gradients.")]
    [InlineData(LoopBug.ZeroGradAfterBackward, "It looks like model.ZeroGrad() runs after model.Backward(), so the optimizer sees zero gradients.")]
    public void Training_loop_with_the_steps_in_the_wrong_order_is_recognised_on_the_first_iteration(LoopBug bug, string diagnosis)
    {
        var result = Check.TrainOnNames(Loop(bug));
        Assert.StartsWith("Case \"one iteration on one name (maxNorm = 1000: nothing to clip)\": the loss of iteration 1 agrees, but the gradients", result.Messages[0]);
        Assert.Contains(diagnosis, result.Messages);
    }

    [Theory]
    [InlineData(LoopBug.TargetsNotShifted, "It looks like the targets are not shifted: the model is asked to predict the character it is reading.")]
    [InlineData(LoopBug.NoLeadingEos, "It looks like the inputs do not start with <EOS>: the first character is never predicted.")]
    public void Training_loop_that_reads_the_example_wrongly_is_recognised_by_the_first_loss(LoopBug bug, string diagnosis)
    {
        var result = Check.TrainOnNames(Loop(bug));
        Assert.StartsWith("Case \"one iteration on one name (maxNorm = 1000: nothing to clip)\": the loss of iteration 1 is", result.Messages[0]);
        Assert.Contains(diagnosis, result.Messages);
    }

    [Theory]
    [InlineData(LoopBug.CarryState, "It looks like the state of one name is carried into the next; each name starts from a zero state.")]
    [InlineData(LoopBug.AlwaysFirst, "It looks like every iteration trains on the first name: use names[j % names.Length].")]
    public void Training_loop_that_goes_wrong_from_the_second_name_is_recognised(LoopBug bug, string diagnosis)
    {
        var result = Check.TrainOnNames(Loop(bug));
        Assert.StartsWith("Case \"five iterations over three names\": the losses agree for iteration 1, then differ at iteration 2", result.Messages[0]);
        Assert.Contains(diagnosis, result.Messages);
    }

    [Fact]
    public void Training_loop_that_samples_one_iteration_early_is_recognised()
    {
        var result = Check.TrainOnNames(Loop(LoopBug.SampleOneEarly));
        Assert.Equal("Case \"one iteration on one name (maxNorm = 1000: nothing to clip)\": you sampled after iterations 1; expected never.", result.Messages[0]);
        Assert.Contains("It looks like the samples are taken when j % sampleEvery == 0, one iteration early: after iteration j's update, j + 1 iterations are done.", result.Messages);
    }

    [Fact]
    public void Training_loop_that_samples_from_its_own_generator_gets_other_names()
    {
        var result = Check.TrainOnNames(Loop(LoopBug.OwnSampler));
        Assert.StartsWith("Case \"sampling every 3 iterations (10 iterations, 2 names each time)\": the names sampled after iteration 3 are", result.Messages[0]);
        Assert.Contains("the sampler you are given", result.Messages[1]);
    }

    [Fact]
    public void Training_loop_that_steps_twice_says_so() =>
        Assert.Equal("Case \"one iteration on one name (maxNorm = 1000: nothing to clip)\": optimizer.Step was called 2 times in 1 iterations: call it once per iteration, after clipping.",
            Check.TrainOnNames(Loop(LoopBug.TwoSteps)).Messages[0]);

    [Fact]
    public void Training_loop_that_loses_a_loss_says_so() =>
        Assert.Equal("Case \"one iteration on one name (maxNorm = 1000: nothing to clip)\": your function returned 0 losses for 1 iterations: add each iteration's loss to the list, once.",
            Check.TrainOnNames(Loop(LoopBug.OneLossShort)).Messages[0]);

    [Fact]
    public void The_catalogue_lists_the_exercises_of_notebook_08_in_order() =>
        Assert.Equal(["08.perplexity", "08.sample", "08.train-step", "08.training-loop"], ExerciseCatalogue.ForNotebook("08").Select(e => e.Id));
}
