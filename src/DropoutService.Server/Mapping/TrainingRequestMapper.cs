using DropoutService.Server.Errors;
using DropoutService.Server.Options;
using DropoutService.Server.Training;
using Wire = DropoutService.Api.V1;

namespace DropoutService.Server.Mapping;

/// <summary>Train and StartTraining requests to the training use case's request.</summary>
public static class TrainingRequestMapper
{
    public static TrainingRequest ToDomain(string modelId, long baseVersion, Wire.Dataset? inline, string? datasetId, Wire.TrainingOptions? options, Wire.Dataset? validation, LimitsOptions limits)
    {
        string id = Models.ModelId.Validate(modelId);
        var v = new Violations();
        if (baseVersion < 0)
        {
            v.Add("base_version", $"must be 0 (latest) or a version number, got {baseVersion}");
        }
        var engineOptions = TrainingOptionsMapper.ToEngine(options, limits, v);
        var data = inline is null ? null : DatasetMapper.ToEngine(inline, "dataset", limits.MaxDatasetBytes, v);
        var valid = validation is null ? null : DatasetMapper.ToEngine(validation, "validation_dataset", limits.MaxDatasetBytes, v);
        if (inline is null && string.IsNullOrEmpty(datasetId))
        {
            v.Add("data", "is required: set dataset (inline) or dataset_id (from UploadDataset)");
        }
        v.ThrowIfAny();
        return new TrainingRequest(id, baseVersion, data, inline is null ? datasetId : null, valid,
            TrainingSettings.From(engineOptions, options?.ResetOptimizerState ?? false));
    }
}
