using DropoutService.Server.Options;

namespace DropoutService.Server.Storage.Postgres;

/// <summary>The connection string from <c>Store:ConnectionString</c>, or from the file <c>Store:ConnectionStringFile</c> names (a mounted secret).</summary>
public static class PostgresConnectionString
{
    public static string Resolve(StoreOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return options.ConnectionString;
        }
        if (!string.IsNullOrWhiteSpace(options.ConnectionStringFile))
        {
            return File.ReadAllText(options.ConnectionStringFile).Trim();
        }
        throw new StoreException(StoreError.Unavailable, "Store:Backend is 'postgres' but neither Store:ConnectionString nor Store:ConnectionStringFile is set.");
    }
}
