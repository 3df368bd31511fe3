using DropoutService.Engine.Training;
using DropoutService.Server.Datasets;

namespace DropoutService.Server.Jobs;

/// <summary>An in-memory dataset in the stored dataset format, for the inline data a job keeps.</summary>
public static class DatasetBytes
{
    public static async Task<byte[]> EncodeAsync(Dataset data, CancellationToken cancellationToken)
    {
        var summary = data.Profile();
        using var buffer = new MemoryStream();
        using (var writer = new DatasetFile.Writer(buffer))
        {
            await writer.WriteChunkAsync(data.Features.Memory, data.Count,
                data.ClassIds ?? default(ReadOnlyMemory<int>), data.Values?.Memory ?? default, cancellationToken);
            await writer.FinishAsync(summary, 0, cancellationToken);
        }
        return buffer.ToArray();
    }
}
