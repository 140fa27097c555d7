double WorstRelativeError(BpttFunction bptt, Matrix<double>[] xs, Matrix<double> h0, Matrix<double> Wxh, Matrix<double> Whh,
    Matrix<double> bh, Matrix<double>[] G)
{
    var parameters = new[]
    {
        new Parameter<double>("Wxh", Wxh), new Parameter<double>("Whh", Whh),
        new Parameter<double>("bh", bh), new Parameter<double>("h0", h0),
    };
    double Loss()
    {
        var hs = RnnCell.Unroll(xs, h0, Wxh, Whh, bh);
        double sum = 0;
        for (int t = 0; t < hs.Length; t++) sum += hs[t].PointwiseMultiply(G[t]).Enumerate().Sum();
        return sum;
    }
    void Backward()
    {
        var (dWxh, dWhh, dbh, dh0) = bptt(xs, h0, Wxh, Whh, bh, G);
        dWxh.CopyTo(parameters[0].Grad);
        dWhh.CopyTo(parameters[1].Grad);
        dbh.CopyTo(parameters[2].Grad);
        dh0.CopyTo(parameters[3].Grad);
    }
    return GradientCheck.Run(parameters, Loss, Backward).MaxRelativeError;
}
