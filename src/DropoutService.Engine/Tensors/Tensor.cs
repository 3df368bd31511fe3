namespace DropoutService.Engine.Tensors;

/// <summary>
/// A float32 tensor of any rank from 1 to <see cref="TensorShape.MaxRank"/>, contiguous and
/// row-major (NCHW for images). Dimension 0 is the batch for activations; rank-2 code keeps working
/// through the matrix view <see cref="Rows"/> = dimension 0 and <see cref="Columns"/> = the product
/// of the other dimensions (1 for rank 1), element (r, c) at r · Columns + c.
/// The backing buffer can be larger than <see cref="Length"/>: <see cref="Reshape(TensorShape)"/>
/// and <see cref="Ensure(ref Tensor?, int, in TensorShape)"/> reuse it, so workspaces that are
/// reshaped every step (a training loop's minibatch buffers, a layer's activations) allocate only
/// when they grow. Shapes are values (<see cref="TensorShape"/>), so reshaping never allocates either.
/// </summary>
public sealed class Tensor
{
    private float[] _buffer;
    private TensorShape _shape;
    private int _rows;
    private int _columns;

    /// <summary>Creates a zero-filled tensor of shape (rows, columns).</summary>
    public Tensor(int rows, int columns)
        : this(new TensorShape(rows, columns))
    {
    }

    /// <summary>Creates a zero-filled tensor of <paramref name="shape"/> (rank ≥ 1).</summary>
    public Tensor(TensorShape shape)
    {
        CheckRank(shape);
        _buffer = new float[shape.Length];
        SetShape(shape);
    }

    private Tensor(TensorShape shape, float[] buffer)
    {
        _buffer = buffer;
        SetShape(shape);
    }

    /// <summary>The dimensions, outermost first.</summary>
    public TensorShape Shape => _shape;

    /// <summary>Number of dimensions (≥ 1).</summary>
    public int Rank => _shape.Rank;

    /// <summary>Dimension 0: the batch for activations.</summary>
    public int Rows => _rows;

    /// <summary>Elements per row: the product of the dimensions after the first (1 for rank 1).</summary>
    public int Columns => _columns;

    /// <summary>Number of elements, the product of the dimensions.</summary>
    public int Length => _shape.Length;

    /// <summary>The elements, row-major.</summary>
    public Span<float> Span => _buffer.AsSpan(0, Length);

    /// <summary>The elements as memory, row-major (for APIs that need a heap reference).</summary>
    public Memory<float> Memory => _buffer.AsMemory(0, Length);

    /// <summary>Row <paramref name="row"/> of the matrix view: the <see cref="Columns"/> elements of sample <paramref name="row"/>.</summary>
    public Span<float> Row(int row)
    {
        if ((uint)row >= (uint)_rows)
        {
            throw new ArgumentOutOfRangeException(nameof(row), row, $"Row must be in [0, {_rows}).");
        }
        return _buffer.AsSpan(row * _columns, _columns);
    }

    /// <summary>Element (row, column) of the matrix view (<see cref="Rows"/>, <see cref="Columns"/>).</summary>
    public float this[int row, int column]
    {
        get => _buffer[Index(row, column)];
        set => _buffer[Index(row, column)] = value;
    }

    /// <summary>Creates a (rows, columns) tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromSpan(int rows, int columns, ReadOnlySpan<float> data) => FromSpan(new TensorShape(rows, columns), data);

    /// <summary>Creates a tensor of <paramref name="shape"/> holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromSpan(TensorShape shape, ReadOnlySpan<float> data)
    {
        CheckRank(shape);
        if (data.Length != shape.Length)
        {
            throw new ArgumentException($"Expected {shape.Length} values for shape {shape}, got {data.Length}.", nameof(data));
        }
        return new Tensor(shape, data.ToArray());
    }

    /// <summary>Creates a tensor of shape (rows, columns) filled with <paramref name="value"/>.</summary>
    public static Tensor Filled(int rows, int columns, float value)
    {
        var t = new Tensor(rows, columns);
        t.Span.Fill(value);
        return t;
    }

    /// <summary>Changes the shape to (rows, columns) in place; see <see cref="Reshape(TensorShape)"/>.</summary>
    public void Reshape(int rows, int columns) => Reshape(new TensorShape(rows, columns));

    /// <summary>
    /// Changes the shape in place. Contents are unspecified afterwards unless the length is unchanged.
    /// Allocates only when the new length exceeds the buffer's capacity.
    /// </summary>
    public void Reshape(TensorShape shape)
    {
        CheckRank(shape);
        if (shape.Length > _buffer.Length)
        {
            _buffer = new float[shape.Length];
        }
        SetShape(shape);
    }

    /// <summary>Returns <paramref name="tensor"/> reshaped to (rows, columns), creating it if null.</summary>
    public static Tensor Ensure(ref Tensor? tensor, int rows, int columns)
    {
        if (tensor is null)
        {
            tensor = new Tensor(rows, columns);
        }
        else if (tensor.Rank != 2 || tensor._rows != rows || tensor._columns != columns)
        {
            tensor.Reshape(rows, columns);
        }
        return tensor;
    }

    /// <summary>Returns <paramref name="tensor"/> reshaped to <paramref name="shape"/>, creating it if null.</summary>
    public static Tensor Ensure(ref Tensor? tensor, in TensorShape shape)
    {
        if (tensor is null)
        {
            tensor = new Tensor(shape);
        }
        else if (tensor._shape != shape)
        {
            tensor.Reshape(shape);
        }
        return tensor;
    }

    /// <summary>Returns <paramref name="tensor"/> reshaped to (<paramref name="batch"/>, <paramref name="sample"/>…), creating it if null.</summary>
    public static Tensor Ensure(ref Tensor? tensor, int batch, in TensorShape sample)
    {
        if (tensor is null || tensor._rows != batch || !tensor._shape.IsBatchOf(sample))
        {
            return Ensure(ref tensor, sample.WithBatch(batch));
        }
        return tensor;
    }

    /// <summary>
    /// Makes <paramref name="view"/> a tensor of <paramref name="shape"/> over the same buffer as
    /// <paramref name="source"/> (no copy; writes through either are seen by both), creating the
    /// view object only the first time. <paramref name="shape"/> must have the source's length. The
    /// view follows the source only until the source is reshaped to a larger length: call again.
    /// </summary>
    public static Tensor EnsureView(ref Tensor? view, Tensor source, in TensorShape shape)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckRank(shape);
        if (shape.Length != source.Length)
        {
            throw new ArgumentException($"A view of shape {shape} ({shape.Length} elements) cannot share a tensor of shape {source.Shape} ({source.Length}).", nameof(shape));
        }
        if (view is null)
        {
            view = new Tensor(shape, source._buffer);
        }
        else
        {
            view._buffer = source._buffer;
            view.SetShape(shape);
        }
        return view;
    }

    /// <summary>A deep copy with a buffer of exactly <see cref="Length"/> elements.</summary>
    public Tensor Clone() => new(_shape, Span.ToArray());

    /// <summary>Copies the elements into <paramref name="destination"/>, which must have the same shape.</summary>
    public void CopyTo(Tensor destination)
    {
        if (destination._shape != _shape)
        {
            throw new ArgumentException($"Shape mismatch: {_shape} into {destination._shape}.", nameof(destination));
        }
        Span.CopyTo(destination.Span);
    }

    /// <summary>A copy of the elements, row-major.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <inheritdoc/>
    public override string ToString() => $"Tensor{_shape}";

    private void SetShape(in TensorShape shape)
    {
        _shape = shape;
        _rows = shape[0];
        int columns = 1;
        for (int i = 1; i < shape.Rank; i++)
        {
            columns *= shape[i]; // fits: TensorShape bounds the product of its non-zero dimensions
        }
        _columns = columns;
    }

    private int Index(int row, int column)
    {
        if ((uint)row >= (uint)_rows || (uint)column >= (uint)_columns)
        {
            throw new IndexOutOfRangeException($"({row}, {column}) is outside the matrix view ({_rows}, {_columns}) of shape {_shape}.");
        }
        return row * _columns + column;
    }

    private static void CheckRank(in TensorShape shape)
    {
        if (shape.Rank == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), "A tensor needs at least one dimension.");
        }
    }
}
