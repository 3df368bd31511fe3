using DropoutService.Engine.Layers;
using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// The format-2 payload: model header (seed, loss, input shape), one tagged, length-prefixed record
/// per layer holding its settings (written by its spec), parameters and buffers, then the optimizer
/// state and metadata of format 1. docs/checkpoint-format.md describes it byte by byte; keep the two
/// in step.
/// </summary>
internal static class CheckpointPayloadV2
{
    private const int MinLayerRecordBytes = 8; // tag, record length

    /// <summary>Checks that the checkpoint can be written and read back; throws <see cref="ArgumentException"/> otherwise.</summary>
    public static ModelLayout Check(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var layout = ModelSpecValidator.Validate(checkpoint.Spec);
        CheckValues(layout, checkpoint.Parameters, isBuffer: false);
        CheckValues(layout, checkpoint.Buffers, isBuffer: true);
        CheckpointSections.Check(checkpoint);
        return layout;
    }

    public static void Write(ref PayloadWriter w, Checkpoint checkpoint, ModelLayout layout)
    {
        var spec = checkpoint.Spec;
        w.WriteUInt64(spec.Seed);
        w.WriteInt32((int)spec.Loss);
        var input = spec.InputShape;
        w.WriteByte((byte)input.Rank);
        for (int d = 0; d < input.Rank; d++)
        {
            w.WriteInt32(input[d]);
        }
        w.WriteInt32(layout.Layers.Count);
        foreach (var layer in layout.Layers)
        {
            var settings = new LayerSettingsWriter();
            layer.Spec.WriteSettings(settings);
            long length = 4 + settings.WrittenSpan.Length + 4 + 4;
            foreach (var p in layer.Parameters)
            {
                length += CheckpointTensors.Bytes(p.Name, p.Shape);
            }
            foreach (var b in layer.Buffers)
            {
                length += CheckpointTensors.Bytes(b.Name, b.Shape);
            }
            if (length > CheckpointFile.MaxPayloadLength)
            {
                throw new ArgumentException($"Layer {layer.Name} needs a record of {length} bytes, more than a checkpoint can hold.", nameof(checkpoint));
            }
            w.WriteInt32(layer.Type.Tag);
            w.WriteInt32((int)length);
            w.WriteInt32(settings.WrittenSpan.Length);
            w.WriteBytes(settings.WrittenSpan);
            w.WriteInt32(layer.Parameters.Count);
            foreach (var p in layer.Parameters)
            {
                CheckpointTensors.Write(ref w, p.Name, checkpoint.Parameters[$"{layer.Name}.{p.Name}"]);
            }
            w.WriteInt32(layer.Buffers.Count);
            foreach (var b in layer.Buffers)
            {
                CheckpointTensors.Write(ref w, b.Name, checkpoint.Buffers[$"{layer.Name}.{b.Name}"]);
            }
        }
        CheckpointSections.WriteOptimizer(ref w, checkpoint.Optimizer);
        CheckpointSections.WriteMetadata(ref w, checkpoint.Metadata);
    }

    public static Checkpoint Read(ref PayloadReader r)
    {
        ulong seed = r.ReadUInt64("spec.seed");
        var loss = r.ReadEnum<LossKind>("spec.loss");
        var input = ReadInputShape(ref r);
        int count = r.ReadCount("spec.layers.count", CheckpointLimits.MaxLayers, MinLayerRecordBytes);
        var layers = new LayerSpec[count];
        var parameters = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var buffers = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var shape = input;
        for (int i = 0; i < count; i++)
        {
            int tag = r.ReadInt32($"layers[{i}].tag");
            var type = LayerTypes.FindByTag(tag) ?? throw new CheckpointUnknownLayerTypeException(r.Path, i, tag);
            int length = r.ReadNonNegativeInt32($"layers[{i}].length");
            var record = r.Slice(length, $"layers[{i}] ({type.Name}) record");
            var layer = ReadLayer(ref record, type, i, shape, parameters, buffers);
            record.ExpectEnd($"the buffers of layers[{i}] ({type.Name})");
            layers[i] = layer.Spec;
            shape = layer.OutputShape;
        }
        var spec = new ModelSpec { InputShape = input, Loss = loss, Seed = seed, Layers = layers };
        try
        {
            ModelSpecValidator.Validate(spec);
        }
        catch (ModelSpecException e)
        {
            throw r.Corrupted($"the spec is invalid at {e.Field}: {e.Message}", e);
        }
        var optimizer = CheckpointSections.ReadOptimizer(ref r);
        var metadata = CheckpointSections.ReadMetadata(ref r);
        r.ExpectEnd();
        return new Checkpoint(spec, parameters, optimizer, metadata) { Buffers = buffers };
    }

    private static TensorShape ReadInputShape(ref PayloadReader r)
    {
        int rank = r.ReadByte("spec.input_shape.rank");
        if (rank is < 1 or >= TensorShape.MaxRank)
        {
            throw r.Corrupted($"spec.input_shape.rank is {rank}, expected a value in [1, {TensorShape.MaxRank - 1}] (payload offset {r.Offset - 1}).");
        }
        Span<int> dims = stackalloc int[rank];
        for (int d = 0; d < rank; d++)
        {
            dims[d] = r.ReadInt32($"spec.input_shape[{d}]");
            if (dims[d] < 1)
            {
                throw r.Corrupted($"spec.input_shape[{d}] is {dims[d]}, expected a value ≥ 1 (payload offset {r.Offset - 4}).");
            }
        }
        return CheckpointTensors.ToShape(ref r, dims, "spec.input_shape");
    }

    private static LayerLayout ReadLayer(ref PayloadReader r, LayerType type, int index, TensorShape input,
        Dictionary<string, Tensor> parameters, Dictionary<string, Tensor> buffers)
    {
        string prefix = $"layers[{index}].{type.Name}";
        int settingsLength = r.ReadNonNegativeInt32($"{prefix} settings length");
        var settings = new LayerSettingsReader(r.ReadBytes(settingsLength, $"{prefix} settings"), r.Path, prefix);
        LayerSpec spec;
        LayerLayout layout;
        try
        {
            spec = type.ReadSettings(settings);
            settings.ExpectEnd();
            layout = LayerLayout.Create(spec, index, input);
        }
        catch (ModelSpecException e)
        {
            throw r.Corrupted($"the spec is invalid at {e.Field}: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw r.Corrupted($"the settings of {prefix} are invalid: {e.Message}", e);
        }
        int parameterCount = r.ReadInt32($"{prefix} parameter count");
        if (parameterCount != layout.Parameters.Count)
        {
            throw r.Corrupted($"{prefix} has {parameterCount} parameters, its spec implies {layout.Parameters.Count}.");
        }
        foreach (var p in layout.Parameters)
        {
            parameters.Add($"{layout.Name}.{p.Name}", CheckpointTensors.Read(ref r, $"{layout.Name}.{p.Name}", p.Name, p.Shape, "parameter"));
        }
        int bufferCount = r.ReadInt32($"{prefix} buffer count");
        if (bufferCount != layout.Buffers.Count)
        {
            throw r.Corrupted($"{prefix} has {bufferCount} buffers, its spec implies {layout.Buffers.Count}.");
        }
        foreach (var b in layout.Buffers)
        {
            buffers.Add($"{layout.Name}.{b.Name}", CheckpointTensors.Read(ref r, $"{layout.Name}.{b.Name}", b.Name, b.Shape, "buffer"));
        }
        return layout;
    }

    private static void CheckValues(ModelLayout layout, IReadOnlyDictionary<string, Tensor> values, bool isBuffer)
    {
        string what = isBuffer ? "buffer" : "parameter";
        var expected = layout.Layers
            .SelectMany(l => isBuffer
                ? l.Buffers.Select(b => (Name: $"{l.Name}.{b.Name}", b.Shape))
                : l.Parameters.Select(p => (Name: $"{l.Name}.{p.Name}", p.Shape)))
            .ToArray();
        if (values.Count != expected.Length)
        {
            throw new ArgumentException($"The spec implies {expected.Length} {what}s, the checkpoint has {values.Count}.", "checkpoint");
        }
        foreach (var (name, shape) in expected)
        {
            if (!values.TryGetValue(name, out var value) || value is null)
            {
                throw new ArgumentException($"The checkpoint has no value for {what} {name}.", "checkpoint");
            }
            if (value.Shape != shape)
            {
                throw new ArgumentException($"The {what} {name} has shape {value.Shape}, the spec implies {shape}.", "checkpoint");
            }
        }
    }
}
