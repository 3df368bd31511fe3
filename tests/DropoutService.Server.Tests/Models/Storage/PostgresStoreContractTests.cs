using DropoutService.Server.Options;
using DropoutService.Server.Storage;
using DropoutService.Server.Storage.Postgres;
using DropoutService.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace DropoutService.Server.Tests.Models.Storage;

/// <summary>The store contract against PostgreSQL (a real server in a container): every store instance is a replica.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreContractTests(PostgresServer postgres) : StoreContractTests
{
    private string? _database;

    protected override async Task<IModelStore> NewWriterAsync() => await StartAsync(Create(await DatabaseAsync(), readOnly: false));

    protected override async Task<IModelStore> NewObserverAsync(bool readOnly) => await StartAsync(Create(await DatabaseAsync(), readOnly));

    public static PostgresModelStore Create(string connectionString, bool readOnly) =>
        new(Microsoft.Extensions.Options.Options.Create(new StoreOptions { Backend = StoreOptions.PostgresBackend, ConnectionString = connectionString, ReadOnly = readOnly }),
            TimeProvider.System, NullLogger<PostgresModelStore>.Instance);

    private async Task<string> DatabaseAsync() => _database ??= await postgres.CreateDatabaseAsync();
}
