using Npgsql;

namespace DropoutService.Server.Storage.Postgres;

/// <summary>
/// The schema and its migrations, applied at start by whichever replica gets there first: under a
/// transaction-scoped advisory lock, each migration not yet recorded in <c>dropout_schema</c> runs
/// and is recorded with its number, in the same transaction. Migrations only add; a replica that
/// finds a newer schema than it knows refuses to start rather than write to it.
/// </summary>
public static class PostgresSchema
{
    /// <summary>Advisory lock classes (the first key of pg_advisory_lock(int, int)) this server uses.</summary>
    public const int MigrationLockClass = 0x4D53; // "MS"

    /// <summary>pg_try_advisory_lock(ModelWriterLockClass, incarnation): one writer per model across replicas.</summary>
    public const int ModelWriterLockClass = 0x4D57; // "MW"

    /// <summary>The NOTIFY channel: the payload is the id of the model that changed.</summary>
    public const string ChangeChannel = "dropout_changes";

    /// <summary>The migrations in order; the index + 1 is the schema version.</summary>
    public static readonly IReadOnlyList<(string Description, string Sql)> Migrations =
    [
        ("models and versions", """
            CREATE TABLE dropout_models (
                incarnation  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                model_id     text NOT NULL UNIQUE CHECK (model_id ~ '^[a-z][a-z0-9-]{0,62}$'),
                created_at   timestamptz NOT NULL DEFAULT now(),
                last_version bigint NOT NULL DEFAULT 0
            );
            CREATE TABLE dropout_versions (
                incarnation bigint NOT NULL REFERENCES dropout_models (incarnation) ON DELETE CASCADE,
                version     bigint NOT NULL CHECK (version > 0),
                size_bytes  bigint NOT NULL,
                metadata    jsonb NOT NULL,
                optimizer   text,
                checkpoint  bytea NOT NULL,
                created_at  timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (incarnation, version)
            );
            -- float32 weights do not compress: store them out of line, uncompressed.
            ALTER TABLE dropout_versions ALTER COLUMN checkpoint SET STORAGE EXTERNAL;
            """),
    ];

    public static int Latest => Migrations.Count;

    /// <summary>Applies the missing migrations; returns the schema version before and after.</summary>
    public static async Task<(int Before, int After)> MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, tx, $"SELECT pg_advisory_xact_lock({MigrationLockClass}, 0)", cancellationToken);
        await ExecuteAsync(connection, tx, """
            CREATE TABLE IF NOT EXISTS dropout_schema (
                version     integer PRIMARY KEY,
                description text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken);
        int before;
        await using (var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM dropout_schema", connection, tx))
        {
            before = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        if (before > Latest)
        {
            throw new StoreException(StoreError.Unavailable,
                $"The database schema is version {before}, newer than this server knows ({Latest}); upgrade the server.");
        }
        for (int version = before + 1; version <= Latest; version++)
        {
            var (description, sql) = Migrations[version - 1];
            await ExecuteAsync(connection, tx, sql, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO dropout_schema (version, description) VALUES ($1, $2)", connection, tx)
            {
                Parameters = { new() { Value = version }, new() { Value = description } },
            };
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        return (before, Latest);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
