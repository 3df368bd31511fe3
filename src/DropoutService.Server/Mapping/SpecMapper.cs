using System.Text.RegularExpressions;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Server.Errors;
using Wire = DropoutService.Api.V1;

namespace DropoutService.Server.Mapping;

/// <summary>Model specs between the wire and the engine; engine field paths are rewritten to wire paths.</summary>
public static partial class SpecMapper
{
    /// <summary>Converts and validates a wire spec; throws <see cref="RequestValidationException"/> naming <c>spec.*</c> fields.</summary>
    public static ModelSpec ToEngine(Wire.ModelSpec? spec, string field = "spec")
    {
        var v = new Violations();
        if (spec is null)
        {
            v.Add(field, "is required");
            v.ThrowIfAny();
        }
        var layers = new List<LayerSpec>(spec!.Layers.Count);
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            string path = $"{field}.layers[{i}]";
            switch (layer.KindCase)
            {
                case Wire.LayerSpec.KindOneofCase.Dense:
                    var init = layer.Dense.Init switch
                    {
                        Wire.WeightInit.Unspecified or Wire.WeightInit.He => WeightInit.He,
                        Wire.WeightInit.Xavier => WeightInit.Xavier,
                        _ => (WeightInit)(-1),
                    };
                    v.Check(init != (WeightInit)(-1), $"{path}.dense.init", $"unknown weight initialisation {(int)layer.Dense.Init}");
                    layers.Add(LayerSpec.Dense(layer.Dense.Units, init));
                    break;
                case Wire.LayerSpec.KindOneofCase.Relu:
                    layers.Add(LayerSpec.Relu());
                    break;
                case Wire.LayerSpec.KindOneofCase.LeakyRelu:
                    layers.Add(LayerSpec.LeakyRelu(layer.LeakyRelu.HasSlope ? layer.LeakyRelu.Slope : 0.01f));
                    break;
                case Wire.LayerSpec.KindOneofCase.Sigmoid:
                    layers.Add(LayerSpec.Sigmoid());
                    break;
                case Wire.LayerSpec.KindOneofCase.Tanh:
                    layers.Add(LayerSpec.Tanh());
                    break;
                case Wire.LayerSpec.KindOneofCase.Dropout:
                    layers.Add(LayerSpec.Dropout(layer.Dropout.Rate));
                    break;
                default:
                    v.Add($"{path}.kind", "unknown or missing layer type: set one of dense, relu, leaky_relu, sigmoid, tanh, dropout");
                    break;
            }
        }
        LossKind? loss = spec.Loss switch
        {
            Wire.Loss.SoftmaxCrossEntropy => LossKind.SoftmaxCrossEntropy,
            Wire.Loss.MeanSquaredError => LossKind.MeanSquaredError,
            Wire.Loss.BinaryCrossEntropyWithLogits => LossKind.BinaryCrossEntropyWithLogits,
            _ => null,
        };
        v.Check(loss is not null, $"{field}.loss", spec.Loss == Wire.Loss.Unspecified ? "is required" : $"unknown loss {(int)spec.Loss}");
        v.ThrowIfAny();
        var result = new ModelSpec { InputSize = spec.InputSize, Layers = layers, Loss = loss!.Value, Seed = spec.Seed };
        try
        {
            ModelSpecValidator.Validate(result);
        }
        catch (ModelSpecException e)
        {
            throw new RequestValidationException(WireField(result, e.Field, field), e.Message);
        }
        return result;
    }

    public static Wire.ModelSpec ToApi(ModelSpec spec)
    {
        var result = new Wire.ModelSpec { InputSize = spec.InputSize, Seed = spec.Seed, Loss = ToApi(spec.Loss) };
        foreach (var layer in spec.Layers)
        {
            result.Layers.Add(layer.Kind switch
            {
                LayerKind.Dense => new Wire.LayerSpec { Dense = new Wire.DenseLayer { Units = layer.Units, Init = layer.Init == WeightInit.Xavier ? Wire.WeightInit.Xavier : Wire.WeightInit.He } },
                LayerKind.Relu => new Wire.LayerSpec { Relu = new Wire.ReluLayer() },
                LayerKind.LeakyRelu => new Wire.LayerSpec { LeakyRelu = new Wire.LeakyReluLayer { Slope = layer.Slope } },
                LayerKind.Sigmoid => new Wire.LayerSpec { Sigmoid = new Wire.SigmoidLayer() },
                LayerKind.Tanh => new Wire.LayerSpec { Tanh = new Wire.TanhLayer() },
                LayerKind.Dropout => new Wire.LayerSpec { Dropout = new Wire.DropoutLayer { Rate = layer.Rate } },
                _ => new Wire.LayerSpec(),
            });
        }
        return result;
    }

    public static Wire.Loss ToApi(LossKind loss) => loss switch
    {
        LossKind.SoftmaxCrossEntropy => Wire.Loss.SoftmaxCrossEntropy,
        LossKind.MeanSquaredError => Wire.Loss.MeanSquaredError,
        LossKind.BinaryCrossEntropyWithLogits => Wire.Loss.BinaryCrossEntropyWithLogits,
        _ => Wire.Loss.Unspecified,
    };

    /// <summary>Engine paths (<c>layers[2].rate</c>) become wire paths (<c>spec.layers[2].dropout.rate</c>).</summary>
    internal static string WireField(ModelSpec spec, string engineField, string prefix)
    {
        var m = LayerField().Match(engineField);
        if (m.Success)
        {
            int index = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            string rest = m.Groups[2].Value;
            if (rest is ".rate" or ".slope" or ".units" or ".init" && index < spec.Layers.Count)
            {
                string oneof = spec.Layers[index].Kind switch
                {
                    LayerKind.Dense => "dense",
                    LayerKind.Dropout => "dropout",
                    LayerKind.LeakyRelu => "leaky_relu",
                    LayerKind.Relu => "relu",
                    LayerKind.Sigmoid => "sigmoid",
                    _ => "tanh",
                };
                return $"{prefix}.layers[{index}].{oneof}{rest}";
            }
        }
        return engineField.Length == 0 ? prefix : $"{prefix}.{engineField}";
    }

    [GeneratedRegex(@"^layers\[(\d+)\](.*)$")]
    private static partial Regex LayerField();
}
