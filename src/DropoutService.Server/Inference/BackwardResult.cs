using DropoutService.Engine.Tensors;

namespace DropoutService.Server.Inference;

/// <summary>
/// The result of <see cref="Predictor.Backward"/>: the recomputed outputs, the mean loss when
/// targets were given, dLoss/dInputs and every parameter's gradient in layer order.
/// </summary>
public sealed record BackwardResult(long Version, Tensor Outputs, float? Loss, Tensor InputGradients, IReadOnlyList<ParameterGradientValue> ParameterGradients);
