LstmCellGradients<double> LstmCellBackward(Matrix<double> dh, Matrix<double> dc, Matrix<double> x, Matrix<double> hPrev,
    Matrix<double> cPrev, LstmStep<double> step, LstmWeights<double> w)
{
    var (f, i, cTilde, o) = step.Gates;
    var concat = hPrev.Stack(x);
    var tanhC = step.C.Map(Math.Tanh);

    // h⟨t⟩ = o ⊙ tanh(c⟨t⟩)
    var dO = dh.PointwiseMultiply(tanhC);
    var dC = dc + dh.PointwiseMultiply(o).PointwiseMultiply(1 - tanhC.PointwiseMultiply(tanhC));

    // c⟨t⟩ = f ⊙ c⟨t−1⟩ + i ⊙ c̃, then through σ′ = g(1 − g) and tanh′ = 1 − c̃²
    var dzf = dC.PointwiseMultiply(cPrev).PointwiseMultiply(f.PointwiseMultiply(1 - f));
    var dzi = dC.PointwiseMultiply(cTilde).PointwiseMultiply(i.PointwiseMultiply(1 - i));
    var dzc = dC.PointwiseMultiply(i).PointwiseMultiply(1 - cTilde.PointwiseMultiply(cTilde));
    var dzo = dO.PointwiseMultiply(o.PointwiseMultiply(1 - o));

    var dConcat = w.Wf.TransposeThisAndMultiply(dzf) + w.Wi.TransposeThisAndMultiply(dzi)
        + w.Wc.TransposeThisAndMultiply(dzc) + w.Wo.TransposeThisAndMultiply(dzo);
    int nh = hPrev.RowCount, m = x.ColumnCount;
    return new LstmCellGradients<double>(
        DX: dConcat.SubMatrix(nh, x.RowCount, 0, m),
        DHPrev: dConcat.SubMatrix(0, nh, 0, m),
        DCPrev: dC.PointwiseMultiply(f),
        DWf: dzf.TransposeAndMultiply(concat),
        DWi: dzi.TransposeAndMultiply(concat),
        DWc: dzc.TransposeAndMultiply(concat),
        DWo: dzo.TransposeAndMultiply(concat),
        DBf: Tensor.RowSums(dzf),
        DBi: Tensor.RowSums(dzi),
        DBc: Tensor.RowSums(dzc),
        DBo: Tensor.RowSums(dzo));
}
