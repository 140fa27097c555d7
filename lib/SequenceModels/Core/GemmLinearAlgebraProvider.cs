using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Providers.LinearAlgebra;
using Complex = System.Numerics.Complex;

namespace SequenceModels;

/// <summary>
/// MathNet's linear-algebra provider with the matrix products of float and double matrices on <see cref="Gemm"/>:
/// <c>a * b</c>, <c>a.Multiply(b, result)</c>, <c>TransposeThisAndMultiply</c>, <c>TransposeAndMultiply</c> and
/// matrix × vector. Everything else (factorisations, complex numbers, element-wise work) is MathNet's managed
/// provider, unchanged. MathNet 5 seals <see cref="ManagedLinearAlgebraProvider"/>, hence the forwarding below.
/// </summary>
internal sealed class GemmLinearAlgebraProvider : ILinearAlgebraProvider
{
    private static readonly ManagedLinearAlgebraProvider Managed = ManagedLinearAlgebraProvider.Instance;

    public static readonly GemmLinearAlgebraProvider Instance = new();

    // Loading the library installs the provider, unless the program chose another (native) provider already.
    // Safe: the products are the same up to float rounding, and MathNet's own checks of shapes come first.
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Notebooks get fast MathNet products without a set-up call.")]
    internal static void InstallIfManaged()
    {
        try
        {
            if (LinearAlgebraControl.Provider is ManagedLinearAlgebraProvider) LinearAlgebraControl.Provider = Instance;
        }
        catch (Exception)
        {
            // MathNet could not set up the provider it was configured for (MathNetNumericsLAProvider): leave that
            // error to MathNet's first use rather than make this library fail to load.
        }
    }

    public override string ToString() => $"SequenceModels.Gemm ({Gemm.Kernel})";

    public bool IsAvailable() => true;

    public void InitializeVerify() { }

    public void FreeResources() { }

    public void MatrixMultiply(float[] x, int rowsX, int columnsX, float[] y, int rowsY, int columnsY, float[] result) =>
        MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1f, x, rowsX, columnsX, y, rowsY,
            columnsY, 0f, result);

    public void MatrixMultiply(double[] x, int rowsX, int columnsX, double[] y, int rowsY, int columnsY, double[] result) =>
        MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1.0, x, rowsX, columnsX, y, rowsY,
            columnsY, 0.0, result);

    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, float alpha, float[] a, int rowsA,
        int columnsA, float[] b, int rowsB, int columnsB, float beta, float[] c) =>
        Update(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);

    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, double alpha, double[] a, int rowsA,
        int columnsA, double[] b, int rowsB, int columnsB, double beta, double[] c) =>
        Update(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);

    // c = α·op(a)·op(b) + β·c on whole column-major arrays (rows and columns are a's and b's before transposing),
    // with the managed provider's checks: the arrays must hold exactly their matrices.
    private static void Update<T>(Transpose transposeA, Transpose transposeB, T alpha, T[] a, int rowsA, int columnsA,
        T[] b, int rowsB, int columnsB, T beta, T[] c) where T : struct, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        bool ta = transposeA != Transpose.DontTranspose, tb = transposeB != Transpose.DontTranspose;
        int m = ta ? columnsA : rowsA, k = ta ? rowsA : columnsA;
        int kb = tb ? columnsB : rowsB, n = tb ? rowsB : columnsB;
        if (k != kb) throw new ArgumentOutOfRangeException(nameof(b), $"op(a) has {k} columns but op(b) has {kb} rows.");
        if ((long)rowsA * columnsA != a.Length) throw new ArgumentOutOfRangeException(nameof(a), $"a holds {a.Length} numbers, not {rowsA}·{columnsA}.");
        if ((long)rowsB * columnsB != b.Length) throw new ArgumentOutOfRangeException(nameof(b), $"b holds {b.Length} numbers, not {rowsB}·{columnsB}.");
        if ((long)m * n != c.Length) throw new ArgumentOutOfRangeException(nameof(c), $"c holds {c.Length} numbers, not {m}·{n}.");
        Gemm.Multiply(ta, tb, m, n, k, alpha, a, Math.Max(1, rowsA), b, Math.Max(1, rowsB), beta, c, Math.Max(1, m));
    }

    // Everything below is MathNet's managed provider.
    // double
    public void AddVectorToScaledVector(double[] y, double alpha, double[] x, double[] result) =>
        Managed.AddVectorToScaledVector(y, alpha, x, result);
    public void ScaleArray(double alpha, double[] x, double[] result) =>
        Managed.ScaleArray(alpha, x, result);
    public void ConjugateArray(double[] x, double[] result) =>
        Managed.ConjugateArray(x, result);
    public double DotProduct(double[] x, double[] y) =>
        Managed.DotProduct(x, y);
    public void AddArrays(double[] x, double[] y, double[] result) =>
        Managed.AddArrays(x, y, result);
    public void SubtractArrays(double[] x, double[] y, double[] result) =>
        Managed.SubtractArrays(x, y, result);
    public void PointWiseMultiplyArrays(double[] x, double[] y, double[] result) =>
        Managed.PointWiseMultiplyArrays(x, y, result);
    public void PointWiseDivideArrays(double[] x, double[] y, double[] result) =>
        Managed.PointWiseDivideArrays(x, y, result);
    public void PointWisePowerArrays(double[] x, double[] y, double[] result) =>
        Managed.PointWisePowerArrays(x, y, result);
    public double MatrixNorm(Norm norm, int rows, int columns, double[] matrix) =>
        Managed.MatrixNorm(norm, rows, columns, matrix);
    public void LUFactor(double[] data, int order, int[] ipiv) =>
        Managed.LUFactor(data, order, ipiv);
    public void LUInverse(double[] a, int order) =>
        Managed.LUInverse(a, order);
    public void LUInverseFactored(double[] a, int order, int[] ipiv) =>
        Managed.LUInverseFactored(a, order, ipiv);
    public void LUSolve(int columnsOfB, double[] a, int order, double[] b) =>
        Managed.LUSolve(columnsOfB, a, order, b);
    public void LUSolveFactored(int columnsOfB, double[] a, int order, int[] ipiv, double[] b) =>
        Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    public void CholeskyFactor(double[] a, int order) =>
        Managed.CholeskyFactor(a, order);
    public void CholeskySolve(double[] a, int orderA, double[] b, int columnsB) =>
        Managed.CholeskySolve(a, orderA, b, columnsB);
    public void CholeskySolveFactored(double[] a, int orderA, double[] b, int columnsB) =>
        Managed.CholeskySolveFactored(a, orderA, b, columnsB);
    public void QRFactor(double[] a, int rowsA, int columnsA, double[] q, double[] tau) =>
        Managed.QRFactor(a, rowsA, columnsA, q, tau);
    public void ThinQRFactor(double[] a, int rowsA, int columnsA, double[] r, double[] tau) =>
        Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    public void QRSolve(double[] a, int rows, int columns, double[] b, int columnsB, double[] x, QRMethod method) =>
        Managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    public void QRSolveFactored(double[] q, double[] r, int rowsA, int columnsA, double[] tau, double[] b, int columnsB, double[] x, QRMethod method) =>
        Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    public void SingularValueDecomposition(bool computeVectors, double[] a, int rowsA, int columnsA, double[] s, double[] u, double[] vt) =>
        Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    public void SvdSolve(double[] a, int rowsA, int columnsA, double[] b, int columnsB, double[] x) =>
        Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    public void SvdSolveFactored(int rowsA, int columnsA, double[] s, double[] u, double[] vt, double[] b, int columnsB, double[] x) =>
        Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    public void EigenDecomp(bool isSymmetric, int order, double[] matrix, double[] matrixEv, Complex[] vectorEv, double[] matrixD) =>
        Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // float
    public void AddVectorToScaledVector(float[] y, float alpha, float[] x, float[] result) =>
        Managed.AddVectorToScaledVector(y, alpha, x, result);
    public void ScaleArray(float alpha, float[] x, float[] result) =>
        Managed.ScaleArray(alpha, x, result);
    public void ConjugateArray(float[] x, float[] result) =>
        Managed.ConjugateArray(x, result);
    public float DotProduct(float[] x, float[] y) =>
        Managed.DotProduct(x, y);
    public void AddArrays(float[] x, float[] y, float[] result) =>
        Managed.AddArrays(x, y, result);
    public void SubtractArrays(float[] x, float[] y, float[] result) =>
        Managed.SubtractArrays(x, y, result);
    public void PointWiseMultiplyArrays(float[] x, float[] y, float[] result) =>
        Managed.PointWiseMultiplyArrays(x, y, result);
    public void PointWiseDivideArrays(float[] x, float[] y, float[] result) =>
        Managed.PointWiseDivideArrays(x, y, result);
    public void PointWisePowerArrays(float[] x, float[] y, float[] result) =>
        Managed.PointWisePowerArrays(x, y, result);
    public double MatrixNorm(Norm norm, int rows, int columns, float[] matrix) =>
        Managed.MatrixNorm(norm, rows, columns, matrix);
    public void LUFactor(float[] data, int order, int[] ipiv) =>
        Managed.LUFactor(data, order, ipiv);
    public void LUInverse(float[] a, int order) =>
        Managed.LUInverse(a, order);
    public void LUInverseFactored(float[] a, int order, int[] ipiv) =>
        Managed.LUInverseFactored(a, order, ipiv);
    public void LUSolve(int columnsOfB, float[] a, int order, float[] b) =>
        Managed.LUSolve(columnsOfB, a, order, b);
    public void LUSolveFactored(int columnsOfB, float[] a, int order, int[] ipiv, float[] b) =>
        Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    public void CholeskyFactor(float[] a, int order) =>
        Managed.CholeskyFactor(a, order);
    public void CholeskySolve(float[] a, int orderA, float[] b, int columnsB) =>
        Managed.CholeskySolve(a, orderA, b, columnsB);
    public void CholeskySolveFactored(float[] a, int orderA, float[] b, int columnsB) =>
        Managed.CholeskySolveFactored(a, orderA, b, columnsB);
    public void QRFactor(float[] a, int rowsA, int columnsA, float[] q, float[] tau) =>
        Managed.QRFactor(a, rowsA, columnsA, q, tau);
    public void ThinQRFactor(float[] a, int rowsA, int columnsA, float[] r, float[] tau) =>
        Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    public void QRSolve(float[] a, int rows, int columns, float[] b, int columnsB, float[] x, QRMethod method) =>
        Managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    public void QRSolveFactored(float[] q, float[] r, int rowsA, int columnsA, float[] tau, float[] b, int columnsB, float[] x, QRMethod method) =>
        Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    public void SingularValueDecomposition(bool computeVectors, float[] a, int rowsA, int columnsA, float[] s, float[] u, float[] vt) =>
        Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    public void SvdSolve(float[] a, int rowsA, int columnsA, float[] b, int columnsB, float[] x) =>
        Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    public void SvdSolveFactored(int rowsA, int columnsA, float[] s, float[] u, float[] vt, float[] b, int columnsB, float[] x) =>
        Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    public void EigenDecomp(bool isSymmetric, int order, float[] matrix, float[] matrixEv, Complex[] vectorEv, float[] matrixD) =>
        Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // Complex
    public void AddVectorToScaledVector(Complex[] y, Complex alpha, Complex[] x, Complex[] result) =>
        Managed.AddVectorToScaledVector(y, alpha, x, result);
    public void ScaleArray(Complex alpha, Complex[] x, Complex[] result) =>
        Managed.ScaleArray(alpha, x, result);
    public void ConjugateArray(Complex[] x, Complex[] result) =>
        Managed.ConjugateArray(x, result);
    public Complex DotProduct(Complex[] x, Complex[] y) =>
        Managed.DotProduct(x, y);
    public void AddArrays(Complex[] x, Complex[] y, Complex[] result) =>
        Managed.AddArrays(x, y, result);
    public void SubtractArrays(Complex[] x, Complex[] y, Complex[] result) =>
        Managed.SubtractArrays(x, y, result);
    public void PointWiseMultiplyArrays(Complex[] x, Complex[] y, Complex[] result) =>
        Managed.PointWiseMultiplyArrays(x, y, result);
    public void PointWiseDivideArrays(Complex[] x, Complex[] y, Complex[] result) =>
        Managed.PointWiseDivideArrays(x, y, result);
    public void PointWisePowerArrays(Complex[] x, Complex[] y, Complex[] result) =>
        Managed.PointWisePowerArrays(x, y, result);
    public double MatrixNorm(Norm norm, int rows, int columns, Complex[] matrix) =>
        Managed.MatrixNorm(norm, rows, columns, matrix);
    public void MatrixMultiply(Complex[] x, int rowsX, int columnsX, Complex[] y, int rowsY, int columnsY, Complex[] result) =>
        Managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, Complex alpha, Complex[] a, int rowsA, int columnsA, Complex[] b, int rowsB, int columnsB, Complex beta, Complex[] c) =>
        Managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
    public void LUFactor(Complex[] data, int order, int[] ipiv) =>
        Managed.LUFactor(data, order, ipiv);
    public void LUInverse(Complex[] a, int order) =>
        Managed.LUInverse(a, order);
    public void LUInverseFactored(Complex[] a, int order, int[] ipiv) =>
        Managed.LUInverseFactored(a, order, ipiv);
    public void LUSolve(int columnsOfB, Complex[] a, int order, Complex[] b) =>
        Managed.LUSolve(columnsOfB, a, order, b);
    public void LUSolveFactored(int columnsOfB, Complex[] a, int order, int[] ipiv, Complex[] b) =>
        Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    public void CholeskyFactor(Complex[] a, int order) =>
        Managed.CholeskyFactor(a, order);
    public void CholeskySolve(Complex[] a, int orderA, Complex[] b, int columnsB) =>
        Managed.CholeskySolve(a, orderA, b, columnsB);
    public void CholeskySolveFactored(Complex[] a, int orderA, Complex[] b, int columnsB) =>
        Managed.CholeskySolveFactored(a, orderA, b, columnsB);
    public void QRFactor(Complex[] a, int rowsA, int columnsA, Complex[] q, Complex[] tau) =>
        Managed.QRFactor(a, rowsA, columnsA, q, tau);
    public void ThinQRFactor(Complex[] a, int rowsA, int columnsA, Complex[] r, Complex[] tau) =>
        Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    public void QRSolve(Complex[] a, int rows, int columns, Complex[] b, int columnsB, Complex[] x, QRMethod method) =>
        Managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    public void QRSolveFactored(Complex[] q, Complex[] r, int rowsA, int columnsA, Complex[] tau, Complex[] b, int columnsB, Complex[] x, QRMethod method) =>
        Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    public void SingularValueDecomposition(bool computeVectors, Complex[] a, int rowsA, int columnsA, Complex[] s, Complex[] u, Complex[] vt) =>
        Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    public void SvdSolve(Complex[] a, int rowsA, int columnsA, Complex[] b, int columnsB, Complex[] x) =>
        Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    public void SvdSolveFactored(int rowsA, int columnsA, Complex[] s, Complex[] u, Complex[] vt, Complex[] b, int columnsB, Complex[] x) =>
        Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    public void EigenDecomp(bool isSymmetric, int order, Complex[] matrix, Complex[] matrixEv, Complex[] vectorEv, Complex[] matrixD) =>
        Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // Complex32
    public void AddVectorToScaledVector(Complex32[] y, Complex32 alpha, Complex32[] x, Complex32[] result) =>
        Managed.AddVectorToScaledVector(y, alpha, x, result);
    public void ScaleArray(Complex32 alpha, Complex32[] x, Complex32[] result) =>
        Managed.ScaleArray(alpha, x, result);
    public void ConjugateArray(Complex32[] x, Complex32[] result) =>
        Managed.ConjugateArray(x, result);
    public Complex32 DotProduct(Complex32[] x, Complex32[] y) =>
        Managed.DotProduct(x, y);
    public void AddArrays(Complex32[] x, Complex32[] y, Complex32[] result) =>
        Managed.AddArrays(x, y, result);
    public void SubtractArrays(Complex32[] x, Complex32[] y, Complex32[] result) =>
        Managed.SubtractArrays(x, y, result);
    public void PointWiseMultiplyArrays(Complex32[] x, Complex32[] y, Complex32[] result) =>
        Managed.PointWiseMultiplyArrays(x, y, result);
    public void PointWiseDivideArrays(Complex32[] x, Complex32[] y, Complex32[] result) =>
        Managed.PointWiseDivideArrays(x, y, result);
    public void PointWisePowerArrays(Complex32[] x, Complex32[] y, Complex32[] result) =>
        Managed.PointWisePowerArrays(x, y, result);
    public double MatrixNorm(Norm norm, int rows, int columns, Complex32[] matrix) =>
        Managed.MatrixNorm(norm, rows, columns, matrix);
    public void MatrixMultiply(Complex32[] x, int rowsX, int columnsX, Complex32[] y, int rowsY, int columnsY, Complex32[] result) =>
        Managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, Complex32 alpha, Complex32[] a, int rowsA, int columnsA, Complex32[] b, int rowsB, int columnsB, Complex32 beta, Complex32[] c) =>
        Managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
    public void LUFactor(Complex32[] data, int order, int[] ipiv) =>
        Managed.LUFactor(data, order, ipiv);
    public void LUInverse(Complex32[] a, int order) =>
        Managed.LUInverse(a, order);
    public void LUInverseFactored(Complex32[] a, int order, int[] ipiv) =>
        Managed.LUInverseFactored(a, order, ipiv);
    public void LUSolve(int columnsOfB, Complex32[] a, int order, Complex32[] b) =>
        Managed.LUSolve(columnsOfB, a, order, b);
    public void LUSolveFactored(int columnsOfB, Complex32[] a, int order, int[] ipiv, Complex32[] b) =>
        Managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    public void CholeskyFactor(Complex32[] a, int order) =>
        Managed.CholeskyFactor(a, order);
    public void CholeskySolve(Complex32[] a, int orderA, Complex32[] b, int columnsB) =>
        Managed.CholeskySolve(a, orderA, b, columnsB);
    public void CholeskySolveFactored(Complex32[] a, int orderA, Complex32[] b, int columnsB) =>
        Managed.CholeskySolveFactored(a, orderA, b, columnsB);
    public void QRFactor(Complex32[] a, int rowsA, int columnsA, Complex32[] q, Complex32[] tau) =>
        Managed.QRFactor(a, rowsA, columnsA, q, tau);
    public void ThinQRFactor(Complex32[] a, int rowsA, int columnsA, Complex32[] r, Complex32[] tau) =>
        Managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    public void QRSolve(Complex32[] a, int rows, int columns, Complex32[] b, int columnsB, Complex32[] x, QRMethod method) =>
        Managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    public void QRSolveFactored(Complex32[] q, Complex32[] r, int rowsA, int columnsA, Complex32[] tau, Complex32[] b, int columnsB, Complex32[] x, QRMethod method) =>
        Managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    public void SingularValueDecomposition(bool computeVectors, Complex32[] a, int rowsA, int columnsA, Complex32[] s, Complex32[] u, Complex32[] vt) =>
        Managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    public void SvdSolve(Complex32[] a, int rowsA, int columnsA, Complex32[] b, int columnsB, Complex32[] x) =>
        Managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    public void SvdSolveFactored(int rowsA, int columnsA, Complex32[] s, Complex32[] u, Complex32[] vt, Complex32[] b, int columnsB, Complex32[] x) =>
        Managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    public void EigenDecomp(bool isSymmetric, int order, Complex32[] matrix, Complex32[] matrixEv, Complex[] vectorEv, Complex32[] matrixD) =>
        Managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);
}
