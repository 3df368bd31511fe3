using System.Collections.Concurrent;
using DropoutService.Engine.Models;

namespace DropoutService.Server.Models;

/// <summary>
/// Idle replicas of one immutable version: each caller rents its own instance (a model keeps
/// per-call workspaces), so concurrent calls never share one and never wait for each other.
/// </summary>
public sealed class ReplicaPool(Model prototype, int maxIdle)
{
    private readonly ConcurrentBag<Model> _idle = [];
    private int _idleCount;

    public Model Rent()
    {
        if (_idle.TryTake(out var model))
        {
            Interlocked.Decrement(ref _idleCount);
            return model;
        }
        return prototype.Replicate();
    }

    public void Return(Model model)
    {
        if (Interlocked.Increment(ref _idleCount) <= maxIdle)
        {
            _idle.Add(model);
        }
        else
        {
            Interlocked.Decrement(ref _idleCount);
        }
    }
}
