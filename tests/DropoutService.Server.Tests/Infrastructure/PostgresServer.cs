using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Testcontainers.PostgreSql;

namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL (the postgres:15 image, through Testcontainers) for the tests of a
/// collection; each test gets a fresh database of its own. The host port is fixed for the
/// container's life, so a restarted database is found at the same address.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string Image = "postgres:15";

    private PostgreSqlContainer? _container;

    public string? UnavailableReason { get; private set; }

    public string ContainerId => _container!.Id;

    public async Task InitializeAsync()
    {
        // The reaper image cannot be pulled on offline machines; the fixture removes its container.
        Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
        UnavailableReason = await ProbeAsync();
        if (UnavailableReason is not null)
        {
            return;
        }
        _container = new PostgreSqlBuilder(Image)
            .WithPortBinding(FreePort(), PostgreSqlBuilder.PostgreSqlPort)
            .Build();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await _container.StartAsync(cts.Token);
    }

    public void Require() => Requirements.Require(UnavailableReason);

    /// <summary>A new, empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        Require();
        string name = "t_" + Guid.NewGuid().ToString("N")[..16];
        // Unpooled: a pooled connection would be dead after a restart of the database.
        var admin = new NpgsqlConnectionStringBuilder(_container!.GetConnectionString()) { Pooling = false };
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(_container.GetConnectionString()) { Database = name, Timeout = 3 }.ConnectionString;
    }

    public Task StopAsync() => _container!.StopAsync();

    public Task StartAsync() => _container!.StartAsync();

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            string id = _container.Id;
            await _container.DisposeAsync();
            await DockerAsync($"rm --force --volumes {id}");
        }
    }

    private static async Task<string?> ProbeAsync()
    {
        var (exit, output) = await DockerAsync($"image inspect --format {{{{.Id}}}} {Image}");
        return exit == 0 ? null
            : exit == -1 ? $"no docker CLI: {output}"
            : $"the {Image} image is not available ({output.Trim()}); .ci/provision-extra builds a local stand-in (and a Docker engine: ../shared/tools/offline-container-engine.sh).";
    }

    private static async Task<(int Exit, string Output)> DockerAsync(string arguments)
    {
        try
        {
            var info = new ProcessStartInfo(File.Exists("/usr/bin/docker") ? "/usr/bin/docker" : "docker", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(info)!;
            string output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
