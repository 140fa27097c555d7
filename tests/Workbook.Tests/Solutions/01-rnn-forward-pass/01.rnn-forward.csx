Matrix<double>[] RnnForward(Matrix<double>[] xs, Matrix<double> h0, Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> bh)
{
    var hs = new Matrix<double>[xs.Length];
    var h = h0;
    for (int t = 0; t < xs.Length; t++)
    {
        h = RnnCellForward(xs[t], h, Wxh, Whh, bh);
        hs[t] = h;
    }
    return hs;
}
