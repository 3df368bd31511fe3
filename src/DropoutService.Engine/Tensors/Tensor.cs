namespace DropoutService.Engine.Tensors;

/// <summary>
/// A float32 tensor of rank 1 or 2, contiguous and row-major: element (r, c) is at r * Columns + c.
/// A rank-1 tensor of n elements has shape (1, n). The backing buffer can be larger than
/// <see cref="Length"/>: <see cref="Reshape"/> reuses it, so workspaces that are reshaped every
/// step (a training loop's minibatch buffers, a layer's activations) allocate only when they grow.
/// </summary>
public sealed class Tensor
{
    private float[] _buffer;

    /// <summary>Creates a zero-filled tensor of shape (rows, columns).</summary>
    public Tensor(int rows, int columns)
    {
        CheckShape(rows, columns);
        Rows = rows;
        Columns = columns;
        _buffer = new float[(long)rows * columns];
    }

    private Tensor(int rows, int columns, float[] buffer)
    {
        Rows = rows;
        Columns = columns;
        _buffer = buffer;
    }

    /// <summary>Number of rows (the batch dimension for activations).</summary>
    public int Rows { get; private set; }

    /// <summary>Number of columns (features).</summary>
    public int Columns { get; private set; }

    /// <summary>Number of elements, Rows * Columns.</summary>
    public int Length => Rows * Columns;

    /// <summary>The shape as (Rows, Columns).</summary>
    public (int Rows, int Columns) Shape => (Rows, Columns);

    /// <summary>The elements, row-major.</summary>
    public Span<float> Span => _buffer.AsSpan(0, Length);

    /// <summary>The elements as memory, row-major (for APIs that need a heap reference).</summary>
    public Memory<float> Memory => _buffer.AsMemory(0, Length);

    /// <summary>One row as a span.</summary>
    public Span<float> Row(int row)
    {
        if ((uint)row >= (uint)Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"Row must be in [0, {Rows}).");
        }
        return _buffer.AsSpan(row * Columns, Columns);
    }

    /// <summary>Element (row, column).</summary>
    public float this[int row, int column]
    {
        get => _buffer[Index(row, column)];
        set => _buffer[Index(row, column)] = value;
    }

    /// <summary>Creates a tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromSpan(int rows, int columns, ReadOnlySpan<float> data)
    {
        CheckShape(rows, columns);
        if (data.Length != (long)rows * columns)
        {
            throw new ArgumentException($"Expected {(long)rows * columns} values for shape ({rows}, {columns}), got {data.Length}.", nameof(data));
        }
        return new Tensor(rows, columns, data.ToArray());
    }

    /// <summary>Creates a tensor of shape (rows, columns) filled with <paramref name="value"/>.</summary>
    public static Tensor Filled(int rows, int columns, float value)
    {
        var t = new Tensor(rows, columns);
        t.Span.Fill(value);
        return t;
    }

    /// <summary>
    /// Changes the shape in place. Contents are unspecified afterwards unless the length is unchanged.
    /// Allocates only when the new length exceeds the buffer's capacity.
    /// </summary>
    public void Reshape(int rows, int columns)
    {
        CheckShape(rows, columns);
        long length = (long)rows * columns;
        if (length > _buffer.Length)
        {
            _buffer = new float[length];
        }
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Returns <paramref name="tensor"/> reshaped to (rows, columns), creating it if null.</summary>
    public static Tensor Ensure(ref Tensor? tensor, int rows, int columns)
    {
        if (tensor is null)
        {
            tensor = new Tensor(rows, columns);
        }
        else if (tensor.Rows != rows || tensor.Columns != columns)
        {
            tensor.Reshape(rows, columns);
        }
        return tensor;
    }

    /// <summary>A deep copy with a buffer of exactly <see cref="Length"/> elements.</summary>
    public Tensor Clone() => new(Rows, Columns, Span.ToArray());

    /// <summary>Copies the elements into <paramref name="destination"/>, which must have the same shape.</summary>
    public void CopyTo(Tensor destination)
    {
        if (destination.Rows != Rows || destination.Columns != Columns)
        {
            throw new ArgumentException($"Shape mismatch: ({Rows}, {Columns}) into ({destination.Rows}, {destination.Columns}).", nameof(destination));
        }
        Span.CopyTo(destination.Span);
    }

    /// <summary>A copy of the elements, row-major.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <inheritdoc/>
    public override string ToString() => $"Tensor({Rows}, {Columns})";

    private int Index(int row, int column)
    {
        if ((uint)row >= (uint)Rows || (uint)column >= (uint)Columns)
        {
            throw new IndexOutOfRangeException($"({row}, {column}) is outside shape ({Rows}, {Columns}).");
        }
        return row * Columns + column;
    }

    private static void CheckShape(int rows, int columns)
    {
        if (rows < 0 || columns < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"Shape ({rows}, {columns}) has a negative dimension.");
        }
        if ((long)rows * columns > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"Shape ({rows}, {columns}) exceeds the maximum tensor length {Array.MaxLength}.");
        }
    }
}
