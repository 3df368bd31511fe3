using DropoutService.Engine.Tensors;

namespace DropoutService.Server.Inference;

/// <summary>The result of <see cref="Predictor.ForwardAsync"/>: outputs (rows, output size) and, when asked for, every layer's output in order.</summary>
public sealed record ForwardResult(long Version, Tensor Outputs, IReadOnlyList<LayerOutput> Activations);
