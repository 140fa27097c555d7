Matrix<double>[] ResidualRnnForward(Matrix<double>[] xs, Matrix<double> h0, Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> bh)
{
    var hs = new Matrix<double>[xs.Length];
    var h = h0;
    for (int t = 0; t < xs.Length; t++)
    {
        var z = Wxh * xs[t] + Whh * h;
        for (int j = 0; j < z.ColumnCount; j++)
            z.SetColumn(j, z.Column(j) + bh.Column(0));
        h = h + z.Map(Math.Tanh);
        hs[t] = h;
    }
    return hs;
}
