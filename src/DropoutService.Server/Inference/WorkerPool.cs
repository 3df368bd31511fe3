using System.Collections.Concurrent;
using DropoutService.Engine.Models;

namespace DropoutService.Server.Inference;

/// <summary>
/// Idle workers of one version. A worker keeps the workspaces of the largest pass it ran (and its
/// parameter gradients after a Backward); it is kept for reuse only while that memory is small,
/// so idle workers never hold more than <see cref="RetainBytes"/> each.
/// </summary>
internal sealed class WorkerPool(Model prototype, WorkspaceSize size, int maxIdle)
{
    /// <summary>Workspace memory above which a finished worker is dropped instead of pooled.</summary>
    public const long RetainBytes = 16L << 20;

    private readonly ConcurrentBag<InferenceWorker> _idle = [];
    private int _idleCount;

    public InferenceWorker Rent()
    {
        if (_idle.TryTake(out var worker))
        {
            Interlocked.Decrement(ref _idleCount);
            return worker;
        }
        return new InferenceWorker(prototype.Replicate());
    }

    public void Return(InferenceWorker worker)
    {
        long held = worker.PeakRows * (size.PerRow + size.InputRow) + (worker.HoldsGradients ? size.Gradients : 0);
        if (held > RetainBytes)
        {
            return;
        }
        if (Interlocked.Increment(ref _idleCount) <= maxIdle)
        {
            _idle.Add(worker);
        }
        else
        {
            Interlocked.Decrement(ref _idleCount);
        }
    }
}
