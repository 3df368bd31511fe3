using DropoutService.Engine.Optimizers;
using DropoutService.Server.Models;
using Wire = DropoutService.Api.V1;

namespace DropoutService.Server.Mapping;

/// <summary>Registry entries and versions to their wire resources.</summary>
public static class ModelMapper
{
    public static Wire.Model ToApi(ModelEntry entry)
    {
        var versions = entry.Versions;
        return new Wire.Model
        {
            Id = entry.Id,
            Spec = SpecMapper.ToApi(entry.Spec),
            ParameterCount = entry.ParameterCount,
            OutputSize = entry.OutputSize,
            LatestVersion = versions[^1].Number,
            VersionCount = versions.Length,
            CreateTimeUnixMs = versions[0].Metadata.CreatedUnixMs,
            UpdateTimeUnixMs = versions[^1].Metadata.CreatedUnixMs,
            Training = entry.IsWriting,
        };
    }

    public static Wire.ModelVersion ToApi(VersionRecord record)
    {
        var m = record.Metadata;
        var result = new Wire.ModelVersion
        {
            Version = record.Number,
            Source = record.Source switch
            {
                VersionSource.Created => Wire.VersionSource.Created,
                VersionSource.Trained => Wire.VersionSource.Trained,
                VersionSource.GradientsApplied => Wire.VersionSource.GradientsApplied,
                _ => Wire.VersionSource.Unspecified,
            },
            ParentVersion = record.Parent,
            CreateTimeUnixMs = m.CreatedUnixMs,
            Epochs = m.Epochs,
            Steps = m.Steps,
            Optimizer = record.Optimizer is OptimizerKind kind ? ToApi(kind) : Wire.Optimizer.Unspecified,
            SizeBytes = record.SizeBytes,
        };
        if (m.TrainLoss is float t)
        {
            result.TrainLoss = t;
        }
        if (m.ValidationLoss is float vl)
        {
            result.ValidationLoss = vl;
        }
        if (m.ValidationAccuracy is float va)
        {
            result.ValidationAccuracy = va;
        }
        return result;
    }

    public static Wire.Optimizer ToApi(OptimizerKind kind) => kind switch
    {
        OptimizerKind.Sgd => Wire.Optimizer.Sgd,
        OptimizerKind.Momentum => Wire.Optimizer.Momentum,
        OptimizerKind.Nesterov => Wire.Optimizer.Nesterov,
        OptimizerKind.RmsProp => Wire.Optimizer.Rmsprop,
        OptimizerKind.Adam => Wire.Optimizer.Adam,
        _ => Wire.Optimizer.Unspecified,
    };
}
