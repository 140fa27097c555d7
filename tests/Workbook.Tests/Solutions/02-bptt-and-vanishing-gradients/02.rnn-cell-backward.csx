(Matrix<double> dx, Matrix<double> dhPrev, Matrix<double> dWxh, Matrix<double> dWhh, Matrix<double> dbh) RnnCellBackward(
    Matrix<double> dh, Matrix<double> x, Matrix<double> hPrev, Matrix<double> h, Matrix<double> Wxh, Matrix<double> Whh)
{
    var dz = dh.PointwiseMultiply(h.Map(v => 1 - v * v));
    var dx = Wxh.Transpose() * dz;
    var dhPrev = Whh.Transpose() * dz;
    var dWxh = dz * x.Transpose();
    var dWhh = dz * hPrev.Transpose();
    var dbh = Matrix<double>.Build.DenseOfColumnVectors(dz.RowSums());
    return (dx, dhPrev, dWxh, dWhh, dbh);
}
