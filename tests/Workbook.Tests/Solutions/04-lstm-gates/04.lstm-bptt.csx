(LstmWeights<double> dW, Matrix<double>[] dx, Matrix<double> dh0, Matrix<double> dc0) LstmBptt(
    Matrix<double>[] xs, Matrix<double> h0, Matrix<double> c0, LstmWeights<double> w, Matrix<double>[] dhs)
{
    int T = xs.Length;

    // Forward, keeping every step: its gates, h⟨t⟩ and c⟨t⟩.
    var steps = new LstmStep<double>[T];
    var (h, c) = (h0, c0);
    for (int t = 0; t < T; t++)
    {
        steps[t] = LstmCell.Forward(xs[t], h, c, w);
        (h, c) = (steps[t].H, steps[t].C);
    }

    // Backward, from the last step to the first, carrying dh and dc.
    Matrix<double> Zeros(Matrix<double> m) => Matrix<double>.Build.Dense(m.RowCount, m.ColumnCount);
    var (dWf, dWi, dWc, dWo) = (Zeros(w.Wf), Zeros(w.Wi), Zeros(w.Wc), Zeros(w.Wo));
    var (dbf, dbi, dbc, dbo) = (Zeros(w.Bf), Zeros(w.Bi), Zeros(w.Bc), Zeros(w.Bo));
    var dx = new Matrix<double>[T];
    var dhNext = Zeros(h0);
    var dcNext = Zeros(c0);
    for (int t = T - 1; t >= 0; t--)
    {
        var hPrev = t == 0 ? h0 : steps[t - 1].H;
        var cPrev = t == 0 ? c0 : steps[t - 1].C;
        var g = LstmCellBackward(dhs[t] + dhNext, dcNext, xs[t], hPrev, cPrev, steps[t], w);
        dWf += g.DWf; dWi += g.DWi; dWc += g.DWc; dWo += g.DWo;
        dbf += g.DBf; dbi += g.DBi; dbc += g.DBc; dbo += g.DBo;
        dx[t] = g.DX;
        dhNext = g.DHPrev;
        dcNext = g.DCPrev;
    }
    return (new LstmWeights<double>(dWf, dWi, dWc, dWo, dbf, dbi, dbc, dbo), dx, dhNext, dcNext);
}
