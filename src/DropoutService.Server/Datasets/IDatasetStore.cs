namespace DropoutService.Server.Datasets;

/// <summary>
/// Where stored datasets live: immutable files in the <see cref="DatasetFile"/> format, each
/// visible only once completely written (a crash or an abandoned upload leaves nothing visible).
/// Backend-neutral: ids in, bytes and records out; <see cref="DirectoryDatasetStore"/> keeps them
/// under the store root's <c>_datasets/</c>, a database backend would keep rows and blobs.
/// </summary>
public interface IDatasetStore
{
    /// <summary>Starts writing a new dataset with <paramref name="id"/>; nothing is visible until <see cref="IDatasetUpload.CommitAsync"/>.</summary>
    Task<IDatasetUpload> BeginUploadAsync(string id, CancellationToken cancellationToken);

    /// <summary>The dataset, or null when there is none with that id.</summary>
    Task<DatasetRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Datasets ordered by id, after <paramref name="afterId"/> (null: from the start), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DatasetRecord>> ListAsync(string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Number of stored datasets and their total bytes.</summary>
    Task<(int Count, long Bytes)> UsageAsync(CancellationToken cancellationToken);

    /// <summary>Reads the dataset's file; the caller verifies it (<see cref="DatasetFile.Read"/>).</summary>
    Task<Stream> OpenReadAsync(string id, CancellationToken cancellationToken);

    /// <summary>Removes a dataset; false when there was none.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Loads the index and removes what dead writers left behind (start-up).</summary>
    Task InitializeAsync(CancellationToken cancellationToken);
}
