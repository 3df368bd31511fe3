using DropoutService.Engine.Layers.Activations;
using DropoutService.Engine.Layers.Dense;
using DropoutService.Engine.Layers.Dropout;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;
using DropoutService.Server.Errors;
using Case = DropoutService.Api.V1.LayerSpec.KindOneofCase;
using Wire = DropoutService.Api.V1;

namespace DropoutService.Server.Mapping;

/// <summary>
/// Model specs between the wire and the engine. Layer types map through <see cref="Layers"/>, one
/// entry per type; the engine validates with field paths that already are the wire's
/// (<c>layers[2].dropout.rate</c>), so a violation is that path under <c>spec.</c>.
/// </summary>
public static class SpecMapper
{
    /// <summary>Every layer type's mapping: one entry per type, in tag order. A new layer type adds its entry here.</summary>
    public static IReadOnlyList<LayerMapping> Layers { get; } =
    [
        LayerMapping.For<DenseSpec>(Case.Dense, DenseSpec.Descriptor,
            (w, path, v) => Init(w.Dense.Init, $"{path}.init", v) is { } init ? new DenseSpec(w.Dense.Units, init) : null,
            e => new Wire.LayerSpec { Dense = new Wire.DenseLayer { Units = e.Units, Init = e.Init == WeightInit.Xavier ? Wire.WeightInit.Xavier : Wire.WeightInit.He } }),
        LayerMapping.For<ReluSpec>(Case.Relu, ReluSpec.Descriptor,
            (_, _, _) => new ReluSpec(),
            _ => new Wire.LayerSpec { Relu = new Wire.ReluLayer() }),
        LayerMapping.For<LeakyReluSpec>(Case.LeakyRelu, LeakyReluSpec.Descriptor,
            (w, _, _) => new LeakyReluSpec(w.LeakyRelu.HasSlope ? w.LeakyRelu.Slope : LeakyReluSpec.DefaultSlope),
            e => new Wire.LayerSpec { LeakyRelu = new Wire.LeakyReluLayer { Slope = e.Slope } }),
        LayerMapping.For<SigmoidSpec>(Case.Sigmoid, SigmoidSpec.Descriptor,
            (_, _, _) => new SigmoidSpec(),
            _ => new Wire.LayerSpec { Sigmoid = new Wire.SigmoidLayer() }),
        LayerMapping.For<TanhSpec>(Case.Tanh, TanhSpec.Descriptor,
            (_, _, _) => new TanhSpec(),
            _ => new Wire.LayerSpec { Tanh = new Wire.TanhLayer() }),
        LayerMapping.For<DropoutSpec>(Case.Dropout, DropoutSpec.Descriptor,
            (w, _, _) => new DropoutSpec(w.Dropout.Rate),
            e => new Wire.LayerSpec { Dropout = new Wire.DropoutLayer { Rate = e.Rate } }),
    ];

    private static readonly Dictionary<Case, LayerMapping> s_byCase = Layers.ToDictionary(m => m.Case);
    private static readonly Dictionary<Type, LayerMapping> s_bySpecType = Layers.ToDictionary(m => m.Type.SpecType);

    /// <summary>
    /// Converts and validates a wire spec against <paramref name="limits"/>; throws
    /// <see cref="RequestValidationException"/> naming <c>spec.*</c> fields, or
    /// <see cref="ServiceException"/> (limit exceeded) naming the limit. The layer count is
    /// checked before any layer is converted.
    /// </summary>
    public static ModelSpec ToEngine(Wire.ModelSpec? spec, ModelSpecLimits? limits = null, string field = "spec")
    {
        limits ??= ModelSpecLimits.Default;
        var v = new Violations();
        if (spec is null)
        {
            v.Add(field, "is required");
            v.ThrowIfAny();
        }
        if (spec!.Layers.Count > limits.MaxLayers)
        {
            throw ServiceException.ResourceExhausted($"{field}.layers has {spec.Layers.Count} layers; the limit is {limits.MaxLayers} (Limits:MaxLayers).");
        }
        var layers = new List<LayerSpec>(spec.Layers.Count);
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            if (!s_byCase.TryGetValue(layer.KindCase, out var mapping))
            {
                v.Add($"{field}.layers[{i}].kind", $"unknown or missing layer type: set one of {string.Join(", ", Layers.Select(m => m.Type.Name))}");
                continue;
            }
            if (mapping.ToEngine(layer, $"{field}.layers[{i}].{mapping.Type.Name}", v) is { } converted)
            {
                layers.Add(converted);
            }
        }
        var inputShape = InputShape(spec, field, v);
        LossKind? loss = spec.Loss switch
        {
            Wire.Loss.SoftmaxCrossEntropy => LossKind.SoftmaxCrossEntropy,
            Wire.Loss.MeanSquaredError => LossKind.MeanSquaredError,
            Wire.Loss.BinaryCrossEntropyWithLogits => LossKind.BinaryCrossEntropyWithLogits,
            _ => null,
        };
        v.Check(loss is not null, $"{field}.loss", spec.Loss == Wire.Loss.Unspecified ? "is required" : $"unknown loss {(int)spec.Loss}");
        v.ThrowIfAny();
        var result = new ModelSpec { InputShape = inputShape!.Value, Layers = layers, Loss = loss!.Value, Seed = spec.Seed };
        try
        {
            ModelSpecValidator.Validate(result, limits);
        }
        catch (ModelSpecLimitException e)
        {
            string option = e.Limit == nameof(ModelSpecLimits.MaxParameters) ? "Limits:MaxParametersPerModel" : $"Limits:{e.Limit}";
            throw ServiceException.ResourceExhausted($"{e.Message.TrimEnd('.')} ({option}).");
        }
        catch (ModelSpecException e)
        {
            throw new RequestValidationException(e.Field.Length == 0 ? field : $"{field}.{e.Field}", e.Message);
        }
        return result;
    }

    /// <summary>The wire spec of an engine spec: both input_shape and input_size are set.</summary>
    public static Wire.ModelSpec ToApi(ModelSpec spec)
    {
        var result = new Wire.ModelSpec { InputSize = spec.InputSize, Seed = spec.Seed, Loss = ToApi(spec.Loss) };
        foreach (int d in spec.InputShape.ToArray())
        {
            result.InputShape.Add(d);
        }
        foreach (var layer in spec.Layers)
        {
            result.Layers.Add(s_bySpecType[layer.GetType()].ToApi(layer));
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

    // input_shape when set (input_size, if also set, must be its product); else [input_size].
    private static TensorShape? InputShape(Wire.ModelSpec spec, string field, Violations v)
    {
        if (spec.InputShape.Count == 0)
        {
            return v.Check(spec.InputSize >= 1, $"{field}.input_size", $"must be at least 1 (or set input_shape), got {spec.InputSize}")
                ? new TensorShape(spec.InputSize)
                : null;
        }
        if (!v.Check(spec.InputShape.Count < TensorShape.MaxRank, $"{field}.input_shape", $"must have 1 to {TensorShape.MaxRank - 1} dimensions, got {spec.InputShape.Count}"))
        {
            return null;
        }
        for (int d = 0; d < spec.InputShape.Count; d++)
        {
            if (!v.Check(spec.InputShape[d] >= 1, $"{field}.input_shape[{d}]", $"every dimension must be at least 1, got {spec.InputShape[d]}"))
            {
                return null;
            }
        }
        long? length = TensorShape.CheckedLength([.. spec.InputShape]);
        if (!v.Check(length <= Array.MaxLength, $"{field}.input_shape", $"[{string.Join(", ", spec.InputShape)}] has more than {Array.MaxLength} elements"))
        {
            return null;
        }
        if (!v.Check(spec.InputSize == 0 || spec.InputSize == length, $"{field}.input_size",
            $"{spec.InputSize} conflicts with input_shape [{string.Join(", ", spec.InputShape)}] ({length} elements); set one, or both consistently"))
        {
            return null;
        }
        return new TensorShape([.. spec.InputShape.Select(d => (int)d)]);
    }

    private static WeightInit? Init(Wire.WeightInit init, string field, Violations v)
    {
        switch (init)
        {
            case Wire.WeightInit.Unspecified or Wire.WeightInit.He:
                return WeightInit.He;
            case Wire.WeightInit.Xavier:
                return WeightInit.Xavier;
            default:
                v.Add(field, $"unknown weight initialisation {(int)init}");
                return null;
        }
    }
}
