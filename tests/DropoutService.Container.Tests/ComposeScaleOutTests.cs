using System.Diagnostics;
using System.Text.Json;
using DropoutService.Api.V1;
using DropoutService.Container.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Net.Client;

namespace DropoutService.Container.Tests;

/// <summary>
/// deploy/compose.scale.yml as an operator runs it: two replicas on one PostgreSQL store (the
/// postgres:15 image) behind nginx. A model created and trained through the load balancer is
/// served by both replicas with identical outputs (LISTEN/NOTIFY tells each of the other's writes).
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed class ComposeScaleOutTests(ImageFixture image, ITestOutputHelper output)
{
    private const string ModelId = "digits-scaled";
    private const string PredictMethod = "/dropout.v1.InferenceService/Predict";

    [SkippableFact]
    public async Task ScaleOut_TrainThroughLoadBalancer_BothReplicasServeIdenticalOutputs()
    {
        string img = image.RequireImage();
        string project = $"dropout-ct-{Guid.NewGuid():N}"[..22];
        string keysFile = TestApiKey.WriteKeysFile();
        var compose = new ComposeProject(project, Path.Combine(RepoPaths.Deploy, "compose.scale.yml"), new Dictionary<string, string>
        {
            // The compose secret: this run's key instead of deploy/secrets/api-keys.json.
            ["DROPOUT_API_KEYS_FILE"] = keysFile,
            // The image this run built; compose builds only the small nginx image.
            ["DROPOUT_IMAGE"] = img,
            ["DROPOUT_LB_IMAGE"] = "dropoutservice-lb:container-tests",
            ["DROPOUT_PORT"] = "0",
        });
        try
        {
            var clock = Stopwatch.StartNew();
            await compose.RunAsync(TimeSpan.FromMinutes(10), "build", "lb");
            await compose.RunAsync(TimeSpan.FromMinutes(5), "up", "--detach", "--no-build", "--wait", "--wait-timeout", "240");
            output.WriteLine($"compose build lb + up --wait: {clock.Elapsed.TotalSeconds:0.0} s");
            string[] replicaIds = (await compose.RunAsync(TimeSpan.FromSeconds(30), "ps", "--quiet", "dropout")).Stdout
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(2, replicaIds.Length);
            string lbId = (await compose.RunAsync(TimeSpan.FromSeconds(30), "ps", "--quiet", "lb")).Stdout.Trim();
            string address = (await compose.RunAsync(TimeSpan.FromSeconds(30), "port", "lb", "50051")).Stdout.Trim();

            using var channel = TestApiKey.Channel($"http://{address}");
            var models = new ModelService.ModelServiceClient(channel);
            var training = new TrainingService.TrainingServiceClient(channel);
            var inference = new InferenceService.InferenceServiceClient(channel);

            await models.CreateModelAsync(new CreateModelRequest { ModelId = ModelId, Spec = Digits.ClassifierSpec(seed: 5) });
            // The replica that did not create it hears of it from the database's notification.
            await UntilConsecutiveSuccessesAsync(() => models.GetModelAsync(new GetModelRequest { ModelId = ModelId }).ResponseAsync);
            var (progress, completed) = await ServiceCalls.TrainAsync(training, new TrainRequest
            {
                ModelId = ModelId,
                Dataset = Digits.Instance.TrainingSet(),
                Options = ServiceCalls.ShortTraining(epochs: 4),
            }, TimeSpan.FromMinutes(5));
            Assert.Equal(4, progress.Count);
            long version = completed.Version.Version;
            Assert.Equal(2, version);

            var predict = ServiceCalls.PredictTestRows(ModelId, version);
            await UntilConsecutiveSuccessesAsync(() => inference.PredictAsync(predict).ResponseAsync);
            var outputs = new List<byte[]>();
            for (int i = 0; i < 40; i++)
            {
                var response = await inference.PredictAsync(predict);
                Assert.Equal(version, response.Version);
                outputs.Add(Digits.RawBytes(response.Outputs));
            }
            Assert.All(outputs, o => Assert.Equal(outputs[0], o));

            // Which replica answered: nginx logs the upstream of every call (JSON lines). Every
            // successful Predict, in the loop above or before it, returned the same bytes.
            var replicaAddresses = new HashSet<string>();
            foreach (string id in replicaIds)
            {
                string ip = (await DockerCli.RunAsync("inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", id)).Stdout.Trim();
                replicaAddresses.Add($"{ip}:50051");
            }
            var lbLogs = await DockerCli.RunAsync("logs", lbId);
            var answeredBy = lbLogs.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => l.StartsWith('{'))
                .Select(l => JsonDocument.Parse(l).RootElement)
                .Where(e => e.GetProperty("method").GetString() == PredictMethod && e.GetProperty("grpc_status").GetString() == "0")
                .Select(e => e.GetProperty("upstream").GetString()!)
                .ToList();
            output.WriteLine($"successful Predicts per replica: {string.Join(", ", answeredBy.GroupBy(a => a).Select(g => $"{g.Key}={g.Count()}"))}");
            Assert.True(answeredBy.Count >= 40);
            Assert.Equal(replicaAddresses.Order(), answeredBy.Distinct().Order());

            // The replicas' own logs agree: each one logged Predict calls it served.
            foreach (string id in replicaIds)
            {
                string logs = (await DockerCli.RunAsync("logs", id)).Stdout;
                Assert.Contains(PredictMethod, logs, StringComparison.Ordinal);
            }
        }
        finally
        {
            var down = await compose.RunAsync(TimeSpan.FromMinutes(2), check: false, "down", "--volumes", "--remove-orphans", "--timeout", "10");
            output.WriteLine($"compose down: exit {down.ExitCode}");
            File.Delete(keysFile);
        }
    }

    /// <summary>
    /// Waits until both replicas see the new state: until a call succeeds 20 times in a row (nginx
    /// spreads them over both replicas), for at most 60 s. The notification reaches the other
    /// replica within milliseconds; a NOT_FOUND before it restarts the streak.
    /// </summary>
    private static async Task UntilConsecutiveSuccessesAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        int streak = 0;
        while (streak < 20)
        {
            try
            {
                await call();
                streak++;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && DateTime.UtcNow < deadline)
            {
                streak = 0;
                await Task.Delay(50);
            }
        }
    }

    private sealed class ComposeProject(string name, string file, IReadOnlyDictionary<string, string> environment)
    {
        public Task<CliResult> RunAsync(TimeSpan timeout, params string[] args) => RunAsync(timeout, true, args);

        public async Task<CliResult> RunAsync(TimeSpan timeout, bool check, params string[] args)
        {
            var result = await DockerCli.RunAsync(["compose", "--project-name", name, "--file", file, .. args], timeout, environment);
            return check ? result.EnsureSuccess($"docker compose {string.Join(' ', args)}") : result;
        }
    }
}
