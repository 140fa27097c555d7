Matrix<double>[] BidirectionalForward(Matrix<double>[] xs, int[] lengths,
    (Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> Bh) fwd,
    (Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> Bh) bwd)
{
    // Sequence b reversed within its own lengths[b] steps; zeros (padding) after them.
    Matrix<double>[] ReverseEach(Matrix<double>[] steps)
    {
        var reversed = steps.Select(s => Matrix<double>.Build.Dense(s.RowCount, s.ColumnCount)).ToArray();
        for (int b = 0; b < lengths.Length; b++)
            for (int t = 0; t < lengths[b]; t++)
                reversed[t].SetColumn(b, steps[lengths[b] - 1 - t].Column(b));
        return reversed;
    }

    int m = xs[0].ColumnCount;
    var forward = RnnCell.Unroll(xs, Matrix<double>.Build.Dense(fwd.Whh.RowCount, m), fwd.Wxh, fwd.Whh, fwd.Bh);
    var backward = ReverseEach(RnnCell.Unroll(ReverseEach(xs), Matrix<double>.Build.Dense(bwd.Whh.RowCount, m), bwd.Wxh, bwd.Whh, bwd.Bh));
    return forward.Zip(backward, (f, b) => f.Stack(b)).ToArray();
}
