Matrix<double>[] DeepRnnForward(Matrix<double>[] xs, (Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> Bh)[] layers)
{
    int m = xs[0].ColumnCount;
    // One state per layer, each starting from zeros.
    var states = layers.Select(layer => Matrix<double>.Build.Dense(layer.Whh.RowCount, m)).ToArray();
    var top = new Matrix<double>[xs.Length];
    for (int t = 0; t < xs.Length; t++)
    {
        var below = xs[t];
        for (int l = 0; l < layers.Length; l++)
        {
            states[l] = RnnCell.Forward(below, states[l], layers[l].Wxh, layers[l].Whh, layers[l].Bh);
            below = states[l];
        }
        top[t] = below;
    }
    return top;
}
