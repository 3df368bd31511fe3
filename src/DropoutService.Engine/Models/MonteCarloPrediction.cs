using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Models;

/// <summary>
/// Monte-Carlo dropout statistics over T stochastic passes: per-output mean and (population)
/// standard deviation — of softmax probabilities for classifiers, of raw outputs otherwise — and,
/// for classifiers, the predictive entropy of the mean probabilities in nats.
/// </summary>
public sealed record MonteCarloPrediction(Tensor Mean, Tensor StandardDeviation, float[]? PredictiveEntropy);
