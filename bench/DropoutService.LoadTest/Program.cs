using System.Globalization;
using DropoutService.Api.V1;
using DropoutService.LoadTest;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

// Load benchmark of the dynamic batcher: batch-1 Predict (eval, and Monte-Carlo with
// --mc-samples) at several concurrency levels, batching on and off in the same run, against the
// server's own health Check as the transport floor. The server runs in its own process.
//   dotnet run -c Release --project bench/DropoutService.LoadTest -- [--seconds 3] [--repetitions 3]
//     [--concurrency 1,8,32] [--shapes 784x1024,64x256] [--mc-samples 30] [--server-dll path]
//     [--server-log-level Warning] [--url http://127.0.0.1:50051] [--security off|on] [--api-key KEY]
// --security on starts the server with an API key required on every call and Prometheus metrics
// served (off: neither); with --url, --api-key sends that key to the external server.
// Batching on and off are two models with the same spec and seed: "lt-<in>-<hidden>-on" uses the
// server's defaults, "lt-<in>-<hidden>-off" is configured with batching disabled
// (--Inference:Batching:Models:<id>:Enabled=false). Cells run interleaved (the order of on/off
// alternates between repetitions) and every figure is the median over the repetitions.
// With --url the server must have been started with those overrides (checked via GetServerInfo).
var options = ParseArgs(args);
double seconds = double.Parse(options.GetValueOrDefault("seconds", "3"), CultureInfo.InvariantCulture);
int repetitions = int.Parse(options.GetValueOrDefault("repetitions", "3"), CultureInfo.InvariantCulture);
int[] levels = options.GetValueOrDefault("concurrency", "1,8,32").Split(',').Select(int.Parse).ToArray();
int mcSamples = int.Parse(options.GetValueOrDefault("mc-samples", "30"), CultureInfo.InvariantCulture);
var shapes = options.GetValueOrDefault("shapes", "784x1024,64x256").Split(',')
    .Select(s => s.Split('x')).Select(p => (Inputs: int.Parse(p[0], CultureInfo.InvariantCulture), Hidden: int.Parse(p[1], CultureInfo.InvariantCulture))).ToArray();
string ModelId((int Inputs, int Hidden) shape, bool batched) => $"lt-{shape.Inputs}-{shape.Hidden}-{(batched ? "on" : "off")}";

ServerProcess? server = null;
string url;
string? apiKey = options.GetValueOrDefault("api-key");
string security = options.GetValueOrDefault("security", "off");
if (options.TryGetValue("url", out var given))
{
    url = given;
}
else
{
    string dll = options.GetValueOrDefault("server-dll", Path.Combine(AppContext.BaseDirectory, "DropoutService.Server.dll"));
    var serverArgs = new List<string> { $"--Serilog:MinimumLevel:Default={options.GetValueOrDefault("server-log-level", "Warning")}" };
    serverArgs.AddRange(shapes.Select(s => $"--Inference:Batching:Models:{ModelId(s, false)}:Enabled=false"));
    (string[] securityArgs, apiKey) = SecuritySwitch.Server(security, Path.Combine(Path.GetTempPath(), "dropout-loadtest-auth", Guid.NewGuid().ToString("N")));
    serverArgs.AddRange(securityArgs);
    serverArgs.Add("--Metrics:Port=0");
    server = ServerProcess.Start(dll, serverArgs);
    url = server.Url;
}

try
{
    using var channel = GrpcChannel.ForAddress(url);
    var invoker = SecuritySwitch.Invoker(channel, apiKey);
    var health = new Health.HealthClient(invoker);
    var models = new ModelService.ModelServiceClient(invoker);
    var inference = new InferenceService.InferenceServiceClient(invoker);
    await WaitServingAsync(health, server);

    var info = await models.GetServerInfoAsync(new GetServerInfoRequest());
    foreach (var shape in shapes)
    {
        var spec = Spec(shape.Inputs, shape.Hidden);
        foreach (bool batched in new[] { true, false })
        {
            string id = ModelId(shape, batched);
            bool enabled = info.ModelBatching.FirstOrDefault(m => m.ModelId == id)?.Settings.Enabled ?? info.Batching.Enabled;
            if (enabled != batched)
            {
                throw new InvalidOperationException($"Model {id} must have batching {(batched ? "on" : "off")} on the server (Inference:Batching:Models:{id}:Enabled={batched.ToString().ToLowerInvariant()}).");
            }
            try
            {
                await models.CreateModelAsync(new CreateModelRequest { ModelId = id, Spec = spec });
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
            {
            }
        }
    }

    int workers = levels.Max();
    var random = new Random(1);
    var inputs = shapes.ToDictionary(s => s, s => Enumerable.Range(0, workers).Select(_ => RandomRow(s.Inputs, random)).ToArray());
    var check = new HealthCheckRequest();
    Console.Error.WriteLine($"security {(server is null ? (apiKey is null ? "external, no key" : "external, key") : security)}");
    Console.Error.WriteLine($"server {url} (pid {server?.Id.ToString(CultureInfo.InvariantCulture) ?? "external"})  backend {info.BlasBackend} ({info.BlasDescription})  " +
        $"cores {Environment.ProcessorCount}  batching max_batch_rows {info.Batching.MaxBatchRows}, max_queue_delay {info.Batching.MaxQueueDelayUs} µs, " +
        $"max_concurrent_batches {info.Batching.MaxConcurrentBatches}  {seconds}s per cell x {repetitions} repetitions");

    var results = new Dictionary<(int Shape, int Concurrency, string Cell), List<Stats>>();
    for (int rep = 0; rep < repetitions; rep++)
    {
        for (int s = 0; s < shapes.Length; s++)
        {
            var shape = shapes[s];
            var rows = inputs[shape];
            foreach (int c in levels)
            {
                var cells = new List<(string Name, Func<int, Task> Call)> { ("check", _ => health.CheckAsync(check).ResponseAsync) };
                var pairs = new[] { true, false }.Select(batched => (batched, id: ModelId(shape, batched)))
                    .Select(p => (p.batched,
                        Eval: (Name: $"predict-{(p.batched ? "on" : "off")}", Call: (Func<int, Task>)(w => inference.PredictAsync(new PredictRequest { ModelId = p.id, Inputs = rows[w] }).ResponseAsync)),
                        Mc: (Name: $"mc-{(p.batched ? "on" : "off")}", Call: (Func<int, Task>)(w => inference.PredictAsync(new PredictRequest { ModelId = p.id, Inputs = rows[w], McSamples = mcSamples, Seed = (ulong)w + 1 }).ResponseAsync))))
                    .ToArray();
                // Alternate which of on/off runs first, so drift in the machine's load favours neither.
                var ordered = rep % 2 == 0 ? pairs : pairs.Reverse().ToArray();
                cells.AddRange(ordered.Select(p => p.Eval));
                if (mcSamples > 0)
                {
                    cells.AddRange(ordered.Select(p => p.Mc));
                }
                foreach (var (name, call) in cells)
                {
                    server?.ThrowIfExited();
                    var stats = await LoadRunner.MeasureAsync(call, c, seconds, server is null ? null : () => server.ProcessorTime);
                    var key = (s, c, name);
                    if (!results.TryGetValue(key, out var list))
                    {
                        results[key] = list = [];
                    }
                    list.Add(stats);
                    Console.Error.WriteLine($"rep {rep + 1} {shape.Inputs}-{shape.Hidden} c={c} {name}: {stats.Throughput:0} calls/s p50 {stats.P50:0} µs p99 {stats.P99:0} µs, server CPU {stats.ServerCpuPerCall:0} µs/call");
                }
            }
        }
    }

    Console.WriteLine();
    for (int s = 0; s < shapes.Length; s++)
    {
        var shape = shapes[s];
        Console.WriteLine($"Model {shape.Inputs}-{shape.Hidden}-{shape.Hidden}-10 (ReLU, dropout 0.5 x2), batch-1 calls; median of {repetitions} x {seconds} s per cell.");
        Console.WriteLine();
        Console.WriteLine("| call | concurrency | Check calls/s | off: calls/s | off: p50 µs | off: p99 µs | off: server CPU µs/call | on: calls/s | on: p50 µs | on: p99 µs | on: server CPU µs/call | on/off throughput | on/Check | on/off p50 | on/off p99 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (label, on, off) in new[] { ("Predict", "predict-on", "predict-off"), ($"Predict mc_samples {mcSamples}", "mc-on", "mc-off") })
        {
            if (label != "Predict" && mcSamples == 0)
            {
                continue;
            }
            foreach (int c in levels)
            {
                var h = Stats.Median(results[(s, c, "check")]);
                var b = Stats.Median(results[(s, c, on)]);
                var u = Stats.Median(results[(s, c, off)]);
                Console.WriteLine(FormattableString.Invariant(
                    $"| {label} | {c} | {h.Throughput:N0} | {u.Throughput:N0} | {u.P50:N0} | {u.P99:N0} | {u.ServerCpuPerCall:N0} | {b.Throughput:N0} | {b.P50:N0} | {b.P99:N0} | {b.ServerCpuPerCall:N0} | {b.Throughput / u.Throughput:0.00}x | {b.Throughput / h.Throughput:0.00}x | {b.P50 / u.P50:0.00}x | {b.P99 / u.P99:0.00}x |"));
            }
        }
        Console.WriteLine();
    }
}
finally
{
    if (server is not null)
    {
        await server.DisposeAsync();
    }
}
return 0;

static async Task WaitServingAsync(Health.HealthClient health, ServerProcess? server)
{
    var until = DateTime.UtcNow.AddSeconds(60);
    while (true)
    {
        server?.ThrowIfExited();
        try
        {
            if ((await health.CheckAsync(new HealthCheckRequest())).Status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return;
            }
        }
        catch (RpcException) when (DateTime.UtcNow < until)
        {
            // Not listening yet.
        }
        if (DateTime.UtcNow > until)
        {
            throw new TimeoutException("The server did not become SERVING within 60 s.");
        }
        await Task.Delay(100);
    }
}

static ModelSpec Spec(int inputs, int hidden)
{
    var spec = new ModelSpec { InputSize = inputs, Loss = Loss.SoftmaxCrossEntropy, Seed = 1 };
    spec.Layers.Add(new LayerSpec { Dense = new DenseLayer { Units = hidden } });
    spec.Layers.Add(new LayerSpec { Relu = new ReluLayer() });
    spec.Layers.Add(new LayerSpec { Dropout = new DropoutLayer { Rate = 0.5f } });
    spec.Layers.Add(new LayerSpec { Dense = new DenseLayer { Units = hidden } });
    spec.Layers.Add(new LayerSpec { Relu = new ReluLayer() });
    spec.Layers.Add(new LayerSpec { Dropout = new DropoutLayer { Rate = 0.5f } });
    spec.Layers.Add(new LayerSpec { Dense = new DenseLayer { Units = 10 } });
    return spec;
}

static DropoutService.Api.V1.Tensor RandomRow(int inputs, Random random)
{
    var row = new DropoutService.Api.V1.Tensor { Shape = { 1, inputs }, Values = new FloatList() };
    for (int i = 0; i < inputs; i++)
    {
        row.Values.Values.Add((float)random.NextDouble());
    }
    return row;
}

static Dictionary<string, string> ParseArgs(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i].TrimStart('-')] = args[i + 1];
    }
    return result;
}
