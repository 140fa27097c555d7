Matrix<double>[] ClipByValue(Matrix<double>[] gradients, double limit)
{
    var clipped = new Matrix<double>[gradients.Length];
    for (int k = 0; k < gradients.Length; k++)
        clipped[k] = gradients[k].Map(v => Math.Clamp(v, -limit, limit));
    return clipped;
}
