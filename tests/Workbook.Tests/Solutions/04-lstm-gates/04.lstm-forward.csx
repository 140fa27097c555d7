(Matrix<double>[] h, Matrix<double>[] c) LstmForward(Matrix<double>[] xs, Matrix<double> h0, Matrix<double> c0, LstmWeights<double> w)
{
    var hs = new Matrix<double>[xs.Length];
    var cs = new Matrix<double>[xs.Length];
    var (h, c) = (h0, c0);
    for (int t = 0; t < xs.Length; t++)
    {
        (h, c) = LstmCellForward(xs[t], h, c, w);
        hs[t] = h;
        cs[t] = c;
    }
    return (hs, cs);
}
