Matrix<double>[] GruForward(Matrix<double>[] xs, Matrix<double> c0, GruWeights<double> w)
{
    var cs = new Matrix<double>[xs.Length];
    var c = c0;
    for (int t = 0; t < xs.Length; t++)
    {
        c = GruCellForward(xs[t], c, w);
        cs[t] = c;
    }
    return cs;
}
