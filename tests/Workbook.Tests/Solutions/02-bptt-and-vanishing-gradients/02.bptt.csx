(Matrix<double> dWxh, Matrix<double> dWhh, Matrix<double> dbh, Matrix<double> dh0) Bptt(
    Matrix<double>[] xs, Matrix<double> h0, Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> bh, Matrix<double>[] dhs)
{
    var hs = RnnCell.Unroll(xs, h0, Wxh, Whh, bh);
    var dWxh = Matrix<double>.Build.Dense(Wxh.RowCount, Wxh.ColumnCount);
    var dWhh = Matrix<double>.Build.Dense(Whh.RowCount, Whh.ColumnCount);
    var dbh = Matrix<double>.Build.Dense(bh.RowCount, 1);
    var carried = Matrix<double>.Build.Dense(h0.RowCount, h0.ColumnCount); // nothing comes back from after step T
    for (int t = xs.Length - 1; t >= 0; t--)
    {
        var hPrev = t == 0 ? h0 : hs[t - 1];
        var step = RnnCellBackward(dhs[t] + carried, xs[t], hPrev, hs[t], Wxh, Whh);
        dWxh += step.dWxh;
        dWhh += step.dWhh;
        dbh += step.dbh;
        carried = step.dhPrev;
    }
    return (dWxh, dWhh, dbh, carried);
}
