namespace DropoutService.Server.Storage;

/// <summary>The right to publish versions of one model, exclusive across every server on the store. Dispose to release.</summary>
public interface IModelWriterLock : IDisposable
{
    /// <summary>False once the lock has been lost (its database session ended) or released.</summary>
    bool IsHeld { get; }
}
