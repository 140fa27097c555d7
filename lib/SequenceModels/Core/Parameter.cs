using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels;

/// <summary>
/// A trainable matrix and the gradient of the loss with respect to it. Biases are column matrices (n × 1), so every
/// parameter has the same shape as its gradient and optimisers treat them alike.
/// </summary>
/// <typeparam name="T">float for speed, double for gradient checks.</typeparam>
public sealed class Parameter<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Creates a parameter named after its symbol in the equations (for example <c>Wxh</c>).</summary>
    /// <param name="name">The symbol, used in error messages, gradient-check reports and model files.</param>
    /// <param name="value">The initial value; the parameter keeps this matrix (no copy).</param>
    public Parameter(string name, Matrix<T> value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Value = Tensor.RequireDense(value, name);
        Grad = Matrix<T>.Build.Dense(value.RowCount, value.ColumnCount);
    }

    /// <summary>The symbol from the equations, prefixed by its layer when it belongs to a model (<c>lstm.W</c>).</summary>
    public string Name { get; }

    /// <summary>The current value, rows × columns.</summary>
    public Matrix<T> Value { get; }

    /// <summary>The accumulated gradient, the same shape as <see cref="Value"/>. Backward passes add into it.</summary>
    public Matrix<T> Grad { get; }

    /// <summary>Rows × columns.</summary>
    public int Count => Value.RowCount * Value.ColumnCount;

    /// <summary>Sets the gradient to zero, ready for the next backward pass.</summary>
    public void ZeroGrad() => Grad.Clear();

    /// <summary>The same parameter seen under a longer name (for example inside a stacked model).</summary>
    internal Parameter<T> Rename(string prefix) => new(prefix + "." + Name, Value, Grad);

    private Parameter(string name, Matrix<T> value, Matrix<T> grad) => (Name, Value, Grad) = (name, value, grad);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Value.RowCount}×{Value.ColumnCount})";
}

/// <summary>Anything with trainable parameters: a layer or a whole model.</summary>
public interface IHasParameters<T> where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Every trainable parameter, in a fixed order (the order model files store them in).</summary>
    IReadOnlyList<Parameter<T>> Parameters { get; }
}

/// <summary>Helpers over a set of parameters.</summary>
public static class ParameterExtensions
{
    /// <summary>Zeroes every gradient.</summary>
    public static void ZeroGrad<T>(this IHasParameters<T> model) where T : struct, IFloatingPointIeee754<T>
    {
        foreach (var p in model.Parameters) p.ZeroGrad();
    }

    /// <summary>The total number of trainable numbers.</summary>
    public static long ParameterCount<T>(this IHasParameters<T> model) where T : struct, IFloatingPointIeee754<T>
    {
        long n = 0;
        foreach (var p in model.Parameters) n += p.Count;
        return n;
    }

    /// <summary>The parameters of several parts, each renamed with its part's prefix (<c>encoder.Wxh</c>).</summary>
    public static IReadOnlyList<Parameter<T>> Prefixed<T>(params (string Prefix, IHasParameters<T> Part)[] parts)
        where T : struct, IFloatingPointIeee754<T>
    {
        var all = new List<Parameter<T>>();
        foreach (var (prefix, part) in parts)
            foreach (var p in part.Parameters) all.Add(p.Rename(prefix));
        return all;
    }
}
