using DropoutService.Api.V1;
using DropoutService.Server.Hosting;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DropoutService.Server.Tests.Observability;

/// <summary>
/// A real Prometheus scrapes a real server every second; after a known mix of calls (successes,
/// NOT_FOUND, INVALID_ARGUMENT, refused credentials and roles), its query API reports exactly
/// those counts per service, method and gRPC status, and the auth failures and predictions.
/// </summary>
public sealed class PrometheusScrapeTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Prometheus_ScrapingTheServer_CountsCallsPerMethodAndStatus()
    {
        PrometheusServer.Require();
        string dir = ServerHost.NewStoreDirectory();
        var keys = new TestKeys(dir);
        await using var server = await ServerHost.StartAsync(Path.Combine(dir, "store"), keys.ServerArgs());
        var metrics = server.Services.GetRequiredService<ListenerEndpoints>().Metrics!;
        await using var prometheus = PrometheusServer.Start($"127.0.0.1:{metrics.Port}");
        using var admin = AuthChannel.WithKey(server.Address, keys.Admin);
        using var predictor = AuthChannel.WithKey(server.Address, keys.Predict);
        using var anonymous = new AuthChannel(server.Address);

        await admin.Models.CreateModelAsync(new CreateModelRequest { ModelId = "scraped", Spec = Specs.Classifier(4, 3) });
        for (int i = 0; i < 3; i++)
        {
            await predictor.Models.GetModelAsync(new GetModelRequest { ModelId = "scraped" });
        }
        for (int i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<RpcException>(() => predictor.Models.GetModelAsync(new GetModelRequest { ModelId = "absent" }).ResponseAsync);
        }
        for (int i = 0; i < 4; i++)
        {
            await predictor.Inference.PredictAsync(new PredictRequest { ModelId = "scraped", Inputs = Specs.Values(2, 4, 1, 2, 3, 4, 5, 6, 7, 8) });
        }
        await predictor.Inference.PredictAsync(new PredictRequest { ModelId = "scraped", Inputs = Specs.Values(1, 4, 1, 2, 3, 4), McSamples = 7, Seed = 1 });
        await Assert.ThrowsAsync<RpcException>(() => predictor.Inference.PredictAsync(new PredictRequest { ModelId = "scraped", Inputs = Specs.Values(1, 5, 1, 2, 3, 4, 5) }).ResponseAsync);
        for (int i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<RpcException>(() => anonymous.Models.ListModelsAsync(new ListModelsRequest()).ResponseAsync);
        }
        await Assert.ThrowsAsync<RpcException>(() => predictor.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "scraped" }).ResponseAsync);

        var expected = new Dictionary<string, double>
        {
            [Count("ModelService", "CreateModel", "OK")] = 1,
            [Count("ModelService", "GetModel", "OK")] = 3,
            [Count("ModelService", "GetModel", "NOT_FOUND")] = 2,
            [Count("InferenceService", "Predict", "OK")] = 5,
            [Count("InferenceService", "Predict", "INVALID_ARGUMENT")] = 1,
            [Count("ModelService", "ListModels", "UNAUTHENTICATED")] = 2,
            [Count("ModelService", "DeleteModel", "PERMISSION_DENIED")] = 1,
            ["sum(dropout_rpc_server_duration_seconds_count{grpc_method=\"GetModel\"})"] = 5,
            ["dropout_auth_failures_total{reason=\"CREDENTIALS_MISSING\"}"] = 2,
            ["dropout_auth_failures_total{reason=\"ROLE_REQUIRED\"}"] = 1,
            ["dropout_inference_predictions_total{mode=\"eval\"}"] = 4,
            ["dropout_inference_predictions_total{mode=\"mc_dropout\"}"] = 1,
            ["dropout_inference_rows_total{grpc_method=\"Predict\"}"] = 9,
            ["dropout_inference_mc_samples_total"] = 7,
            // Every call is in a bucket at or below +Inf, and none took a negative time.
            [$"{Count("ModelService", "GetModel", "OK")} - on() dropout_rpc_server_duration_seconds_bucket{{grpc_method=\"GetModel\",grpc_code=\"OK\",le=\"+Inf\"}}"] = 0,
            ["up{job=\"dropoutservice\"}"] = 1,
        };
        var seen = await prometheus.WaitForAsync(expected, TimeSpan.FromSeconds(45));
        foreach (var (query, value) in seen)
        {
            output.WriteLine($"{query} = {value}");
        }
        output.WriteLine(prometheus.Log);

        Assert.All(expected, e => Assert.True(seen[e.Key] == e.Value, $"{e.Key}: expected {e.Value}, Prometheus says {seen[e.Key]?.ToString() ?? "nothing"}"));
        // Runtime metrics (GC, thread pool) come along.
        Assert.True(await prometheus.QueryAsync("count({__name__=~\"dotnet_gc_.*\"})") > 0, "no GC metrics");
        Assert.True(await prometheus.QueryAsync("count({__name__=~\"dotnet_thread_pool_.*\"})") > 0, "no thread pool metrics");
    }

    private static string Count(string service, string method, string code) =>
        $"dropout_rpc_server_duration_seconds_count{{grpc_service=\"dropout.v1.{service}\",grpc_method=\"{method}\",grpc_code=\"{code}\"}}";
}
