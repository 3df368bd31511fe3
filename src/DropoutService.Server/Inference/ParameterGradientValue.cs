using DropoutService.Engine.Tensors;

namespace DropoutService.Server.Inference;

/// <summary>dLoss/dParameter for one parameter, named by its layer (<c>dense0</c>) and its name in the layer (<c>weight</c>, <c>bias</c>).</summary>
public sealed record ParameterGradientValue(string Layer, string Name, Tensor Gradient);
