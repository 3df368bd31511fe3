using System.Collections.ObjectModel;

namespace DropoutService.Engine.Checkpoints;

/// <summary>
/// What a checkpoint records about how its weights were produced. Equality compares the
/// <see cref="Labels"/> by content (ordinal keys and values), not by dictionary reference.
/// </summary>
public sealed record TrainingMetadata
{
    private readonly IReadOnlyDictionary<string, string> _labels = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Epochs trained in total.</summary>
    public int Epochs { get; init; }

    /// <summary>Optimizer steps (minibatches) taken in total.</summary>
    public long Steps { get; init; }

    /// <summary>Training loss of the last epoch, if known.</summary>
    public float? TrainLoss { get; init; }

    /// <summary>Validation loss, if a validation set was used.</summary>
    public float? ValidationLoss { get; init; }

    /// <summary>Validation accuracy in [0, 1], for classifiers with a validation set.</summary>
    public float? ValidationAccuracy { get; init; }

    /// <summary>When the checkpoint was made, in milliseconds since the Unix epoch (UTC).</summary>
    public long CreatedUnixMs { get; init; }

    /// <summary>Free-form string labels (e.g. who or what produced the version); empty by default, never null.</summary>
    public IReadOnlyDictionary<string, string> Labels
    {
        get => _labels;
        init => _labels = value ?? throw new ArgumentNullException(nameof(Labels));
    }

    /// <inheritdoc/>
    public bool Equals(TrainingMetadata? other) =>
        other is not null
        && Epochs == other.Epochs
        && Steps == other.Steps
        && Nullable.Equals(TrainLoss, other.TrainLoss)
        && Nullable.Equals(ValidationLoss, other.ValidationLoss)
        && Nullable.Equals(ValidationAccuracy, other.ValidationAccuracy)
        && CreatedUnixMs == other.CreatedUnixMs
        && LabelsEqual(Labels, other.Labels);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Epochs, Steps, TrainLoss, ValidationLoss, ValidationAccuracy, CreatedUnixMs, Labels.Count);

    private static bool LabelsEqual(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }
        if (a.Count != b.Count)
        {
            return false;
        }
        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}
