Matrix<double> GruCellForward(Matrix<double> x, Matrix<double> cPrev, GruWeights<double> w)
{
    Matrix<double> Sigmoid(Matrix<double> z) => z.Map(v => 1 / (1 + Math.Exp(-v)));
    var concat = cPrev.Stack(x);
    var gr = Sigmoid(Tensor.AddColumn(w.Wr * concat, w.Br));
    var gu = Sigmoid(Tensor.AddColumn(w.Wu * concat, w.Bu));
    var cTilde = Tensor.AddColumn(w.Wc * gr.PointwiseMultiply(cPrev).Stack(x), w.Bc).Map(Math.Tanh);
    return gu.PointwiseMultiply(cTilde) + (1 - gu).PointwiseMultiply(cPrev);
}
