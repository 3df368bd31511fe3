using DropoutService.Engine.Layers.Activations;
using DropoutService.Engine.Layers.Dense;
using DropoutService.Engine.Layers.Dropout;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// The frozen reader of format-1 payloads: spec with fixed 20-byte layer records, parameters (model
/// order), optional optimizer state, metadata. Nothing writes format 1 any more; this reader is kept
/// so that every file ever written loads forever (testdata/checkpoints/v1 pins it). Do not change
/// what it accepts or how it maps format-1 layers to today's spec types.
/// </summary>
internal static class CheckpointPayloadV1
{
    private const int LayerBytes = 20; // kind, units, init, rate, slope

    public static Checkpoint Read(ref PayloadReader r)
    {
        var (spec, layout) = ReadSpec(ref r);
        var parameters = ReadParameters(ref r, layout);
        var optimizer = CheckpointSections.ReadOptimizer(ref r);
        var metadata = CheckpointSections.ReadMetadata(ref r);
        r.ExpectEnd();
        return new Checkpoint(spec, parameters, optimizer, metadata);
    }

    private static (ModelSpec, ModelLayout) ReadSpec(ref PayloadReader r)
    {
        int inputSize = r.ReadInt32("spec.input_size");
        var loss = r.ReadEnum<LossKind>("spec.loss");
        ulong seed = r.ReadUInt64("spec.seed");
        int count = r.ReadCount("spec.layers.count", CheckpointLimits.MaxLayers, LayerBytes);
        var layers = new LayerSpec[count];
        for (int i = 0; i < count; i++)
        {
            // Format 1's LayerKind: 0 dense, 1 relu, 2 leaky relu, 3 sigmoid, 4 tanh, 5 dropout. Every
            // record carries all five fields; those a kind does not use are ignored.
            int kind = r.ReadInt32($"spec.layers[{i}].kind");
            if (kind is < 0 or > 5)
            {
                throw r.Corrupted($"spec.layers[{i}].kind is {kind}, not a known LayerKind (payload offset {r.Offset - 4}).");
            }
            int units = r.ReadInt32($"spec.layers[{i}].units");
            var init = r.ReadEnum<WeightInit>($"spec.layers[{i}].init");
            float rate = r.ReadSingle($"spec.layers[{i}].rate");
            float slope = r.ReadSingle($"spec.layers[{i}].slope");
            layers[i] = kind switch
            {
                0 => new DenseSpec(units, init),
                1 => new ReluSpec(),
                2 => new LeakyReluSpec(slope),
                3 => new SigmoidSpec(),
                4 => new TanhSpec(),
                _ => new DropoutSpec(rate),
            };
        }
        if (inputSize < 1)
        {
            throw r.Corrupted($"the spec is invalid at input_size: input_size must be at least 1, got {inputSize}.");
        }
        var spec = new ModelSpec { InputSize = inputSize, Loss = loss, Seed = seed, Layers = layers };
        try
        {
            return (spec, ModelSpecValidator.Validate(spec));
        }
        catch (ModelSpecException e)
        {
            throw r.Corrupted($"the spec is invalid at {e.Field}: {e.Message}", e);
        }
    }

    private static Dictionary<string, Tensor> ReadParameters(ref PayloadReader r, ModelLayout layout)
    {
        // Format 1 stores every parameter as (rows, columns); today's dense layer declares exactly those shapes.
        var expected = layout.Layers.SelectMany(l => l.Parameters.Select(p => (Name: $"{l.Name}.{p.Name}", p.Shape))).ToArray();
        int count = r.ReadInt32("parameters.count");
        if (count != expected.Length)
        {
            throw r.Corrupted($"the payload has {count} parameters, its spec implies {expected.Length}.");
        }
        var parameters = new Dictionary<string, Tensor>(expected.Length, StringComparer.Ordinal);
        for (int i = 0; i < expected.Length; i++)
        {
            var (expectedName, shape) = expected[i];
            string name = r.ReadString($"parameters[{i}].name");
            if (name != expectedName)
            {
                throw r.Corrupted($"parameters[{i}] is named '{name}', the spec implies '{expectedName}' there.");
            }
            int rows = r.ReadInt32($"{name}.rows");
            int columns = r.ReadInt32($"{name}.columns");
            if (shape.Rank != 2 || rows != shape[0] || columns != shape[1])
            {
                throw r.Corrupted($"parameter {name} has shape ({rows}, {columns}), the spec implies ({shape[0]}, {shape[1]}).");
            }
            r.EnsureSingles(shape.Length, $"parameter {name}");
            var value = new Tensor(shape);
            r.ReadSingles(value.Span, $"parameter {name}");
            parameters.Add(name, value);
        }
        return parameters;
    }
}
