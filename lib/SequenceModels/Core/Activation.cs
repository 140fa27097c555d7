using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>Elementwise activation functions.</summary>
public enum Activation
{
    /// <summary>tanh(x), in (−1, 1); derivative 1 − tanh², at most 1.</summary>
    Tanh,
    /// <summary>max(0, x); derivative 0 or 1.</summary>
    Relu,
    /// <summary>σ(x) = 1/(1+e^−x), in (0, 1); derivative σ(1−σ), at most 1/4.</summary>
    Sigmoid,
    /// <summary>x for x &gt; 0, 0.01·x otherwise.</summary>
    LeakyRelu,
    /// <summary>The identity, for regression outputs.</summary>
    Linear,
}

/// <summary>
/// Activation functions and their derivatives. Backward passes use the derivative written in terms of the
/// output y = f(x) (tanh′ = 1 − y², σ′ = y(1 − y), ReLU′ = [y &gt; 0]), so a layer only keeps its outputs.
/// </summary>
public static class Activations
{
    /// <summary>The slope of leaky ReLU for negative inputs.</summary>
    public const double LeakySlope = 0.01;

    /// <summary>y = f(x), elementwise; x and y may be the same span.</summary>
    public static void Forward<T>(Activation f, ReadOnlySpan<T> x, Span<T> y) where T : struct, IFloatingPointIeee754<T>
    {
        switch (f)
        {
            case Activation.Tanh: TensorPrimitives.Tanh(x, y); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(x, y); break;
            case Activation.Relu: TensorPrimitives.Max(x, T.Zero, y); break;
            case Activation.LeakyRelu:
                var slope = T.CreateChecked(LeakySlope);
                for (int i = 0; i < x.Length; i++) y[i] = x[i] > T.Zero ? x[i] : slope * x[i];
                break;
            case Activation.Linear: x.CopyTo(y); break;
            default: throw new ArgumentOutOfRangeException(nameof(f), f, null);
        }
    }

    /// <summary>dx = dy ⊙ f′, with f′ computed from the output y; dx may alias dy.</summary>
    public static void Backward<T>(Activation f, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
        where T : struct, IFloatingPointIeee754<T>
    {
        switch (f)
        {
            case Activation.Tanh:
                // dx = dy − dy·y² = dy·(1 − y²)
                for (int i = 0; i < y.Length; i++) dx[i] = dy[i] * (T.One - y[i] * y[i]);
                break;
            case Activation.Sigmoid:
                for (int i = 0; i < y.Length; i++) dx[i] = dy[i] * y[i] * (T.One - y[i]);
                break;
            case Activation.Relu:
                for (int i = 0; i < y.Length; i++) dx[i] = y[i] > T.Zero ? dy[i] : T.Zero;
                break;
            case Activation.LeakyRelu:
                var slope = T.CreateChecked(LeakySlope);
                for (int i = 0; i < y.Length; i++) dx[i] = y[i] > T.Zero ? dy[i] : slope * dy[i];
                break;
            case Activation.Linear: dy.CopyTo(dx); break;
            default: throw new ArgumentOutOfRangeException(nameof(f), f, null);
        }
    }

    /// <summary>f(x) as a new matrix.</summary>
    public static Matrix<T> Apply<T>(Activation f, Matrix<T> x) where T : struct, IFloatingPointIeee754<T>
    {
        var y = Matrix<T>.Build.Dense(x.RowCount, x.ColumnCount);
        Forward<T>(f, Tensor.Data(Tensor.RequireDense(x, nameof(x))), Tensor.Data(y));
        return y;
    }

    /// <summary>f(x) for one number (for plots and hand calculations).</summary>
    public static double Value(Activation f, double x) => f switch
    {
        Activation.Tanh => Math.Tanh(x),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Relu => Math.Max(0, x),
        Activation.LeakyRelu => x > 0 ? x : LeakySlope * x,
        Activation.Linear => x,
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, null),
    };

    /// <summary>f′(x) for one number (for plots): tanh′ ≤ 1, σ′ ≤ 1/4.</summary>
    public static double Derivative(Activation f, double x) => f switch
    {
        Activation.Tanh => 1 - Math.Tanh(x) * Math.Tanh(x),
        Activation.Sigmoid => Value(f, x) * (1 - Value(f, x)),
        Activation.Relu => x > 0 ? 1 : 0,
        Activation.LeakyRelu => x > 0 ? 1 : LeakySlope,
        Activation.Linear => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, null),
    };
}
