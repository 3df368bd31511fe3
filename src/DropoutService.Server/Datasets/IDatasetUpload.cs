namespace DropoutService.Server.Datasets;

/// <summary>A dataset being written: bytes go to <see cref="Content"/>; disposing without committing discards them.</summary>
public interface IDatasetUpload : IAsyncDisposable
{
    /// <summary>Where the file's bytes are written (spilled to durable storage, never held whole in memory).</summary>
    Stream Content { get; }

    /// <summary>Makes the dataset visible under <paramref name="record"/>'s id, atomically and durably.</summary>
    Task CommitAsync(DatasetRecord record, CancellationToken cancellationToken);
}
