using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;

namespace DropoutService.Server.Tests.Models.Storage;

/// <summary>Small real checkpoints (a 4-8-3 classifier) for store tests; the seed makes their weights differ.</summary>
public static class TestCheckpoints
{
    public static Checkpoint Create(ulong seed, long steps = 0)
    {
        var spec = new ModelSpec { InputSize = 4, Seed = seed, Layers = [LayerSpec.Dense(8), LayerSpec.Relu(), LayerSpec.Dense(3)] };
        var model = Model.Create(spec);
        return Checkpoint.FromModel(model, optimizer: null, new TrainingMetadata { Steps = steps, CreatedUnixMs = 1_700_000_000_000 + (long)seed });
    }

    public static Checkpoint WithAdam(ulong seed)
    {
        var checkpoint = Create(seed);
        var buffers = checkpoint.Parameters.ToDictionary(p => "m." + p.Key, p => new float[p.Value.Length]);
        return checkpoint with { Optimizer = new OptimizerState(OptimizerKind.Adam, 3, buffers) };
    }

    /// <summary>Parameter values by name, for comparing what was written with what is read back.</summary>
    public static Dictionary<string, float[]> Values(Checkpoint checkpoint) =>
        checkpoint.Parameters.ToDictionary(p => p.Key, p => p.Value.Span.ToArray());
}
