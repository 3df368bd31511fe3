using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Server.Inference;

/// <summary>A replica of a version with row-stable products, and the buffer batches are stacked into.</summary>
internal sealed class InferenceWorker(Model model)
{
    private Tensor? _stacked;

    public Model Model { get; } = model;

    /// <summary>Most rows this worker has run in one pass: its workspaces are sized for them.</summary>
    public int PeakRows { get; private set; }

    /// <summary>True once a Backward ran on it: its parameters' gradients are allocated.</summary>
    public bool HoldsGradients { get; set; }

    public void Ran(int rows) => PeakRows = Math.Max(PeakRows, rows);

    /// <summary>Copies the segments' rows, in order, into the stacking buffer.</summary>
    public Tensor Stack(IReadOnlyList<Segment> segments, int rows)
    {
        int columns = Model.InputSize;
        var stacked = Tensor.Ensure(ref _stacked, rows, columns);
        var destination = stacked.Span;
        foreach (var s in segments)
        {
            s.Request.Input.Span.Slice(s.RequestRow * columns, s.Rows * columns).CopyTo(destination.Slice(s.PassRow * columns));
        }
        return stacked;
    }
}
