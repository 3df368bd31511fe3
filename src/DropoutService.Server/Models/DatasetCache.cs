using System.Collections.Concurrent;
using DropoutService.Server.Errors;
using DropoutService.Server.Options;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Models;

/// <summary>
/// Uploaded datasets, in memory on the server that received them. Bounded by
/// Limits:MaxUploadedDatasets (the oldest is evicted) and Limits:MaxDatasetBytes each.
/// </summary>
public sealed class DatasetCache(IOptions<LimitsOptions> limits)
{
    private readonly ConcurrentDictionary<string, UploadedDataset> _sets = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Add(UploadedDataset dataset)
    {
        lock (_gate)
        {
            _sets[dataset.Id] = dataset;
            while (_sets.Count > limits.Value.MaxUploadedDatasets)
            {
                var oldest = _sets.Values.MinBy(d => d.Received);
                if (oldest is null)
                {
                    break;
                }
                _sets.TryRemove(oldest.Id, out _);
            }
        }
    }

    public UploadedDataset Get(string id, string field) =>
        _sets.TryGetValue(id, out var set)
            ? set
            : throw ServiceException.NotFound($"{field}: dataset '{id}' is not held by this server (unknown, evicted, or uploaded to another replica); upload it again.");
}
