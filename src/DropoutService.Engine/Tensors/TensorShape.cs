using System.Runtime.CompilerServices;
using System.Text;

namespace DropoutService.Engine.Tensors;

/// <summary>
/// The dimensions of a tensor, outermost first, row-major (NCHW for images; dimension 0 is the
/// batch for activations). A value type of at most <see cref="MaxRank"/> dimensions held inline,
/// so computing and comparing shapes never allocates. Every shape describes an allocatable tensor:
/// dimensions are ≥ 0 and the product of the non-zero dimensions is at most <see cref="Array.MaxLength"/>.
/// <c>default</c> is the rank-0 shape (one element).
/// </summary>
public readonly struct TensorShape : IEquatable<TensorShape>
{
    /// <summary>The largest rank a shape can have.</summary>
    public const int MaxRank = 8;

    private readonly Dimensions _dims;
    private readonly int _length; // 0 in default(TensorShape), whose Length is 1

    /// <summary>Creates the shape (d0, d1, …); throws <see cref="ArgumentOutOfRangeException"/> for a negative dimension, more than <see cref="MaxRank"/> dimensions or more than <see cref="Array.MaxLength"/> elements.</summary>
    public TensorShape(params ReadOnlySpan<int> dimensions)
    {
        if (dimensions.Length > MaxRank)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions.Length, $"A tensor has at most {MaxRank} dimensions, got {dimensions.Length}.");
        }
        // The bound applies to the product of the non-zero dimensions, so that every partial product
        // (a row's length, say) fits in an int even when another dimension is 0.
        long count = 1, nonZero = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            int d = dimensions[i];
            if (d < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(dimensions), $"Shape {Format(dimensions)} has a negative dimension.");
            }
            _dims[i] = d;
            count *= d;
            nonZero *= Math.Max(d, 1); // ≤ Array.MaxLength · int.MaxValue: no overflow before the check
            if (nonZero > Array.MaxLength)
            {
                throw new ArgumentOutOfRangeException(nameof(dimensions), $"Shape {Format(dimensions)} exceeds the maximum tensor length {Array.MaxLength}.");
            }
        }
        Rank = dimensions.Length;
        _length = (int)count;
    }

    /// <summary>Number of dimensions.</summary>
    public int Rank { get; }

    /// <summary>Number of elements: the product of the dimensions (1 for rank 0).</summary>
    public int Length => Rank == 0 ? 1 : _length;

    /// <summary>Dimension <paramref name="axis"/> (0 is the outermost).</summary>
    public int this[int axis]
    {
        get
        {
            if ((uint)axis >= (uint)Rank)
            {
                throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Axis must be in [0, {Rank}) for shape {this}.");
            }
            return _dims[axis];
        }
    }

    /// <summary>The shape without its first dimension: the shape of one sample of a batch.</summary>
    public TensorShape Sample
    {
        get
        {
            if (Rank == 0)
            {
                throw new InvalidOperationException("A rank-0 shape has no batch dimension.");
            }
            Span<int> dims = stackalloc int[Rank - 1];
            for (int i = 1; i < Rank; i++)
            {
                dims[i - 1] = _dims[i];
            }
            return new TensorShape(dims);
        }
    }

    /// <summary>(<paramref name="batch"/>, this…): a batch of samples of this shape.</summary>
    public TensorShape WithBatch(int batch)
    {
        if (Rank == MaxRank)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), $"Shape {this} already has {MaxRank} dimensions; a batch dimension does not fit.");
        }
        Span<int> dims = stackalloc int[Rank + 1];
        dims[0] = batch;
        for (int i = 0; i < Rank; i++)
        {
            dims[i + 1] = _dims[i];
        }
        return new TensorShape(dims);
    }

    /// <summary>True when this is (N, <paramref name="sample"/>…) for some N.</summary>
    public bool IsBatchOf(in TensorShape sample)
    {
        if (Rank != sample.Rank + 1)
        {
            return false;
        }
        for (int i = 0; i < sample.Rank; i++)
        {
            if (_dims[i + 1] != sample._dims[i])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The dimensions as a new array.</summary>
    public int[] ToArray()
    {
        var result = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            result[i] = _dims[i];
        }
        return result;
    }

    /// <summary>
    /// The number of elements of dimensions that may be too large for a tensor, saturated at
    /// <see cref="long.MaxValue"/> instead of overflowing; null when a dimension is negative. For
    /// checking sizes that come from users before a shape is built.
    /// </summary>
    public static long? CheckedLength(ReadOnlySpan<long> dimensions)
    {
        long count = 1;
        foreach (long d in dimensions)
        {
            if (d < 0)
            {
                return null;
            }
            count = d != 0 && count > long.MaxValue / d ? long.MaxValue : count * d;
        }
        foreach (long d in dimensions)
        {
            if (d == 0)
            {
                return 0;
            }
        }
        return count;
    }

    /// <inheritdoc/>
    public bool Equals(TensorShape other)
    {
        if (Rank != other.Rank)
        {
            return false;
        }
        for (int i = 0; i < Rank; i++)
        {
            if (_dims[i] != other._dims[i])
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TensorShape other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Rank);
        for (int i = 0; i < Rank; i++)
        {
            hash.Add(_dims[i]);
        }
        return hash.ToHashCode();
    }

    /// <summary>Equal rank and dimensions.</summary>
    public static bool operator ==(TensorShape left, TensorShape right) => left.Equals(right);

    /// <summary>Different rank or dimensions.</summary>
    public static bool operator !=(TensorShape left, TensorShape right) => !left.Equals(right);

    /// <summary>"[2, 3, 4]".</summary>
    public override string ToString()
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < Rank; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(_dims[i]);
        }
        return text.Append(']').ToString();
    }

    private static string Format(ReadOnlySpan<int> dimensions) => "[" + string.Join(", ", dimensions.ToArray()) + "]";

    [InlineArray(MaxRank)]
    private struct Dimensions
    {
        private int _element0;
    }
}
