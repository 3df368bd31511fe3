using System.Globalization;
using System.Text.Json;
using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Optimizers;
using DropoutService.Server.Logging;
using DropoutService.Server.Options;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace DropoutService.Server.Storage.Postgres;

/// <summary>
/// The PostgreSQL store, for many writer replicas. A model is a row of <c>dropout_models</c> (its
/// incarnation is the identity key, new for every CreateModel); a version is a row of
/// <c>dropout_versions</c> with primary key (incarnation, version), so the database refuses a
/// duplicate, numbered from the model row's <c>last_version</c> counter under its row lock; the
/// checkpoint file's bytes are a <c>bytea</c> (1 GB per value, PostgreSQL's limit). Every write
/// sends NOTIFY on <see cref="PostgresSchema.ChangeChannel"/> in its transaction, so every replica
/// hears of it when it commits (<see cref="PostgresChangeFeed"/>).
/// </summary>
public sealed class PostgresModelStore : IModelStore
{
    private readonly StoreOptions _options;
    private readonly NpgsqlDataSource _data;
    private readonly PostgresWriterLocks _locks;
    private readonly PostgresChangeFeed _feed;

    public PostgresModelStore(IOptions<StoreOptions> options, TimeProvider time, ILogger<PostgresModelStore> logger)
    {
        _options = options.Value;
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Resolve(_options));
        Location = $"{builder.Host}:{builder.Port}/{builder.Database}";
        builder.ApplicationName ??= "dropoutservice";
        _data = NpgsqlDataSource.Create(builder.ConnectionString);
        // Locks and LISTEN live on their own connections, outside the pool: their sessions are the state.
        var dedicated = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Pooling = false, KeepAlive = 5 };
        _locks = new PostgresWriterLocks(dedicated.ConnectionString);
        _feed = new PostgresChangeFeed(dedicated.ConnectionString, time, logger);
    }

    public string Backend => StoreOptions.PostgresBackend;

    public string Location { get; }

    public bool IsReadOnly => _options.ReadOnly;

    public void Open()
    {
        // Reaching the database is the change feed's job (retried): a database that is down at start
        // leaves the server NOT_SERVING until it comes, rather than failing the start.
    }

    public IAsyncEnumerable<StoreChange> WatchAsync(CancellationToken cancellationToken) => _feed.WatchAsync(cancellationToken);

    public IReadOnlyList<StoredModel> ListModels() => Run("listing the models", connection =>
    {
        using var command = new NpgsqlCommand("SELECT model_id, incarnation FROM dropout_models ORDER BY model_id", connection);
        using var reader = command.ExecuteReader();
        var models = new List<StoredModel>();
        while (reader.Read())
        {
            models.Add(new StoredModel(reader.GetString(0), Text(reader.GetInt64(1))));
        }
        return models;
    });

    public StoredModel? FindModel(string id) => Run($"reading model '{id}'", connection =>
    {
        using var command = new NpgsqlCommand("SELECT incarnation FROM dropout_models WHERE model_id = $1", connection)
        {
            Parameters = { new() { Value = id } },
        };
        return command.ExecuteScalar() is long incarnation ? new StoredModel(id, Text(incarnation)) : null;
    });

    public IEnumerable<StoredVersion> ReadVersions(StoredModel model, long after) => Run($"listing the versions of model '{model.Id}'", connection =>
    {
        using var command = new NpgsqlCommand(
            "SELECT version, size_bytes, metadata, optimizer FROM dropout_versions WHERE incarnation = $1 AND version > $2 ORDER BY version", connection)
        {
            Parameters = { new() { Value = Incarnation(model) }, new() { Value = after } },
        };
        using var reader = command.ExecuteReader();
        var versions = new List<StoredVersion>();
        while (reader.Read())
        {
            var metadata = JsonSerializer.Deserialize<TrainingMetadata>(reader.GetString(2)) ?? new TrainingMetadata();
            OptimizerKind? optimizer = reader.IsDBNull(3) ? null : Enum.Parse<OptimizerKind>(reader.GetString(3));
            versions.Add(new StoredVersion(reader.GetInt64(0), reader.GetInt64(1), metadata, optimizer));
        }
        return versions;
    });

    public Checkpoint ReadCheckpoint(StoredModel model, long number)
    {
        var bytes = Run($"reading version {number} of model '{model.Id}'", connection =>
        {
            using var command = new NpgsqlCommand("SELECT checkpoint FROM dropout_versions WHERE incarnation = $1 AND version = $2", connection)
            {
                Parameters = { new() { Value = Incarnation(model) }, new() { Value = number } },
            };
            return command.ExecuteScalar() as byte[];
        }) ?? throw new StoreException(StoreError.NotFound, $"Version {number} of model '{model.Id}' is gone from the store.");
        try
        {
            return CheckpointFile.Deserialize(bytes);
        }
        catch (CheckpointException e)
        {
            throw new StoreException(StoreError.Corrupt, $"Version {number} of model '{model.Id}' is unreadable: {e.Message}", null, e);
        }
    }

    public (StoredModel Model, StoredVersion Version) CreateModel(string id, Checkpoint first)
    {
        EnsureWritable();
        byte[] bytes = CheckpointFile.Serialize(first);
        return Run($"creating model '{id}'", connection =>
        {
            using var tx = connection.BeginTransaction();
            using var insert = new NpgsqlCommand(
                "INSERT INTO dropout_models (model_id, last_version) VALUES ($1, 1) ON CONFLICT (model_id) DO NOTHING RETURNING incarnation", connection, tx)
            {
                Parameters = { new() { Value = id } },
            };
            if (insert.ExecuteScalar() is not long incarnation)
            {
                throw new StoreException(StoreError.AlreadyExists, $"Model '{id}' already exists.");
            }
            InsertVersion(connection, tx, incarnation, 1, bytes, first, writer: null);
            Notify(connection, tx, id);
            tx.Commit();
            return (new StoredModel(id, Text(incarnation)), StoredVersion.Of(1, bytes.Length, first, keepCheckpoint: false));
        });
    }

    public StoredVersion AddVersion(StoredModel model, Checkpoint checkpoint, IModelWriterLock? writer)
    {
        EnsureWritable();
        byte[] bytes = CheckpointFile.Serialize(checkpoint);
        return Run($"publishing a version of model '{model.Id}'", connection =>
        {
            using var tx = connection.BeginTransaction();
            // The row lock of this UPDATE orders concurrent publishes of one model; a deleted model has no row.
            using var next = new NpgsqlCommand("UPDATE dropout_models SET last_version = last_version + 1 WHERE incarnation = $1 RETURNING last_version", connection, tx)
            {
                Parameters = { new() { Value = Incarnation(model) } },
            };
            if (next.ExecuteScalar() is not long number)
            {
                throw new StoreException(StoreError.NotFound, $"Model '{model.Id}' was deleted; nothing was published.");
            }
            InsertVersion(connection, tx, Incarnation(model), number, bytes, checkpoint, writer);
            Notify(connection, tx, model.Id);
            tx.Commit();
            return StoredVersion.Of(number, bytes.Length, checkpoint, keepCheckpoint: false);
        });
    }

    public void DeleteModel(StoredModel model)
    {
        EnsureWritable();
        Run($"deleting model '{model.Id}'", connection =>
        {
            using var tx = connection.BeginTransaction();
            using var delete = new NpgsqlCommand("DELETE FROM dropout_models WHERE incarnation = $1", connection, tx)
            {
                Parameters = { new() { Value = Incarnation(model) } },
            };
            if (delete.ExecuteNonQuery() == 0)
            {
                throw new StoreException(StoreError.NotFound, $"Model '{model.Id}' does not exist.");
            }
            Notify(connection, tx, model.Id);
            tx.Commit();
            return true;
        });
    }

    public IModelWriterLock? TryLockWriter(StoredModel model)
    {
        EnsureWritable();
        return _locks.TryLock(Incarnation(model));
    }

    public void Dispose()
    {
        _locks.Dispose();
        _data.Dispose();
    }

    private static void InsertVersion(NpgsqlConnection connection, NpgsqlTransaction tx, long incarnation, long number, byte[] bytes, Checkpoint checkpoint, IModelWriterLock? writer)
    {
        using var insert = new NpgsqlCommand { Connection = connection, Transaction = tx };
        insert.Parameters.Add(new() { Value = incarnation });
        insert.Parameters.Add(new() { Value = number });
        insert.Parameters.Add(new() { Value = (long)bytes.Length });
        insert.Parameters.Add(new() { Value = JsonSerializer.Serialize(checkpoint.Metadata), NpgsqlDbType = NpgsqlDbType.Jsonb });
        insert.Parameters.Add(new() { Value = (object?)checkpoint.Optimizer?.Kind.ToString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        insert.Parameters.Add(new() { Value = bytes, NpgsqlDbType = NpgsqlDbType.Bytea });
        string condition = writer is null ? "true" : PostgresWriterLocks.HeldCondition(insert, writer);
        insert.CommandText = "INSERT INTO dropout_versions (incarnation, version, size_bytes, metadata, optimizer, checkpoint) " +
                             $"SELECT $1, $2, $3, $4, $5, $6 WHERE {condition}";
        try
        {
            if (insert.ExecuteNonQuery() == 0)
            {
                throw new StoreException(StoreError.Unavailable,
                    "This server lost the model's writer lock (its database session ended); nothing was published. Retry.");
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrors.UniqueViolation)
        {
            throw new StoreException(StoreError.Conflict, $"Version {number} exists already; the database refused a duplicate. Nothing was published; retry.", e.MessageText, e);
        }
    }

    private static void Notify(NpgsqlConnection connection, NpgsqlTransaction tx, string id)
    {
        using var notify = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection, tx)
        {
            Parameters = { new() { Value = PostgresSchema.ChangeChannel }, new() { Value = id } },
        };
        notify.ExecuteNonQuery();
    }

    private T Run<T>(string what, Func<NpgsqlConnection, T> action)
    {
        try
        {
            using var connection = _data.OpenConnection();
            return action(connection);
        }
        catch (Exception e) when (e is not StoreException && PostgresErrors.IsStoreFailure(e))
        {
            var mapped = PostgresErrors.Map(e, what);
            if (mapped.Error == StoreError.Unavailable)
            {
                // Pooled connections to a restarted database are all dead: open new ones next time.
                _data.Clear();
            }
            throw mapped;
        }
    }

    private void EnsureWritable()
    {
        if (IsReadOnly)
        {
            throw new StoreException(StoreError.ReadOnly, "This server is a read-only replica of the model store (Store:ReadOnly=true): send writes to another replica.");
        }
    }

    private static long Incarnation(StoredModel model) => long.Parse(model.Incarnation, CultureInfo.InvariantCulture);

    private static string Text(long incarnation) => incarnation.ToString(CultureInfo.InvariantCulture);
}
