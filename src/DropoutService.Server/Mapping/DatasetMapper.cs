using DropoutService.Engine.Models;
using DropoutService.Engine.Training;
using DropoutService.Server.Errors;
using DropoutService.Server.Models;
using Wire = DropoutService.Api.V1;

namespace DropoutService.Server.Mapping;

/// <summary>Inline and uploaded datasets to engine datasets, checked against the model.</summary>
public static class DatasetMapper
{
    public static Dataset? ToEngine(Wire.Dataset? dataset, string field, ModelSpec spec, int outputSize, long maxBytes, Violations v)
    {
        if (dataset is null)
        {
            v.Add(field, "is required");
            return null;
        }
        var features = TensorMapper.ToEngine(dataset.Features, $"{field}.features", spec.InputShape, v);
        if (features is null)
        {
            return null;
        }
        var (ids, values) = TargetsMapper.ToEngine(dataset.ClassIds, dataset.TargetValues, features.Rows, spec, outputSize, $"{field}.class_ids", $"{field}.target_values", v);
        if (ids is null && values is null)
        {
            return null;
        }
        long bytes = features.Length * 4L + (ids?.Length ?? 0) * 4L + (values?.Length ?? 0) * 4L;
        if (bytes > maxBytes)
        {
            throw ServiceException.ResourceExhausted($"{field} holds {bytes} bytes; the limit is {maxBytes} (Limits:MaxDatasetBytes).");
        }
        return ids is not null ? Dataset.FromClassIds(features, ids) : Dataset.FromValues(features, values!);
    }

    public static Dataset? ToEngine(UploadedDataset uploaded, string field, ModelSpec spec, int outputSize, Violations v)
    {
        if (!v.Check(uploaded.Features.Columns == spec.InputSize, field, $"shape mismatch: dataset '{uploaded.Id}' has {uploaded.Features.Columns} features, the model expects {spec.InputSize}"))
        {
            return null;
        }
        if (spec.IsClassifier)
        {
            if (!v.Check(uploaded.ClassIds is not null, field, $"dataset '{uploaded.Id}' has target values; a softmax cross-entropy model needs class ids"))
            {
                return null;
            }
            for (int i = 0; i < uploaded.ClassIds!.Length; i++)
            {
                if (uploaded.ClassIds[i] < 0 || uploaded.ClassIds[i] >= outputSize)
                {
                    v.Add(field, $"dataset '{uploaded.Id}' row {i}: class id {uploaded.ClassIds[i]} is out of range [0, {outputSize})");
                    return null;
                }
            }
            return Dataset.FromClassIds(uploaded.Features, uploaded.ClassIds);
        }
        if (!v.Check(uploaded.TargetValues is not null && uploaded.TargetValues.Columns == outputSize, field,
            $"dataset '{uploaded.Id}' needs target values with {outputSize} columns for this model"))
        {
            return null;
        }
        return Dataset.FromValues(uploaded.Features, uploaded.TargetValues!);
    }
}
