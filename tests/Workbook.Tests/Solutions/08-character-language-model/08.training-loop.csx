(List<double> Losses, List<(int Iteration, string[] Names)> Samples) TrainOnNames(CharLanguageModel<double> model, string[] names,
    IOptimizer<double> optimizer, int iterations, double maxNorm, int sampleEvery, int namesPerSample, Random sampler)
{
    var losses = new List<double>();
    var samples = new List<(int Iteration, string[] Names)>();
    for (int j = 0; j < iterations; j++)
    {
        int[] ids = model.Vocabulary.Encode(names[j % names.Length]);
        int steps = ids.Length + 1;
        var inputs = new TokenBatch([CharVocabulary.EosId, .. ids], steps, 1, [steps]);
        var targets = new TokenBatch([.. ids, CharVocabulary.EosId], steps, 1, [steps]);

        model.ZeroGrad();
        var (loss, _) = model.Loss(inputs, targets);
        model.Backward();
        GradientClipping.ClipByGlobalNorm(model.Parameters, maxNorm);
        optimizer.Step(model.Parameters);
        losses.Add(loss);

        if ((j + 1) % sampleEvery == 0)
        {
            var sampled = new string[namesPerSample];
            for (int k = 0; k < namesPerSample; k++) sampled[k] = model.Sample("", 20, 1.0, sampler);
            samples.Add((j + 1, sampled));
        }
    }
    return (losses, samples);
}
