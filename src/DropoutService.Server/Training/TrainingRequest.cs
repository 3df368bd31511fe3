using DropoutService.Engine.Training;

namespace DropoutService.Server.Training;

/// <summary>
/// What to train, mapped from the wire (Train or StartTraining) but not yet checked against the
/// model: exactly one of <see cref="Data"/> (inline) and <see cref="DatasetId"/> (stored) is set.
/// </summary>
public sealed record TrainingRequest(
    string ModelId,
    long BaseVersion,
    Dataset? Data,
    string? DatasetId,
    Dataset? Validation,
    TrainingSettings Settings);
