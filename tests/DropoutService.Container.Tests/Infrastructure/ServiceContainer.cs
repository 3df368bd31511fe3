using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace DropoutService.Container.Tests.Infrastructure;

/// <summary>
/// One service container from the test image, on a given model volume, reached over its mapped
/// gRPC port. Start waits for Docker's own health status (the image's HEALTHCHECK, i.e. the
/// server's --health-check mode), so every start also exercises the health check.
/// </summary>
public sealed class ServiceContainer : IAsyncDisposable
{
    /// <summary>The gRPC port the image exposes (Dockerfile EXPOSE / Server__Port).</summary>
    public const int GrpcPort = 50051;

    /// <summary>The Prometheus scrape port the image exposes (Metrics__Port default).</summary>
    public const int MetricsPort = 9464;

    /// <summary>Where the image keeps its model store (Dockerfile VOLUME / Store__Path).</summary>
    public const string DataPath = "/data";

    private readonly Xunit.Abstractions.ITestOutputHelper? _output;

    private ServiceContainer(IContainer container, GrpcChannel channel, Xunit.Abstractions.ITestOutputHelper? output)
    {
        Container = container;
        Channel = channel;
        _output = output;
    }

    public IContainer Container { get; }

    public GrpcChannel Channel { get; }

    public string Address => $"http://{Container.Hostname}:{Container.GetMappedPublicPort(GrpcPort)}";

    public string MetricsUrl => $"http://{Container.Hostname}:{Container.GetMappedPublicPort(MetricsPort)}/metrics";

    public static async Task<ServiceContainer> StartAsync(string image, string volume,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null,
        Xunit.Abstractions.ITestOutputHelper? output = null)
    {
        var builder = new ContainerBuilder(image)
            .WithPortBinding(GrpcPort, assignRandomHostPort: true)
            .WithPortBinding(MetricsPort, assignRandomHostPort: true)
            .WithVolumeMount(volume, DataPath)
            // The image's HEALTHCHECK command with a shorter interval than production's, so a
            // start is noticed quickly; Docker keeps the image's test command (Test is unset).
            .WithCreateParameterModifier(p =>
            {
                p.Healthcheck = new Docker.DotNet.Models.HealthcheckConfig
                {
                    Interval = TimeSpan.FromSeconds(2),
                    Timeout = TimeSpan.FromSeconds(10),
                    StartPeriod = TimeSpan.FromSeconds(90),
                    Retries = 3,
                };
                // The Kubernetes Deployment's security context, so every test also proves the
                // image runs under it: read-only root filesystem with a writable /tmp, all
                // capabilities dropped, no privilege escalation.
                p.HostConfig ??= new Docker.DotNet.Models.HostConfig();
                p.HostConfig.ReadonlyRootfs = true;
                p.HostConfig.Tmpfs = new Dictionary<string, string> { ["/tmp"] = "" };
                p.HostConfig.CapDrop = ["ALL"];
                p.HostConfig.SecurityOpt = ["no-new-privileges"];
            })
            .WithWaitStrategy(Wait.ForUnixContainer().UntilContainerIsHealthy(failingStreak: 3));
        // Listening on 0.0.0.0, the server needs credentials: the run's admin key (overridable).
        foreach (var (key, value) in TestApiKey.Environment.Concat(environment ?? new Dictionary<string, string>()))
        {
            builder = builder.WithEnvironment(key, value);
        }
        var container = builder.Build();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await container.StartAsync(cts.Token);
        }
        catch (Exception e)
        {
            string logs = await SafeLogsAsync(container);
            await container.DisposeAsync();
            throw new InvalidOperationException($"Container from {image} did not become healthy: {e.Message}\n--- logs ---\n{logs}", e);
        }
        var channel = TestApiKey.Channel($"http://{container.Hostname}:{container.GetMappedPublicPort(GrpcPort)}");
        return new ServiceContainer(container, channel, output);
    }

    public Health.HealthClient Health => new(Channel);

    public DropoutService.Api.V1.ModelService.ModelServiceClient Models => new(Channel);

    public DropoutService.Api.V1.TrainingService.TrainingServiceClient Training => new(Channel);

    public DropoutService.Api.V1.InferenceService.InferenceServiceClient Inference => new(Channel);

    /// <summary>docker stop: SIGTERM, then SIGKILL only after <paramref name="grace"/>.</summary>
    public async Task<long> StopGracefullyAsync(TimeSpan grace)
    {
        (await DockerCli.RunAsync(["stop", "--time", ((int)grace.TotalSeconds).ToString(), Container.Id], grace + TimeSpan.FromSeconds(30)))
            .EnsureSuccess("docker stop");
        return await Container.GetExitCodeAsync();
    }

    /// <summary>docker kill -s KILL: no shutdown code runs at all.</summary>
    public async Task KillAsync() =>
        (await DockerCli.RunAsync(["kill", "--signal", "KILL", Container.Id], TimeSpan.FromSeconds(30))).EnsureSuccess("docker kill");

    public async Task<string> LogsAsync() => await SafeLogsAsync(Container);

    private static async Task<string> SafeLogsAsync(IContainer container)
    {
        try
        {
            var (stdout, stderr) = await container.GetLogsAsync(timestampsEnabled: false);
            return stdout + stderr;
        }
        catch (Exception e)
        {
            return $"(logs unavailable: {e.Message})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_output is not null)
        {
            // The server's side of whatever the test saw, in the test's output.
            string[] lines = (await LogsAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            _output.WriteLine($"--- container {Container.Id[..12]} log, last {Math.Min(lines.Length, 15)} of {lines.Length} lines ---");
            foreach (string line in lines.TakeLast(15))
            {
                _output.WriteLine(line.Length > 400 ? line[..400] + "..." : line);
            }
        }
        Channel.Dispose();
        string id = Container.Id;
        await Container.DisposeAsync();
        // With the reaper disabled, Testcontainers may only stop the container: remove it so
        // its volume can be removed too and runs leave nothing behind.
        await DockerCli.RunAsync(["rm", "--force", id], TimeSpan.FromSeconds(60));
    }
}

/// <summary>A named Docker volume for one test's model store; removed on dispose.</summary>
public sealed class ModelVolume : IAsyncDisposable
{
    private ModelVolume(string name) => Name = name;

    public string Name { get; }

    public static async Task<ModelVolume> CreateAsync(string purpose)
    {
        string name = $"dropout-ct-{purpose}-{Guid.NewGuid():N}"[..40];
        (await DockerCli.RunAsync("volume", "create", name)).EnsureSuccess("docker volume create");
        return new ModelVolume(name);
    }

    public async ValueTask DisposeAsync() => await DockerCli.RunAsync("volume", "rm", "--force", Name);
}
