using System.Collections.Concurrent;
using DropoutService.Server.Errors;
using DropoutService.Server.Options;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Datasets;

/// <summary>
/// Stored datasets as files <c>{store root}/_datasets/{id}.dset</c> (model ids cannot start with
/// '_', so the folder never collides with a model). An upload writes
/// <c>.{id}.dset.{guid}.tmp</c> and renames it into place when committed; temp files of dead
/// writers are swept at start-up. The index (footers) is held in memory; one writer process per
/// store directory, like the model store.
/// </summary>
public sealed class DirectoryDatasetStore(IOptions<StoreOptions> options) : IDatasetStore
{
    private readonly string _root = Path.Combine(Path.GetFullPath(options.Value.Path), "_datasets");
    private readonly ConcurrentDictionary<string, DatasetRecord> _index = new(StringComparer.Ordinal);

    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_root);
        DurableFile.SweepTemps(_root);
        foreach (var file in Directory.EnumerateFiles(_root, "*.dset"))
        {
            string id = Path.GetFileNameWithoutExtension(file);
            if (!DatasetIds.IsValid(id))
            {
                continue;
            }
            try
            {
                using var stream = File.OpenRead(file);
                var (summary, created) = DatasetFile.ReadFooter(stream);
                // The checksum is verified when a job reads the file; the index needs the footer only.
                _index[id] = new DatasetRecord(id, summary, stream.Length, "", created);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                // Unreadable: not listed; a job naming it gets NOT_FOUND. Left on disk for inspection.
            }
        }
        return Task.CompletedTask;
    }

    public Task<IDatasetUpload> BeginUploadAsync(string id, CancellationToken cancellationToken)
    {
        string path = PathOf(id);
        string temp = DurableFile.TempPath(path);
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.Asynchronous);
        return Task.FromResult<IDatasetUpload>(new Upload(this, stream, temp, path));
    }

    public Task<DatasetRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(DatasetIds.IsValid(id) && _index.TryGetValue(id, out var r) ? WithHash(r) : null);

    public Task<IReadOnlyList<DatasetRecord>> ListAsync(string? afterId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DatasetRecord>>(_index.Values
            .Where(r => afterId is null || string.CompareOrdinal(r.Id, afterId) > 0)
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .Take(limit)
            .Select(WithHash)
            .ToArray());

    public Task<(int Count, long Bytes)> UsageAsync(CancellationToken cancellationToken)
    {
        var all = _index.Values.ToArray();
        return Task.FromResult((all.Length, all.Sum(r => r.SizeBytes)));
    }

    public Task<Stream> OpenReadAsync(string id, CancellationToken cancellationToken)
    {
        if (!_index.ContainsKey(id))
        {
            throw ServiceException.NotFound($"Dataset '{id}' does not exist.");
        }
        try
        {
            return Task.FromResult<Stream>(new FileStream(PathOf(id), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20));
        }
        catch (FileNotFoundException)
        {
            _index.TryRemove(id, out _);
            throw ServiceException.NotFound($"Dataset '{id}' does not exist (its file is gone).");
        }
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!DatasetIds.IsValid(id) || !_index.TryRemove(id, out _))
        {
            return Task.FromResult(false);
        }
        File.Delete(PathOf(id));
        DurableFile.FlushDirectory(_root);
        return Task.FromResult(true);
    }

    private string PathOf(string id) =>
        DatasetIds.IsValid(id) ? Path.Combine(_root, id + ".dset") : throw new ArgumentException("Invalid dataset id.", nameof(id));

    // The hash is the file's last 32 bytes; read on demand rather than kept for every dataset.
    private DatasetRecord WithHash(DatasetRecord record)
    {
        if (record.Sha256.Length > 0)
        {
            return record;
        }
        try
        {
            using var stream = File.OpenRead(PathOf(record.Id));
            var hash = new byte[32];
            stream.Seek(-32, SeekOrigin.End);
            stream.ReadExactly(hash);
            var complete = record with { Sha256 = Convert.ToHexStringLower(hash) };
            _index.TryUpdate(record.Id, complete, record);
            return complete;
        }
        catch (IOException)
        {
            return record;
        }
    }

    private sealed class Upload(DirectoryDatasetStore store, FileStream stream, string temp, string path) : IDatasetUpload
    {
        private bool _committed;

        public Stream Content => stream;

        public async Task CommitAsync(DatasetRecord record, CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
            await stream.DisposeAsync();
            DurableFile.Commit(temp, path, replace: false);
            _committed = true;
            store._index[record.Id] = record;
        }

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync();
            if (!_committed)
            {
                DurableFile.TryDelete(temp);
            }
        }
    }
}
