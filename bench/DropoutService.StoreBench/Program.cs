using System.Diagnostics;
using System.Globalization;
using DropoutService.Api.V1;
using DropoutService.Engine.Checkpoints;
using DropoutService.Server.Hosting;
using DropoutService.Server.Options;
using DropoutService.Server.Storage;
using DropoutService.Server.Storage.Directory;
using DropoutService.Server.Storage.Postgres;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using EngineModel = DropoutService.Engine.Models.Model;
using EngineSpec = DropoutService.Engine.Models.ModelSpec;
using EngineLayer = DropoutService.Engine.Models.LayerSpec;

// Store benchmarks (issue 12), directory backend against PostgreSQL:
//  1. Predict p50 on a cached version (batch 1, 784-1024-1024-10) through a real server of each backend;
//  2. cold load of that model (read the checkpoint from the store, build the model), median of N;
//  3. publish latency: ApplyGradients on replica A returns -> the version is visible on every other replica.
//   dotnet run -c Release --project bench/DropoutService.StoreBench -- --postgres "Host=...;Database=...;Username=...;Password=..."
//     [--seconds 5] [--loads 20] [--publishes 200] [--replicas 3]
// The database should be empty or a throw-away one: the benchmark creates models named storebench-*.
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}
string postgres = options.GetValueOrDefault("postgres") ?? throw new ArgumentException("--postgres <connection string> is required");
double seconds = double.Parse(options.GetValueOrDefault("seconds", "5"), CultureInfo.InvariantCulture);
int loads = int.Parse(options.GetValueOrDefault("loads", "20"), CultureInfo.InvariantCulture);
int publishes = int.Parse(options.GetValueOrDefault("publishes", "200"), CultureInfo.InvariantCulture);
int replicaCount = int.Parse(options.GetValueOrDefault("replicas", "3"), CultureInfo.InvariantCulture);
string directory = Path.Combine(Path.GetTempPath(), "dropout-storebench", Guid.NewGuid().ToString("N"));
string run = Guid.NewGuid().ToString("N")[..6];
Console.WriteLine($"cores {Environment.ProcessorCount}, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, run {run}");

// 1. Predict on a cached version: both servers up, measured in alternating slices so that the
// load of a shared machine falls on both alike.
Console.WriteLine("\n| backend | Predict p50 (µs) | p99 (µs) | calls |");
Console.WriteLine("|---|---:|---:|---:|");
var servers = new Dictionary<string, Replica>
{
    ["directory"] = await Replica.StartAsync([$"--Store:Path={directory}"]),
    ["postgres"] = await Replica.StartAsync(["--Store:Backend=postgres", $"--Store:ConnectionString={postgres}"]),
};
var latencies = servers.Keys.ToDictionary(k => k, _ => new List<double>());
string predictId = $"storebench-{run}-predict";
var request = new PredictRequest { ModelId = predictId, Inputs = Row(784) };
foreach (var server in servers.Values)
{
    await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = predictId, Spec = Mlp() });
    for (int i = 0; i < 200; i++)
    {
        await server.Inference.PredictAsync(request);
    }
}
for (int slice = 0; slice < 20; slice++)
{
    foreach (var (name, server) in servers)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds / 20)
        {
            long start = Stopwatch.GetTimestamp();
            await server.Inference.PredictAsync(request);
            latencies[name].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
    }
}
var p50 = new Dictionary<string, double>();
foreach (var (name, list) in latencies)
{
    list.Sort();
    p50[name] = Percentile(list, 0.5);
    Console.WriteLine($"| {name} | {p50[name]:0.0} | {Percentile(list, 0.99):0.0} | {list.Count} |");
}
Console.WriteLine($"postgres / directory p50 ratio: {p50["postgres"] / p50["directory"]:0.000} (goal ≤ 1.05)");
foreach (var server in servers.Values)
{
    await server.DisposeAsync();
}

// 2. Cold load: the store's read and the model build, what the version cache does on a miss.
var checkpoint = Checkpoint.FromModel(EngineModel.Create(EngineMlp()), null, new TrainingMetadata());
Console.WriteLine($"\n| backend | cold load median (ms) | min (ms) | checkpoint bytes |");
Console.WriteLine("|---|---:|---:|---:|");
var cold = new Dictionary<string, double>();
foreach (var (name, store) in new (string, IModelStore)[]
{
    ("directory", new DirectoryModelStore(Microsoft.Extensions.Options.Options.Create(new StoreOptions { Path = directory + "-cold" }), TimeProvider.System, NullLogger<DirectoryModelStore>.Instance)),
    ("postgres", new PostgresModelStore(Microsoft.Extensions.Options.Options.Create(new StoreOptions { Backend = "postgres", ConnectionString = postgres }), TimeProvider.System, NullLogger<PostgresModelStore>.Instance)),
})
{
    using var owned = store;
    store.Open();
    await foreach (var change in store.WatchAsync(CancellationToken.None))
    {
        break; // the first pass migrates a database
    }
    var (model, version) = store.CreateModel($"storebench-{run}-cold", checkpoint);
    var times = new List<double>();
    for (int i = 0; i < loads + 2; i++)
    {
        long start = Stopwatch.GetTimestamp();
        var read = store.ReadCheckpoint(model, 1);
        _ = read.CreateModel();
        if (i >= 2)
        {
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }
    times.Sort();
    cold[name] = Percentile(times, 0.5);
    Console.WriteLine($"| {name} | {cold[name]:0.00} | {times[0]:0.00} | {version.SizeBytes} |");
}
Console.WriteLine($"postgres / directory cold-load ratio: {cold["postgres"] / cold["directory"]:0.00} (goal ≤ 2)");

// 3. Publish latency over replicas on one database.
var replicas = new List<Replica>();
for (int i = 0; i < replicaCount; i++)
{
    replicas.Add(await Replica.StartAsync(["--Store:Backend=postgres", $"--Store:ConnectionString={postgres}"]));
}
string published = $"storebench-{run}-publish";
var small = new ModelSpec { InputSize = 64, Loss = Loss.SoftmaxCrossEntropy, Seed = 3, Layers = { new LayerSpec { Dense = new DenseLayer { Units = 64 } }, new LayerSpec { Relu = new ReluLayer() }, new LayerSpec { Dense = new DenseLayer { Units = 10 } } } };
await replicas[0].Models.CreateModelAsync(new CreateModelRequest { ModelId = published, Spec = small });
var gradients = (await replicas[0].Inference.BackwardAsync(new BackwardRequest { ModelId = published, Inputs = Row(64), Targets = new BackwardTargets { ClassIds = { 3 } } })).ParameterGradients;
var visible = new List<double>();
for (int i = 0; i < publishes; i++)
{
    var writer = replicas[i % replicaCount];
    long version = (await writer.Training.ApplyGradientsAsync(new ApplyGradientsRequest { ModelId = published, Gradients = { gradients }, LearningRate = 0.01f })).Version.Version;
    long start = Stopwatch.GetTimestamp();
    foreach (var other in replicas.Where(r => r != writer))
    {
        while ((await other.Models.GetModelAsync(new GetModelRequest { ModelId = published })).Model.LatestVersion < version)
        {
        }
    }
    visible.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
}
visible.Sort();
Console.WriteLine($"\npublish -> visible on all {replicaCount - 1} other replicas, {publishes} publishes (ms): median {Percentile(visible, 0.5):0.00}, p90 {Percentile(visible, 0.9):0.00}, p99 {Percentile(visible, 0.99):0.00}, max {visible[^1]:0.00}");
foreach (var replica in replicas)
{
    await replica.DisposeAsync();
}
return 0;

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

static ModelSpec Mlp()
{
    var spec = new ModelSpec { InputSize = 784, Loss = Loss.SoftmaxCrossEntropy, Seed = 1 };
    spec.Layers.Add(new LayerSpec { Dense = new DenseLayer { Units = 1024 } });
    spec.Layers.Add(new LayerSpec { Relu = new ReluLayer() });
    spec.Layers.Add(new LayerSpec { Dense = new DenseLayer { Units = 1024 } });
    spec.Layers.Add(new LayerSpec { Relu = new ReluLayer() });
    spec.Layers.Add(new LayerSpec { Dense = new DenseLayer { Units = 10 } });
    return spec;
}

static EngineSpec EngineMlp() => new()
{
    InputSize = 784,
    Seed = 1,
    Layers = [EngineLayer.Dense(1024), EngineLayer.Relu(), EngineLayer.Dense(1024), EngineLayer.Relu(), EngineLayer.Dense(10)],
};

static Tensor Row(int width)
{
    var tensor = new Tensor { Shape = { 1, width }, Values = new FloatList() };
    var random = new Random(1);
    for (int i = 0; i < width; i++)
    {
        tensor.Values.Values.Add((float)random.NextDouble());
    }
    return tensor;
}

/// <summary>The real server host in this process on a free loopback port, with a client channel.</summary>
internal sealed class Replica : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;

    private Replica(WebApplication app, string url)
    {
        _app = app;
        _channel = GrpcChannel.ForAddress(url);
        Models = new ModelService.ModelServiceClient(_channel);
        Training = new TrainingService.TrainingServiceClient(_channel);
        Inference = new InferenceService.InferenceServiceClient(_channel);
    }

    public ModelService.ModelServiceClient Models { get; }

    public TrainingService.TrainingServiceClient Training { get; }

    public InferenceService.InferenceServiceClient Inference { get; }

    public static async Task<Replica> StartAsync(string[] storeArgs)
    {
        var app = ServerApp.Build(["--Server:Address=127.0.0.1", "--Server:Port=0", "--Serilog:MinimumLevel:Default=Warning", "--Serilog:MinimumLevel:Override:Microsoft=Fatal", "--Logging:Format=console", .. storeArgs]);
        await app.StartAsync();
        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var replica = new Replica(app, url);
        var health = new Health.HealthClient(replica._channel);
        while ((await health.CheckAsync(new HealthCheckRequest())).Status != HealthCheckResponse.Types.ServingStatus.Serving)
        {
            await Task.Delay(20);
        }
        return replica;
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
