using DropoutService.Server.Datasets;
using DropoutService.Server.Models;

namespace DropoutService.Server.Training;

/// <summary>A training request checked against its model and data: ready to queue and run.</summary>
public sealed record TrainingPlan(TrainingRequest Request, ModelEntry Entry, DatasetRecord? StoredDataset);
