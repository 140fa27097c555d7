Matrix<double> RnnCellForward(Matrix<double> x, Matrix<double> hPrev, Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> bh)
{
    var z = Wxh * x + Whh * hPrev;
    for (int j = 0; j < z.ColumnCount; j++)
        z.SetColumn(j, z.Column(j) + bh.Column(0));
    return z.Map(Math.Tanh);
}
