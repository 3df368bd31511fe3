using DropoutService.Engine.Tensors;

namespace DropoutService.Server.Models;

/// <summary>A dataset received through UploadDataset: features and either class ids or target values.</summary>
public sealed record UploadedDataset(string Id, Tensor Features, int[]? ClassIds, Tensor? TargetValues, long SizeBytes, DateTimeOffset Received);
