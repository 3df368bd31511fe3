using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers;

/// <summary>A parameter a layer type declares for a given input shape: its name within the layer, shape and kind.</summary>
/// <param name="Name">Name within the layer (<c>weight</c>); the model-wide name is <c>{layer}.{Name}</c>.</param>
/// <param name="Shape">The parameter's shape.</param>
/// <param name="Kind">Which regularisers apply.</param>
public readonly record struct ParameterShape(string Name, TensorShape Shape, ParameterKind Kind);
