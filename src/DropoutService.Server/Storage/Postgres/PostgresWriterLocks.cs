using Npgsql;

namespace DropoutService.Server.Storage.Postgres;

/// <summary>
/// Model writer locks across replicas: session-level advisory locks
/// (pg_try_advisory_lock(<see cref="PostgresSchema.ModelWriterLockClass"/>, incarnation)) taken on
/// one dedicated, non-pooled connection per server, so a lock lives exactly as long as that database
/// session: a replica that dies or loses the database loses its locks, and another may take them.
/// Every publish re-checks in its own transaction that the session still holds the lock.
/// </summary>
public sealed class PostgresWriterLocks(string connectionString) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private NpgsqlConnection? _connection;
    private int _backendPid;
    private long _session;

    /// <summary>The lock, or null when another session holds it.</summary>
    public IModelWriterLock? TryLock(long incarnation)
    {
        _gate.Wait();
        try
        {
            var connection = Connection();
            using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, $2)", connection)
            {
                Parameters = { new() { Value = PostgresSchema.ModelWriterLockClass }, new() { Value = Key(incarnation) } },
            };
            bool taken = (bool)command.ExecuteScalar()!;
            return taken ? new WriterLock(this, incarnation, _session, _backendPid) : null;
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            Reset();
            throw PostgresErrors.Map(e, "taking the model's writer lock");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// SQL that is true when <paramref name="writer"/>'s session still holds its lock, to run inside a
    /// publish transaction; its three parameters are appended to <paramref name="command"/>.
    /// </summary>
    public static string HeldCondition(NpgsqlCommand command, IModelWriterLock writer)
    {
        var held = (WriterLock)writer;
        int first = command.Parameters.Count + 1;
        command.Parameters.Add(new() { Value = held.BackendPid });
        command.Parameters.Add(new() { Value = (long)PostgresSchema.ModelWriterLockClass });
        command.Parameters.Add(new() { Value = (long)Key(held.Incarnation) });
        return $"EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = ${first} " +
               $"AND classid::bigint = ${first + 1} AND objid::bigint = ${first + 2} AND objsubid = 2)";
    }

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            Reset();
        }
        finally
        {
            _gate.Release();
        }
    }

    private static int Key(long incarnation) => (int)(incarnation & int.MaxValue);

    private NpgsqlConnection Connection()
    {
        if (_connection is { State: System.Data.ConnectionState.Open })
        {
            return _connection;
        }
        Reset();
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        _connection = connection;
        _backendPid = connection.ProcessID;
        _session++;
        return connection;
    }

    /// <summary>Drops the session (and with it, on the server, every lock it held).</summary>
    private void Reset()
    {
        _connection?.Dispose();
        _connection = null;
        _session++;
    }

    private void Release(WriterLock held)
    {
        _gate.Wait();
        try
        {
            if (held.Session != _session || _connection is null)
            {
                return; // the session ended: the database released the lock with it
            }
            using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1, $2)", _connection)
            {
                Parameters = { new() { Value = PostgresSchema.ModelWriterLockClass }, new() { Value = Key(held.Incarnation) } },
            };
            command.ExecuteScalar();
        }
        catch (Exception e) when (PostgresErrors.IsStoreFailure(e))
        {
            Reset();
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed class WriterLock(PostgresWriterLocks owner, long incarnation, long session, int backendPid) : IModelWriterLock
    {
        private int _released;

        public long Incarnation { get; } = incarnation;

        public long Session { get; } = session;

        public int BackendPid { get; } = backendPid;

        public bool IsHeld => Volatile.Read(ref _released) == 0 && Volatile.Read(ref owner._session) == Session;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(this);
            }
        }
    }
}
