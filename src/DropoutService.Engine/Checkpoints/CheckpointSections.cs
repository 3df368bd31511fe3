using DropoutService.Engine.Optimizers;

namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// The payload sections formats 1 and 2 share byte for byte: optimizer state and metadata
/// (docs/checkpoint-format.md). Changing either changes both formats: don't; add a format instead.
/// </summary>
internal static class CheckpointSections
{
    private const int MinNamedArrayBytes = 8; // string length + array length, both possibly zero
    private const int MinLabelBytes = 8;      // two string lengths

    /// <summary>Throws <see cref="ArgumentException"/> when the optimizer state or metadata cannot be written and read back.</summary>
    public static void Check(Checkpoint checkpoint)
    {
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
    }

    public static void WriteOptimizer(ref PayloadWriter w, OptimizerState? optimizer)
    {
        w.WriteByte(optimizer is null ? (byte)0 : (byte)1);
        if (optimizer is null)
        {
            return;
        }
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

    public static void WriteMetadata(ref PayloadWriter w, TrainingMetadata metadata)
    {
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

    public static OptimizerState? ReadOptimizer(ref PayloadReader r)
    {
        if (!r.ReadBoolean("optimizer.present"))
        {
            return null;
        }
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

    public static TrainingMetadata ReadMetadata(ref PayloadReader r)
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
