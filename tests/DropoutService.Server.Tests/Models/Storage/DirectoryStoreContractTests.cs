using DropoutService.Server.Options;
using DropoutService.Server.Storage;
using DropoutService.Server.Storage.Directory;
using DropoutService.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace DropoutService.Server.Tests.Models.Storage;

/// <summary>The store contract against the directory backend: a writer and read-only followers on one directory.</summary>
public sealed class DirectoryStoreContractTests : StoreContractTests
{
    private readonly string _root = ServerHost.NewStoreDirectory();

    protected override Task<IModelStore> NewWriterAsync() => StartAsync(Create(_root, readOnly: false));

    // A directory has one writer: every other process follows it read-only.
    protected override Task<IModelStore> NewObserverAsync(bool readOnly) => StartAsync(Create(_root, readOnly: true));

    public static DirectoryModelStore Create(string root, bool readOnly) =>
        new(Microsoft.Extensions.Options.Options.Create(new StoreOptions { Path = root, ReadOnly = readOnly, PollIntervalSeconds = 1 }),
            TimeProvider.System, NullLogger<DirectoryModelStore>.Instance);
}
