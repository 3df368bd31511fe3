using DropoutService.Engine.Losses;
using DropoutService.Engine.Models;
using DropoutService.Engine.Optimizers;
using DropoutService.Engine.Tensors;

namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// The version-1 payload: spec, parameters (model order), optional optimizer state, metadata.
/// docs/checkpoint-format.md describes it byte by byte; keep the two in step.
/// </summary>
internal static class CheckpointPayload
{
    private const int LayerBytes = 20;        // kind, units, init, rate, slope
    private const int MinNamedArrayBytes = 8; // string length + array length, both possibly zero
    private const int MinLabelBytes = 8;      // two string lengths

    /// <summary>Checks that the checkpoint can be written and read back; throws <see cref="ArgumentException"/> otherwise.</summary>
    public static ParameterShape[] Check(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ModelSpecValidator.Validate(checkpoint.Spec);
        if (checkpoint.Spec.Layers.Count > CheckpointLimits.MaxLayers)
        {
            throw new ArgumentException($"The spec has {checkpoint.Spec.Layers.Count} layers, a checkpoint holds at most {CheckpointLimits.MaxLayers}.", nameof(checkpoint));
        }
        var layout = ParameterLayout.For(checkpoint.Spec);
        if (checkpoint.Parameters.Count != layout.Length)
        {
            throw new ArgumentException($"The spec implies {layout.Length} parameters, the checkpoint has {checkpoint.Parameters.Count}.", nameof(checkpoint));
        }
        foreach (var shape in layout)
        {
            if (!checkpoint.Parameters.TryGetValue(shape.Name, out var value) || value is null)
            {
                throw new ArgumentException($"The checkpoint has no value for parameter {shape.Name}.", nameof(checkpoint));
            }
            if (value.Rows != shape.Rows || value.Columns != shape.Columns)
            {
                throw new ArgumentException($"Parameter {shape.Name} has shape ({value.Rows}, {value.Columns}), the spec implies ({shape.Rows}, {shape.Columns}).", nameof(checkpoint));
            }
        }
        if (checkpoint.Optimizer is { } optimizer)
        {
            if (!Enum.IsDefined(optimizer.Kind) || optimizer.StepCount < 0 || optimizer.Buffers is null)
            {
                throw new ArgumentException($"Invalid optimizer state: kind {(int)optimizer.Kind}, step count {optimizer.StepCount}.", nameof(checkpoint));
            }
            if (optimizer.Buffers.Count > CheckpointLimits.MaxOptimizerBuffers || optimizer.Buffers.Values.Any(b => b is null))
            {
                throw new ArgumentException($"The optimizer state has {optimizer.Buffers.Count} buffers (at most {CheckpointLimits.MaxOptimizerBuffers}, none null).", nameof(checkpoint));
            }
        }
        var metadata = checkpoint.Metadata;
        if (metadata.Epochs < 0 || metadata.Steps < 0)
        {
            throw new ArgumentException($"Metadata epochs ({metadata.Epochs}) and steps ({metadata.Steps}) must be ≥ 0.", nameof(checkpoint));
        }
        if (metadata.Labels.Count > CheckpointLimits.MaxLabels || metadata.Labels.Values.Any(v => v is null))
        {
            throw new ArgumentException($"Metadata has {metadata.Labels.Count} labels (at most {CheckpointLimits.MaxLabels}, no null values).", nameof(checkpoint));
        }
        return layout;
    }

    public static void Write(ref PayloadWriter w, Checkpoint checkpoint, ParameterShape[] layout)
    {
        var spec = checkpoint.Spec;
        w.WriteInt32(spec.InputSize);
        w.WriteInt32((int)spec.Loss);
        w.WriteUInt64(spec.Seed);
        w.WriteInt32(spec.Layers.Count);
        foreach (var layer in spec.Layers)
        {
            w.WriteInt32((int)layer.Kind);
            w.WriteInt32(layer.Units);
            w.WriteInt32((int)layer.Init);
            w.WriteSingle(layer.Rate);
            w.WriteSingle(layer.Slope);
        }

        w.WriteInt32(layout.Length);
        foreach (var shape in layout)
        {
            var value = checkpoint.Parameters[shape.Name];
            w.WriteString(shape.Name, "parameter name");
            w.WriteInt32(value.Rows);
            w.WriteInt32(value.Columns);
            w.WriteSingles(value.Span);
        }

        var optimizer = checkpoint.Optimizer;
        w.WriteByte(optimizer is null ? (byte)0 : (byte)1);
        if (optimizer is not null)
        {
            w.WriteInt32((int)optimizer.Kind);
            w.WriteInt64(optimizer.StepCount);
            w.WriteInt32(optimizer.Buffers.Count);
            // Sorted so that equal checkpoints serialise to equal bytes whatever the dictionary order.
            foreach (var (name, buffer) in optimizer.Buffers.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteString(name, $"optimizer buffer name '{name}'");
                w.WriteInt32(buffer.Length);
                w.WriteSingles(buffer);
            }
        }

        var metadata = checkpoint.Metadata;
        w.WriteInt32(metadata.Epochs);
        w.WriteInt64(metadata.Steps);
        w.WriteOptionalSingle(metadata.TrainLoss);
        w.WriteOptionalSingle(metadata.ValidationLoss);
        w.WriteOptionalSingle(metadata.ValidationAccuracy);
        w.WriteInt64(metadata.CreatedUnixMs);
        w.WriteInt32(metadata.Labels.Count);
        foreach (var (key, value) in metadata.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteString(key, $"label key '{key}'");
            w.WriteString(value, $"label '{key}' value");
        }
    }

    public static Checkpoint Read(ref PayloadReader r)
    {
        var spec = ReadSpec(ref r);
        var parameters = ReadParameters(ref r, spec);
        var optimizer = r.ReadBoolean("optimizer.present") ? ReadOptimizer(ref r) : null;
        var metadata = ReadMetadata(ref r);
        r.ExpectEnd();
        return new Checkpoint(spec, parameters, optimizer, metadata);
    }

    private static ModelSpec ReadSpec(ref PayloadReader r)
    {
        int inputSize = r.ReadInt32("spec.input_size");
        var loss = r.ReadEnum<LossKind>("spec.loss");
        ulong seed = r.ReadUInt64("spec.seed");
        int count = r.ReadCount("spec.layers.count", CheckpointLimits.MaxLayers, LayerBytes);
        var layers = new LayerSpec[count];
        for (int i = 0; i < count; i++)
        {
            layers[i] = new LayerSpec
            {
                Kind = r.ReadEnum<LayerKind>($"spec.layers[{i}].kind"),
                Units = r.ReadInt32($"spec.layers[{i}].units"),
                Init = r.ReadEnum<WeightInit>($"spec.layers[{i}].init"),
                Rate = r.ReadSingle($"spec.layers[{i}].rate"),
                Slope = r.ReadSingle($"spec.layers[{i}].slope"),
            };
        }
        var spec = new ModelSpec { InputSize = inputSize, Loss = loss, Seed = seed, Layers = layers };
        try
        {
            ModelSpecValidator.Validate(spec);
        }
        catch (ModelSpecException e)
        {
            throw r.Corrupted($"the spec is invalid at {e.Field}: {e.Message}", e);
        }
        return spec;
    }

    private static Dictionary<string, Tensor> ReadParameters(ref PayloadReader r, ModelSpec spec)
    {
        var layout = ParameterLayout.For(spec);
        int count = r.ReadInt32("parameters.count");
        if (count != layout.Length)
        {
            throw r.Corrupted($"the payload has {count} parameters, its spec implies {layout.Length}.");
        }
        var parameters = new Dictionary<string, Tensor>(layout.Length, StringComparer.Ordinal);
        for (int i = 0; i < layout.Length; i++)
        {
            var expected = layout[i];
            string name = r.ReadString($"parameters[{i}].name");
            if (name != expected.Name)
            {
                throw r.Corrupted($"parameters[{i}] is named '{name}', the spec implies '{expected.Name}' there.");
            }
            int rows = r.ReadInt32($"{name}.rows");
            int columns = r.ReadInt32($"{name}.columns");
            if (rows != expected.Rows || columns != expected.Columns)
            {
                throw r.Corrupted($"parameter {name} has shape ({rows}, {columns}), the spec implies ({expected.Rows}, {expected.Columns}).");
            }
            r.EnsureSingles(expected.Length, $"parameter {name}");
            var value = new Tensor(rows, columns);
            r.ReadSingles(value.Span, $"parameter {name}");
            parameters.Add(name, value);
        }
        return parameters;
    }

    private static OptimizerState ReadOptimizer(ref PayloadReader r)
    {
        var kind = r.ReadEnum<OptimizerKind>("optimizer.kind");
        long steps = r.ReadInt64("optimizer.step_count");
        if (steps < 0)
        {
            throw r.Corrupted($"optimizer.step_count is {steps}, expected a value ≥ 0.");
        }
        int count = r.ReadCount("optimizer.buffers.count", CheckpointLimits.MaxOptimizerBuffers, MinNamedArrayBytes);
        var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string name = r.ReadString($"optimizer.buffers[{i}].name");
            int length = r.ReadNonNegativeInt32($"optimizer buffer '{name}' length");
            r.EnsureSingles(length, $"optimizer buffer '{name}'");
            var buffer = new float[length];
            r.ReadSingles(buffer, $"optimizer buffer '{name}'");
            if (!buffers.TryAdd(name, buffer))
            {
                throw r.Corrupted($"optimizer buffer '{name}' appears twice.");
            }
        }
        return new OptimizerState(kind, steps, buffers);
    }

    private static TrainingMetadata ReadMetadata(ref PayloadReader r)
    {
        int epochs = r.ReadNonNegativeInt32("metadata.epochs");
        long steps = r.ReadInt64("metadata.steps");
        if (steps < 0)
        {
            throw r.Corrupted($"metadata.steps is {steps}, expected a value ≥ 0.");
        }
        float? trainLoss = r.ReadOptionalSingle("metadata.train_loss");
        float? validationLoss = r.ReadOptionalSingle("metadata.validation_loss");
        float? validationAccuracy = r.ReadOptionalSingle("metadata.validation_accuracy");
        long created = r.ReadInt64("metadata.created_unix_ms");
        int count = r.ReadCount("metadata.labels.count", CheckpointLimits.MaxLabels, MinLabelBytes);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string key = r.ReadString($"metadata.labels[{i}].key");
            string value = r.ReadString($"metadata.labels[{i}].value");
            if (!labels.TryAdd(key, value))
            {
                throw r.Corrupted($"label '{key}' appears twice.");
            }
        }
        return new TrainingMetadata
        {
            Epochs = epochs,
            Steps = steps,
            TrainLoss = trainLoss,
            ValidationLoss = validationLoss,
            ValidationAccuracy = validationAccuracy,
            CreatedUnixMs = created,
            Labels = labels,
        };
    }
}
