using System.Diagnostics;
using System.Text.Json;
using DropoutService.Api.V1;
using DropoutService.Container.Tests.Infrastructure;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;

namespace DropoutService.Container.Tests;

/// <summary>
/// The secure setup as shipped: the image refuses to serve its 0.0.0.0 port without credentials;
/// with a key it serves callers who present it, refuses those who do not, and exposes Prometheus
/// metrics on its own port; docker-compose.yml works with the README's steps (a key made by
/// deploy/new-api-key.sh, passed as a compose secret).
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed class SecurityContainerTests(ImageFixture image, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Run_NoCredentials_RefusesWithOneJsonLineAndExitCode1()
    {
        string img = image.RequireImage();
        string name = $"dropout-ct-refuse-{Guid.NewGuid():N}"[..30];
        try
        {
            var run = await DockerCli.RunAsync(["run", "--name", name, "--read-only", "--tmpfs", "/tmp", img], TimeSpan.FromMinutes(2));
            output.WriteLine(run.Stdout + run.Stderr);

            Assert.Equal(1, run.ExitCode);
            string line = Assert.Single(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            using var doc = JsonDocument.Parse(line);
            Assert.Equal("Fatal", doc.RootElement.GetProperty("@l").GetString());
            Assert.Contains("Server:Address 0.0.0.0 is not a loopback address", doc.RootElement.GetProperty("@m").GetString(), StringComparison.Ordinal);
            Assert.Equal("", run.Stderr.Trim());
        }
        finally
        {
            await DockerCli.RunAsync("rm", "--force", name);
        }
    }

    [SkippableFact]
    public async Task Container_WithKey_ServesKeyHoldersRefusesOthersAndExposesMetrics()
    {
        string img = image.RequireImage();
        await using var volume = await ModelVolume.CreateAsync("secure");
        await using var service = await ServiceContainer.StartAsync(img, volume.Name, output: output);
        using var anonymous = GrpcChannel.ForAddress(service.Address);

        var models = await service.Models.ListModelsAsync(new ListModelsRequest());
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            new ModelService.ModelServiceClient(anonymous).ListModelsAsync(new ListModelsRequest()).ResponseAsync);
        using var http = new HttpClient();
        string metrics = await http.GetStringAsync(service.MetricsUrl);

        Assert.Empty(models.Models);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal("CREDENTIALS_MISSING", refused.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        Assert.Contains("dropout_rpc_server_duration_seconds_count{", metrics, StringComparison.Ordinal);
        Assert.Contains("grpc_code=\"UNAUTHENTICATED\"", metrics, StringComparison.Ordinal);
        Assert.Contains("dropout_auth_failures_total{", metrics, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Compose_ReadmeSteps_KeyFromSecretServes()
    {
        string img = image.RequireImage();
        string keysFile = Path.Combine(Path.GetTempPath(), $"dropout-ct-readme-{Guid.NewGuid():N}.json");
        // README: `deploy/new-api-key.sh me admin` prints the key and writes the secret file.
        var script = await RunAsync("bash", [Path.Combine(RepoPaths.Deploy, "new-api-key.sh"), "readme-user", "admin"], new() { ["KEYS_FILE"] = keysFile });
        Assert.True(script.ExitCode == 0, script.Stderr);
        string key = script.Stdout.Trim();
        string project = $"dropout-ct-{Guid.NewGuid():N}"[..22];
        var env = new Dictionary<string, string>
        {
            ["DROPOUT_IMAGE"] = img,
            ["DROPOUT_API_KEYS_FILE"] = keysFile,
            ["DROPOUT_PORT"] = "0",
            ["DROPOUT_METRICS_PORT"] = "0",
        };
        string file = Path.Combine(RepoPaths.Root, "docker-compose.yml");
        try
        {
            (await DockerCli.RunAsync(["compose", "--project-name", project, "--file", file, "up", "--detach", "--no-build", "--wait", "--wait-timeout", "180"],
                TimeSpan.FromMinutes(4), env)).EnsureSuccess("docker compose up");
            string address = (await DockerCli.RunAsync(["compose", "--project-name", project, "--file", file, "port", "dropout", "50051"], TimeSpan.FromSeconds(30), env)).Stdout.Trim();
            string metricsAddress = (await DockerCli.RunAsync(["compose", "--project-name", project, "--file", file, "port", "dropout", "9464"], TimeSpan.FromSeconds(30), env)).Stdout.Trim();
            using var channel = GrpcChannel.ForAddress($"http://{address}");
            var client = new ModelService.ModelServiceClient(channel);

            var info = await client.GetServerInfoAsync(new GetServerInfoRequest(), new Metadata { { "authorization", "Bearer " + key } });
            var refused = await Assert.ThrowsAsync<RpcException>(() => client.GetServerInfoAsync(new GetServerInfoRequest()).ResponseAsync);
            using var http = new HttpClient();
            string metrics = await http.GetStringAsync($"http://{metricsAddress}/metrics");

            Assert.Equal("openblas", info.BlasBackend);
            Assert.Contains("libopenblas", info.BlasDescription, StringComparison.Ordinal); // admin: details
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
            Assert.Contains("grpc_method=\"GetServerInfo\"", metrics, StringComparison.Ordinal);
            string logs = (await DockerCli.RunAsync(["compose", "--project-name", project, "--file", file, "logs", "--no-log-prefix", "dropout"], TimeSpan.FromSeconds(30), env)).Stdout;
            Assert.Contains("\"Name\":\"AuthOn\"", logs, StringComparison.Ordinal);
            Assert.Contains("1 API keys", logs, StringComparison.Ordinal);
            Assert.DoesNotContain(key, logs, StringComparison.Ordinal);
        }
        finally
        {
            var down = await DockerCli.RunAsync(["compose", "--project-name", project, "--file", file, "down", "--volumes", "--timeout", "10"], TimeSpan.FromMinutes(2), env);
            output.WriteLine($"compose down: exit {down.ExitCode}");
            File.Delete(keysFile);
        }
    }

    private static async Task<CliResult> RunAsync(string file, string[] args, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
