(Matrix<double> Wxh, Matrix<double> Whh, Matrix<double> bh) IrnnInit(int inputSize, int hiddenSize, Random rng)
{
    var Wxh = Init.Normal<double>(hiddenSize, inputSize, 0.001, rng);
    var Whh = Matrix<double>.Build.DenseIdentity(hiddenSize);
    var bh = Matrix<double>.Build.Dense(hiddenSize, 1);
    return (Wxh, Whh, bh);
}
