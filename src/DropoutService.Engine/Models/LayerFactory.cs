using DropoutService.Engine.Kernels;
using DropoutService.Engine.Layers;
using DropoutService.Engine.Randomness;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Models;

/// <summary>Builds layers from their specs, with freshly initialised or given parameters.</summary>
internal static class LayerFactory
{
    /// <summary>Builds every layer of a validated spec; parameters come from <paramref name="values"/> or are initialised from the spec's seed.</summary>
    public static ILayer[] Build(ModelSpec spec, IBlas blas, IReadOnlyDictionary<string, Tensor>? values)
    {
        var layers = new ILayer[spec.Layers.Count];
        int size = spec.InputSize;
        for (int i = 0; i < layers.Length; i++)
        {
            var layer = spec.Layers[i];
            layers[i] = layer.Kind switch
            {
                LayerKind.Dense => BuildDense(spec.Seed, i, size, layer, blas, values),
                LayerKind.Relu => new ReluLayer(i, size),
                LayerKind.LeakyRelu => new LeakyReluLayer(i, size, layer.Slope),
                LayerKind.Sigmoid => new SigmoidLayer(i, size),
                LayerKind.Tanh => new TanhLayer(i, size),
                LayerKind.Dropout => new DropoutLayer(i, size, layer.Rate),
                _ => throw new ModelSpecException($"layers[{i}].kind", $"Unknown layer kind {(int)layer.Kind}."),
            };
            size = layers[i].OutputSize;
        }
        return layers;
    }

    private static DenseLayer BuildDense(ulong seed, int index, int inputs, LayerSpec layer, IBlas blas, IReadOnlyDictionary<string, Tensor>? values)
    {
        string name = DenseLayer.NameFor(index);
        if (values is not null)
        {
            var weight = Take(values, $"{name}.weight", inputs, layer.Units);
            var bias = Take(values, $"{name}.bias", 1, layer.Units);
            return new DenseLayer(index, weight, bias, blas);
        }
        // Each layer's initial weights depend only on (model seed, layer index).
        var rng = new SplitMix64(SplitMix64.Mix(seed ^ SplitMix64.Mix((ulong)index + 1)));
        var w = new Tensor(inputs, layer.Units);
        var span = w.Span;
        if (layer.Init == WeightInit.He)
        {
            double std = Math.Sqrt(2.0 / inputs);
            for (int k = 0; k < span.Length; k++)
            {
                span[k] = (float)(rng.NextGaussian() * std);
            }
        }
        else
        {
            double limit = Math.Sqrt(6.0 / (inputs + layer.Units));
            for (int k = 0; k < span.Length; k++)
            {
                span[k] = (float)((rng.NextDouble() * 2.0 - 1.0) * limit);
            }
        }
        return new DenseLayer(index, w, new Tensor(1, layer.Units), blas);
    }

    private static Tensor Take(IReadOnlyDictionary<string, Tensor> values, string name, int rows, int columns)
    {
        if (!values.TryGetValue(name, out var t))
        {
            throw new ArgumentException($"Missing parameter {name}.", nameof(values));
        }
        if (t.Rows != rows || t.Columns != columns)
        {
            throw new ArgumentException($"Parameter {name} has shape ({t.Rows}, {t.Columns}), expected ({rows}, {columns}).", nameof(values));
        }
        return t;
    }
}
