using DropoutService.Engine.Losses;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Training;

/// <summary>
/// Reusable minibatch workspace: gathers the rows of a batch from a dataset into buffers that are
/// allocated once, so a training step allocates nothing in steady state.
/// </summary>
internal sealed class MinibatchBuffer
{
    private readonly Dataset _source;
    private readonly int[]? _classIds;
    private Tensor? _values;

    public MinibatchBuffer(Dataset source, int batchSize)
    {
        _source = source;
        Features = new Tensor(batchSize, source.Features.Columns);
        if (source.ClassIds is not null)
        {
            _classIds = new int[batchSize];
            Targets = Targets.FromClassIds(_classIds, 0);
        }
        else
        {
            _values = new Tensor(batchSize, source.Values!.Columns);
            Targets = Targets.FromValues(_values);
        }
    }

    public Tensor Features { get; }

    public Targets Targets { get; private set; }

    public ReadOnlySpan<int> ClassIds => _classIds is null ? default : _classIds.AsSpan(0, Features.Rows);

    /// <summary>Fills the buffers with the rows order[start .. start + count).</summary>
    public void Gather(ReadOnlySpan<int> order)
    {
        int count = order.Length;
        Features.Reshape(count, Features.Columns);
        for (int i = 0; i < count; i++)
        {
            _source.Features.Row(order[i]).CopyTo(Features.Row(i));
        }
        if (_classIds is not null)
        {
            for (int i = 0; i < count; i++)
            {
                _classIds[i] = _source.ClassIds![order[i]];
            }
            Targets.SetClassIds(_classIds, count);
        }
        else
        {
            bool reshaped = _values!.Rows != count;
            _values.Reshape(count, _values.Columns);
            for (int i = 0; i < count; i++)
            {
                _source.Values!.Row(order[i]).CopyTo(_values.Row(i));
            }
            if (reshaped)
            {
                Targets = Targets.FromValues(_values); // Count follows the rows; happens once per epoch at most
            }
        }
    }
}
