double CrfLogPartition(Matrix<double> emissions, Matrix<double> transitions, Vector<double> start, Vector<double> end)
{
    int k = emissions.RowCount, steps = emissions.ColumnCount;

    double LogSumExp(double[] x)
    {
        double max = x.Max();
        return max + Math.Log(x.Sum(v => Math.Exp(v - max)));
    }

    var alpha = new double[k];
    for (int j = 0; j < k; j++) alpha[j] = start[j] + emissions[j, 0];
    for (int t = 1; t < steps; t++)
    {
        var next = new double[k];
        for (int j = 0; j < k; j++)
        {
            var terms = new double[k];
            for (int i = 0; i < k; i++) terms[i] = alpha[i] + transitions[i, j];
            next[j] = emissions[j, t] + LogSumExp(terms);
        }
        alpha = next;
    }
    var last = new double[k];
    for (int j = 0; j < k; j++) last[j] = alpha[j] + end[j];
    return LogSumExp(last);
}
