using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Layers;

/// <summary>A buffer a layer type declares for a given input shape: its name within the layer and shape.</summary>
/// <param name="Name">Name within the layer (<c>running_mean</c>); the model-wide name is <c>{layer}.{Name}</c>.</param>
/// <param name="Shape">The buffer's shape.</param>
public readonly record struct BufferShape(string Name, TensorShape Shape);
