using DropoutService.Engine.Tensors;

namespace DropoutService.Server.Inference;

/// <summary>One layer's output in a forward pass: its name (<c>dense0</c>, <c>relu1</c>...) and (rows, layer output size) values.</summary>
public sealed record LayerOutput(string Layer, Tensor Output);
