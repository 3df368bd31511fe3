using DropoutService.Engine.Training;

namespace DropoutService.Server.Datasets;

/// <summary>A stored dataset's description: its summary (what the model-dependent rules check), size, checksum and creation time.</summary>
public sealed record DatasetRecord(string Id, DatasetSummary Summary, long SizeBytes, string Sha256, long CreatedUnixMs);
