using DropoutService.Engine.Losses;

namespace DropoutService.Engine.Models;

/// <summary>
/// Checks a <see cref="ModelSpec"/> before anything is built. Errors name the offending field by
/// path (<c>layers[2].rate</c>) so the service can turn them into field violations.
/// </summary>
public static class ModelSpecValidator
{
    /// <summary>Throws <see cref="ModelSpecException"/> for the first invalid field.</summary>
    public static void Validate(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.InputSize < 1)
        {
            throw new ModelSpecException("input_size", $"input_size must be at least 1, got {spec.InputSize}.");
        }
        if (!Enum.IsDefined(spec.Loss))
        {
            throw new ModelSpecException("loss", $"Unknown loss {(int)spec.Loss}.");
        }
        if (spec.Layers.Count == 0)
        {
            throw new ModelSpecException("layers", "A model needs at least one layer.");
        }
        bool sawDense = false;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i] ?? throw new ModelSpecException($"layers[{i}]", "Layer is null.");
            string path = $"layers[{i}]";
            switch (layer.Kind)
            {
                case LayerKind.Dense:
                    if (layer.Units < 1)
                    {
                        throw new ModelSpecException($"{path}.units", $"Dense units must be at least 1, got {layer.Units}.");
                    }
                    if (!Enum.IsDefined(layer.Init))
                    {
                        throw new ModelSpecException($"{path}.init", $"Unknown weight initialisation {(int)layer.Init}.");
                    }
                    sawDense = true;
                    break;
                case LayerKind.Dropout:
                    if (!(layer.Rate >= 0f && layer.Rate < 1f))
                    {
                        throw new ModelSpecException($"{path}.rate", $"Dropout rate (drop probability) must be in [0, 1), got {layer.Rate}.");
                    }
                    break;
                case LayerKind.LeakyRelu:
                    if (!(layer.Slope >= 0f && layer.Slope < 1f))
                    {
                        throw new ModelSpecException($"{path}.slope", $"LeakyReLU slope must be in [0, 1), got {layer.Slope}.");
                    }
                    break;
                case LayerKind.Relu or LayerKind.Sigmoid or LayerKind.Tanh:
                    break;
                default:
                    throw new ModelSpecException($"{path}.kind", $"Unknown layer kind {(int)layer.Kind}.");
            }
        }
        if (!sawDense)
        {
            throw new ModelSpecException("layers", "A model needs at least one dense layer.");
        }
        int outputs = spec.Layers.Last(l => l.Kind == LayerKind.Dense).Units;
        if (spec.Loss == LossKind.SoftmaxCrossEntropy && outputs < 2)
        {
            throw new ModelSpecException("loss", $"Softmax cross-entropy needs at least 2 output units, the model has {outputs}.");
        }
    }
}
