using System.Net.Sockets;
using Npgsql;

namespace DropoutService.Server.Storage.Postgres;

/// <summary>Database failures as <see cref="StoreException"/>s: a lost or refusing database is UNAVAILABLE, a full disk is FULL.</summary>
public static class PostgresErrors
{
    public const string UniqueViolation = "23505";
    public const string ForeignKeyViolation = "23503";

    public static bool IsStoreFailure(Exception e) =>
        e is NpgsqlException or SocketException or TimeoutException or IOException or InvalidOperationException { Source: "Npgsql" };

    public static StoreException Map(Exception e, string what)
    {
        if (e is StoreException store)
        {
            return store;
        }
        if (e is PostgresException pg)
        {
            if (pg.SqlState is "53100") // disk_full
            {
                return new StoreException(StoreError.Full, $"The model store is full (the database is out of disk space): {what} was not written; nothing was published.", Describe(pg), pg);
            }
            if (pg.SqlState is "25006") // read_only_sql_transaction
            {
                return new StoreException(StoreError.ReadOnly, $"The model store's database is read-only: {what} was not written; nothing was changed.", Describe(pg), pg);
            }
        }
        return new StoreException(StoreError.Unavailable, $"The model store's database is unavailable: {what} failed; nothing was changed. Retry later.", Describe(e), e);
    }

    private static string Describe(Exception e) => e is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : $"{e.GetType().Name}: {e.Message}";
}
