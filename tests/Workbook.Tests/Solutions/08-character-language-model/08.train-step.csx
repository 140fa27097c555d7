(double Loss, RecurrentState<double> Final) TrainStep(CharLanguageModel<double> model, TokenBatch inputs, TokenBatch targets,
    RecurrentState<double>? state, IOptimizer<double> optimizer, double maxNorm)
{
    model.ZeroGrad();
    var (loss, final) = model.Loss(inputs, targets, state);
    model.Backward();

    double sumOfSquares = 0;
    foreach (var p in model.Parameters)
        sumOfSquares += p.Grad.Enumerate().Sum(g => g * g);
    double norm = Math.Sqrt(sumOfSquares);
    if (norm > maxNorm)
        foreach (var p in model.Parameters)
            p.Grad.MapInplace(g => g * maxNorm / norm);

    optimizer.Step(model.Parameters);
    return (loss, final);
}
