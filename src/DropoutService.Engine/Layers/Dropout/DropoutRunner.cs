using System.Runtime.ExceptionServices;

namespace DropoutService.Engine.Layers.Dropout;

/// <summary>
/// Runs the dropout kernels over large tensors on several cores without allocating per call. The
/// tensor is cut into contiguous chunks whose lengths are multiples of 64 elements (so a bit-mask
/// word never straddles two threads); the calling thread and up to (degree - 1) thread-pool work
/// items claim chunks from a shared counter until none are left. Every element's mask bit depends
/// only on its global index, so the result is identical to a single-threaded run whatever the split.
/// One instance serves one caller at a time (each dropout layer owns one).
/// </summary>
internal sealed class DropoutRunner : IThreadPoolWorkItem
{
    /// <summary>Below this many elements the kernels run on the calling thread (waking a worker costs more than it saves).</summary>
    public const int MinParallelLength = 1 << 17;

    private const int MinChunkLength = 1 << 15;
    private const int ChunksPerWorker = 4;
    private const long FieldMask = 0xFF_FFFF;

    private readonly ManualResetEventSlim _done = new(false);

    // (generation << 48) | (chunk count << 24) | next chunk. Claiming a chunk is a CAS on the whole
    // word, so a work item that starts late (after its generation finished) cannot claim a chunk of
    // the next generation with the previous generation's view of the fields below.
    private long _state;
    private int _unfinished;
    private Exception? _error;

    private bool _fromBits;
    private DropoutMask _mask;
    private float _scale;
    private Memory<float> _source;
    private Memory<float> _destination;
    private ulong[]? _bits;
    private MaskKernel _kernel;
    private int _chunkLength;

    /// <summary><see cref="DropoutKernels.Apply"/> over whole tensors; records the mask in <paramref name="bits"/> when it is not null.</summary>
    public void Apply(in DropoutMask mask, Memory<float> source, Memory<float> destination, ulong[]? bits, MaskKernel kernel, int degree)
    {
        if (source.Length < MinParallelLength || degree <= 1)
        {
            DropoutKernels.Apply(mask, source.Span, destination.Span, 0, bits.AsSpan(), kernel);
            return;
        }
        _fromBits = false;
        _mask = mask;
        Run(source, destination, bits, kernel, degree);
    }

    /// <summary><see cref="DropoutKernels.ApplyBits"/> over whole tensors.</summary>
    public void ApplyBits(ulong[] bits, float scale, Memory<float> source, Memory<float> destination, MaskKernel kernel, int degree)
    {
        if (source.Length < MinParallelLength || degree <= 1)
        {
            DropoutKernels.ApplyBits(bits, scale, source.Span, destination.Span, kernel);
            return;
        }
        _fromBits = true;
        _scale = scale;
        Run(source, destination, bits, kernel, degree);
    }

    void IThreadPoolWorkItem.Execute() => Work();

    private void Run(Memory<float> source, Memory<float> destination, ulong[]? bits, MaskKernel kernel, int degree)
    {
        int length = source.Length;
        long perChunk = Math.Max(MinChunkLength, ((long)length + degree * ChunksPerWorker - 1) / (degree * ChunksPerWorker));
        _chunkLength = (int)((perChunk + DropoutKernels.BitsPerWord - 1) / DropoutKernels.BitsPerWord * DropoutKernels.BitsPerWord);
        int chunks = (int)(((long)length + _chunkLength - 1) / _chunkLength);
        _source = source;
        _destination = destination;
        _bits = bits;
        _kernel = kernel;
        _error = null;
        _unfinished = chunks;
        _done.Reset();
        long generation = ((_state >>> 48) + 1) & 0xFFFF;
        Volatile.Write(ref _state, (generation << 48) | ((long)chunks << 24));

        for (int w = Math.Min(degree, chunks) - 1; w > 0; w--)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        Work();
        _done.Wait();

        _source = default;
        _destination = default;
        _bits = null;
        if (_error is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }

    private void Work()
    {
        while (true)
        {
            long state = Volatile.Read(ref _state);
            int next = (int)(state & FieldMask);
            int chunks = (int)((state >> 24) & FieldMask);
            if (next >= chunks)
            {
                return;
            }
            if (Interlocked.CompareExchange(ref _state, state + 1, state) != state)
            {
                continue;
            }
            try
            {
                RunChunk(next);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }
            finally
            {
                if (Interlocked.Decrement(ref _unfinished) == 0)
                {
                    _done.Set();
                }
            }
        }
    }

    private void RunChunk(int chunk)
    {
        int start = chunk * _chunkLength;
        int length = Math.Min(_chunkLength, _source.Length - start);
        var source = _source.Span.Slice(start, length);
        var destination = _destination.Span.Slice(start, length);
        var bits = _bits is null ? [] : _bits.AsSpan(start / DropoutKernels.BitsPerWord, DropoutKernels.WordsFor(length));
        if (_fromBits)
        {
            DropoutKernels.ApplyBits(bits, _scale, source, destination, _kernel);
        }
        else
        {
            DropoutKernels.Apply(_mask, source, destination, start, bits, _kernel);
        }
    }
}
