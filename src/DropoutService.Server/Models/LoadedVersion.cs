using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;

namespace DropoutService.Server.Models;

/// <summary>The weights of one version in memory: a prototype that is never mutated, its optimizer state and a replica pool.</summary>
public sealed class LoadedVersion(Model prototype, OptimizerState? optimizer, int replicasPerVersion)
{
    /// <summary>Owns the version's parameter values; read-only. Use <see cref="Pool"/> to run it.</summary>
    public Model Prototype { get; } = prototype;

    public OptimizerState? OptimizerState { get; } = optimizer;

    public ReplicaPool Pool { get; } = new(prototype, replicasPerVersion);

    /// <summary>What keeping it loaded costs: float32 parameters and optimizer buffers (replicas share the parameters).</summary>
    public long SizeBytes { get; } = sizeof(float) * (prototype.ParameterCount + (optimizer?.Buffers.Values.Sum(b => (long)b.Length) ?? 0));
}
