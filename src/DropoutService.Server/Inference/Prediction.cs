using DropoutService.Engine.Tensors;

namespace DropoutService.Server.Inference;

/// <summary>
/// The result of <see cref="Predictor.PredictAsync"/>, shaped like dropout.v1.PredictResponse.
/// Evaluation: <see cref="Outputs"/> (logits for classifiers), and for classifiers
/// <see cref="Probabilities"/> (softmax) and <see cref="ClassIds"/>. Monte-Carlo: for classifiers
/// the mean <see cref="Probabilities"/>, their <see cref="StandardDeviation"/>, <see cref="ClassIds"/>
/// and <see cref="PredictiveEntropy"/>; for other models the mean <see cref="Outputs"/> and their
/// <see cref="StandardDeviation"/>. Tensors are (rows, output size); the caller owns them.
/// </summary>
public sealed record Prediction(
    long Version,
    Tensor? Outputs,
    Tensor? Probabilities,
    IReadOnlyList<int>? ClassIds,
    Tensor? StandardDeviation,
    IReadOnlyList<float>? PredictiveEntropy);
