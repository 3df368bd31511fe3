using DropoutService.Engine.Training;
using DropoutService.Server.Errors;
using DropoutService.Server.Options;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Datasets;

/// <summary>
/// The stored-dataset use cases: upload (rows checked once, with the engine's rules, and spilled
/// to the store as they arrive: memory holds one message at a time), get, list, delete (refused
/// while a job uses the dataset) and load for training.
/// </summary>
public sealed class DatasetCatalog(
    IDatasetStore store,
    DatasetPins pins,
    TimeProvider time,
    IOptions<LimitsOptions> limits,
    IOptions<DatasetsOptions> options)
{
    private readonly SemaphoreSlim _commitGate = new(1, 1);

    public async Task<DatasetRecord> UploadAsync(IAsyncEnumerable<DatasetChunk> chunks, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var (count, _) = await store.UsageAsync(cancellationToken);
        if (count >= o.MaxStoredDatasets)
        {
            throw ServiceException.ResourceExhausted($"The store holds {count} datasets; the limit is {o.MaxStoredDatasets} (Datasets:MaxStoredDatasets). Delete some first.");
        }
        string id = DatasetIds.New();
        await using var upload = await store.BeginUploadAsync(id, cancellationToken);
        using var writer = new DatasetFile.Writer(upload.Content);
        DatasetProfiler? profiler = null;
        long dataBytes = 0, elements = 0;
        int message = 0;
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            profiler ??= new DatasetProfiler(chunk.FeatureShape ?? throw new RequestValidationException("feature_count", "must be set (>= 1) in the first message"));
            dataBytes += (chunk.Features.Length + (chunk.ClassIds?.Length ?? 0) + (chunk.Values?.Length ?? 0)) * 4L;
            elements += chunk.Features.Length;
            if (dataBytes > limits.Value.MaxDatasetBytes)
            {
                throw ServiceException.ResourceExhausted($"The dataset exceeds {limits.Value.MaxDatasetBytes} bytes (Limits:MaxDatasetBytes); nothing was stored.");
            }
            if (elements > Array.MaxLength)
            {
                throw ServiceException.ResourceExhausted($"The dataset would hold {elements} feature values; one tensor holds at most {Array.MaxLength} (the .NET array limit); nothing was stored.");
            }
            try
            {
                if (chunk.ClassIds is not null)
                {
                    profiler.AddClassIds(chunk.Features, chunk.ClassIds);
                }
                else
                {
                    profiler.AddValues(chunk.Features, chunk.Values, chunk.ValueColumns);
                }
            }
            catch (DatasetException e)
            {
                throw new RequestValidationException(e.Field, $"{e.Message} (message {message})");
            }
            await writer.WriteChunkAsync(chunk.Features, chunk.Rows, chunk.ClassIds ?? default(ReadOnlyMemory<int>), chunk.Values ?? default(ReadOnlyMemory<float>), cancellationToken);
            message++;
        }
        if (profiler is null)
        {
            throw new RequestValidationException("features", "the dataset is empty: send at least one row");
        }
        DatasetSummary summary;
        try
        {
            summary = profiler.Summary;
        }
        catch (DatasetException e)
        {
            throw new RequestValidationException(e.Field, e.Message);
        }
        long created = time.GetUtcNow().ToUnixTimeMilliseconds();
        string sha = await writer.FinishAsync(summary, created, cancellationToken);
        var record = new DatasetRecord(id, summary, writer.Length, sha, created);
        await _commitGate.WaitAsync(cancellationToken);
        try
        {
            var (n, bytes) = await store.UsageAsync(cancellationToken);
            if (n >= o.MaxStoredDatasets)
            {
                throw ServiceException.ResourceExhausted($"The store holds {n} datasets; the limit is {o.MaxStoredDatasets} (Datasets:MaxStoredDatasets). Delete some first.");
            }
            if (bytes + record.SizeBytes > o.MaxStoreBytes)
            {
                throw ServiceException.ResourceExhausted($"Stored datasets take {bytes} bytes; this one ({record.SizeBytes}) would pass the limit of {o.MaxStoreBytes} (Datasets:MaxStoreBytes). Delete some first.");
            }
            await upload.CommitAsync(record, cancellationToken);
        }
        finally
        {
            _commitGate.Release();
        }
        return record;
    }

    public async Task<DatasetRecord> GetAsync(string id, string field = "dataset_id", CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new RequestValidationException(field, "is required");
        }
        return await store.GetAsync(id, cancellationToken)
            ?? throw ServiceException.NotFound($"Dataset '{Truncate(id)}' does not exist (never uploaded, deleted, or uploaded to a server with another store).");
    }

    public Task<IReadOnlyList<DatasetRecord>> ListAsync(string? afterId, int limit, CancellationToken cancellationToken) =>
        store.ListAsync(afterId, limit, cancellationToken);

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await GetAsync(id, cancellationToken: cancellationToken);
        lock (pins.Gate)
        {
            if (pins.IsPinned(id))
            {
                throw ServiceException.FailedPrecondition($"Dataset '{id}' is used by a queued or running job; cancel the job or wait for it to end.");
            }
            if (!store.DeleteAsync(id, cancellationToken).GetAwaiter().GetResult())
            {
                throw ServiceException.NotFound($"Dataset '{id}' does not exist.");
            }
        }
    }

    /// <summary>Pins the dataset for a job (it cannot be deleted until unpinned); NOT_FOUND when it is gone.</summary>
    public async Task<DatasetRecord> PinAsync(string id, string field, CancellationToken cancellationToken)
    {
        var record = await GetAsync(id, field, cancellationToken);
        lock (pins.Gate)
        {
            if (store.GetAsync(id, cancellationToken).GetAwaiter().GetResult() is null)
            {
                throw ServiceException.NotFound($"Dataset '{id}' was deleted.");
            }
            pins.Pin(id);
        }
        return record;
    }

    public void Unpin(string id) => pins.Unpin(id);

    /// <summary>Reads and verifies the dataset's rows (DATA_LOSS when the file is corrupt).</summary>
    public async Task<Dataset> LoadAsync(string id, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(id, cancellationToken);
        return DatasetFile.Read(stream, id);
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
