namespace DropoutService.Engine.Optimizers;

/// <summary>
/// An optimizer's persistent state: its kind, step count and named buffers, e.g.
/// <c>dense0.weight/velocity</c>, <c>dense0.weight/m</c>, <c>dense0.weight/v</c>.
/// </summary>
public sealed record OptimizerState(OptimizerKind Kind, long StepCount, IReadOnlyDictionary<string, float[]> Buffers);
