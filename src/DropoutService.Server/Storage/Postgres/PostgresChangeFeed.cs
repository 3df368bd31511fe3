using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DropoutService.Server.Logging;
using Npgsql;

namespace DropoutService.Server.Storage.Postgres;

/// <summary>
/// LISTEN on <see cref="PostgresSchema.ChangeChannel"/> over a dedicated, non-pooled connection.
/// Each (re)connection first applies the schema migrations, then listens, then reports
/// <see cref="StoreChange.Everything"/> (notifications sent while disconnected are lost); every
/// notification after that names one model. A silent connection is pinged every few seconds, so a
/// dead database is noticed even when nobody writes.
/// </summary>
public sealed class PostgresChangeFeed(string connectionString, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan s_ping = TimeSpan.FromSeconds(2);

    public async IAsyncEnumerable<StoreChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var changes = Channel.CreateUnbounded<StoreChange>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = Task.Run(() => PumpAsync(changes.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var change in changes.Reader.ReadAllAsync(cancellationToken))
            {
                yield return change;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task PumpAsync(ChannelWriter<StoreChange> changes, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            var (before, after) = await PostgresSchema.MigrateAsync(connection, cancellationToken);
            if (after != before)
            {
                ServerLog.SchemaMigrated(logger, before, after);
            }
            connection.Notification += (_, e) => changes.TryWrite(new StoreChange(e.Payload));
            await using (var listen = new NpgsqlCommand($"LISTEN {PostgresSchema.ChangeChannel}", connection))
            {
                await listen.ExecuteNonQueryAsync(cancellationToken);
            }
            changes.TryWrite(StoreChange.Everything);
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!await connection.WaitAsync(s_ping, cancellationToken))
                {
                    await using var ping = new NpgsqlCommand("SELECT 1", connection);
                    using var timeout = new CancellationTokenSource(s_ping * 2, time);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                    await ping.ExecuteScalarAsync(linked.Token);
                }
            }
            changes.TryComplete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            changes.TryComplete();
        }
        catch (Exception e)
        {
            changes.TryComplete(PostgresErrors.Map(e, "watching the store for changes"));
        }
    }
}
