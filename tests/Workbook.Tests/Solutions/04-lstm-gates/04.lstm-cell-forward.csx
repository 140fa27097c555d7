(Matrix<double> h, Matrix<double> c) LstmCellForward(Matrix<double> x, Matrix<double> hPrev, Matrix<double> cPrev, LstmWeights<double> w)
{
    var concat = hPrev.Stack(x);
    Matrix<double> Sigmoid(Matrix<double> z) => z.Map(v => 1 / (1 + Math.Exp(-v)));
    var f = Sigmoid(Tensor.AddColumn(w.Wf * concat, w.Bf));
    var i = Sigmoid(Tensor.AddColumn(w.Wi * concat, w.Bi));
    var cTilde = Tensor.AddColumn(w.Wc * concat, w.Bc).Map(Math.Tanh);
    var o = Sigmoid(Tensor.AddColumn(w.Wo * concat, w.Bo));
    var c = f.PointwiseMultiply(cPrev) + i.PointwiseMultiply(cTilde);
    var h = o.PointwiseMultiply(c.Map(Math.Tanh));
    return (h, c);
}
