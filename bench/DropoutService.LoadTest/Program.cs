using System.Diagnostics;
using System.Globalization;
using DropoutService.Api.V1;
using DropoutService.Server.Hosting;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

// Load benchmark: batch-1 Predict latency (p50/p99) and throughput over loopback at several
// concurrency levels, against the server's own health Check as the transport floor.
//   dotnet run -c Release --project bench/DropoutService.LoadTest -- [--url http://127.0.0.1:50051]
//     [--seconds 5] [--concurrency 1,8,32] [--hidden 1024] [--inputs 784] [--security off|on] [--api-key KEY]
// Without --url it starts the real server host in this process on a free port with a temp store.
var options = ParseArgs(args);
double seconds = double.Parse(options.GetValueOrDefault("seconds", "5"), CultureInfo.InvariantCulture);
int[] levels = options.GetValueOrDefault("concurrency", "1,8,32").Split(',').Select(int.Parse).ToArray();
int inputs = int.Parse(options.GetValueOrDefault("inputs", "784"), CultureInfo.InvariantCulture);
int hidden = int.Parse(options.GetValueOrDefault("hidden", "1024"), CultureInfo.InvariantCulture);

WebApplication? app = null;
string url;
string? apiKey = options.GetValueOrDefault("api-key");
string security = options.GetValueOrDefault("security", "off");
if (options.TryGetValue("url", out var given))
{
    url = given;
}
else
{
    string store = Path.Combine(Path.GetTempPath(), "dropout-loadtest", Guid.NewGuid().ToString("N"));
    (string[] securityArgs, apiKey) = SecuritySwitch.Server(security, store + "-auth");
    app = ServerApp.Build(["--Server:Address=127.0.0.1", "--Server:Port=0", "--Metrics:Port=0", $"--Store:Path={store}", "--Serilog:MinimumLevel:Default=Warning", .. securityArgs]);
    await app.StartAsync();
    url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}

using var channel = GrpcChannel.ForAddress(url);
var invoker = SecuritySwitch.Invoker(channel, apiKey);
var health = new Health.HealthClient(invoker);
var models = new ModelService.ModelServiceClient(invoker);
var inference = new InferenceService.InferenceServiceClient(invoker);
while ((await health.CheckAsync(new HealthCheckRequest())).Status != HealthCheckResponse.Types.ServingStatus.Serving)
{
    await Task.Delay(50);
}

string modelId = $"loadtest-{inputs}-{hidden}";
var spec = new ModelSpec { InputSize = inputs, Loss = Loss.SoftmaxCrossEntropy, Seed = 1 };
spec.Layers.Add(new LayerSpec { Dense = new DenseLayer { Units = hidden } });
spec.Layers.Add(new LayerSpec { Relu = new ReluLayer() });
spec.Layers.Add(new LayerSpec { Dropout = new DropoutLayer { Rate = 0.5f } });
spec.Layers.Add(new LayerSpec { Dense = new DenseLayer { Units = hidden } });
spec.Layers.Add(new LayerSpec { Relu = new ReluLayer() });
spec.Layers.Add(new LayerSpec { Dropout = new DropoutLayer { Rate = 0.5f } });
spec.Layers.Add(new LayerSpec { Dense = new DenseLayer { Units = 10 } });
try
{
    await models.CreateModelAsync(new CreateModelRequest { ModelId = modelId, Spec = spec });
}
catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
{
}

var random = new Random(1);
var input = new DropoutService.Api.V1.Tensor { Shape = { 1, inputs }, Values = new FloatList() };
for (int i = 0; i < inputs; i++)
{
    input.Values.Values.Add((float)random.NextDouble());
}
var predict = new PredictRequest { ModelId = modelId, Inputs = input };
var check = new HealthCheckRequest();
var info = await models.GetServerInfoAsync(new GetServerInfoRequest());

Console.WriteLine($"security {(app is null ? (apiKey is null ? "external, no key" : "external, key") : security)}");
Console.WriteLine($"server {url}  backend {info.BlasBackend} ({info.BlasDescription})  cores {Environment.ProcessorCount}  model {inputs}-{hidden}-{hidden}-10 (dropout 0.5, eval)  {seconds}s per cell");
Console.WriteLine();
Console.WriteLine("| call | concurrency | calls | throughput (calls/s) | p50 (µs) | p99 (µs) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
var results = new List<(string Call, int Concurrency, Stats Stats)>();
var cpuLines = new List<string>();
foreach (int c in levels)
{
    var h = await Measure(() => health.CheckAsync(check).ResponseAsync, c, seconds);
    var p = await Measure(() => inference.PredictAsync(predict).ResponseAsync, c, seconds);
    results.Add(("Check", c, h));
    results.Add(("Predict", c, p));
    Console.WriteLine($"| health Check | {c} | {h.Calls} | {h.Throughput:0} | {h.P50:0} | {h.P99:0} |");
    Console.WriteLine($"| Predict batch 1 | {c} | {p.Calls} | {p.Throughput:0} | {p.P50:0} | {p.P99:0} |");
    cpuLines.Add($"cpu per Predict call at concurrency {c}: {p.CpuMicroseconds:0.0} µs (client and server, this process)");
}
var inProcess = MeasureInProcess(spec, input, seconds);
Console.WriteLine($"| engine Predict in-process (no gRPC) | 1 | {inProcess.Calls} | {inProcess.Throughput:0} | {inProcess.P50:0} | {inProcess.P99:0} |");
Console.WriteLine();
cpuLines.ForEach(Console.WriteLine);
foreach (int c in levels)
{
    var h = results.First(r => r.Call == "Check" && r.Concurrency == c).Stats;
    var p = results.First(r => r.Call == "Predict" && r.Concurrency == c).Stats;
    Console.WriteLine($"concurrency {c}: Predict p50 / Check p50 = {p.P50 / h.P50:0.00}x");
}

if (app is not null)
{
    await app.StopAsync();
}
return 0;

static async Task<Stats> Measure<T>(Func<Task<T>> call, int concurrency, double seconds)
{
    // Warm-up: connections, JIT, replica pools.
    for (int i = 0; i < 200; i++)
    {
        await call();
    }
    var latencies = new List<double>[concurrency];
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var until = TimeSpan.FromSeconds(seconds);
    var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
    {
        var mine = latencies[w] = new List<double>(100_000);
        while (clock.Elapsed < until)
        {
            long start = Stopwatch.GetTimestamp();
            await call();
            mine.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
    })).ToArray();
    await Task.WhenAll(workers);
    double elapsed = clock.Elapsed.TotalSeconds;
    double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    return new Stats(all.Length, all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), all.Length == 0 ? double.NaN : cpu / all.Length);
}

static Stats MeasureInProcess(ModelSpec spec, DropoutService.Api.V1.Tensor input, double seconds)
{
    var model = DropoutService.Engine.Models.Model.Create(DropoutService.Server.Mapping.SpecMapper.ToEngine(spec));
    var x = DropoutService.Engine.Tensors.Tensor.FromSpan(1, spec.InputSize, input.Values.Values.ToArray());
    for (int i = 0; i < 200; i++)
    {
        model.Predict(x);
    }
    var latencies = new List<double>(100_000);
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        long start = Stopwatch.GetTimestamp();
        model.Predict(x);
        latencies.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
    }
    var all = latencies.Order().ToArray();
    return new Stats(all.Length, all.Length / clock.Elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), double.NaN);
}

static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

static Dictionary<string, string> ParseArgs(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i].TrimStart('-')] = args[i + 1];
    }
    return result;
}

/// <summary>CpuMicroseconds: process CPU time per call (client and in-process server), steadier than wall time on a shared machine.</summary>
internal sealed record Stats(int Calls, double Throughput, double P50, double P99, double CpuMicroseconds);
