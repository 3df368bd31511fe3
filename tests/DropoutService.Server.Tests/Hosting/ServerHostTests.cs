using DropoutService.Api.V1;
using DropoutService.Engine.Kernels;
using DropoutService.Server.Hosting;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Health.V1;
using Grpc.Reflection.V1;
using Grpc.Core;

namespace DropoutService.Server.Tests.Hosting;

public sealed class ServerHostTests
{
    [Fact]
    public async Task Health_AfterStoreLoaded_ServingForServerAndEveryApiService()
    {
        await using var server = await ServerHost.StartAsync();

        foreach (var name in ServiceCollectionExtensions.HealthServiceNames)
        {
            var reply = await server.Health.CheckAsync(new HealthCheckRequest { Service = name });
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
        }
    }

    [Fact]
    public async Task Health_WhileShuttingDown_NotServing()
    {
        await using var server = await ServerHost.StartAsync(null, "--Server:DrainDelaySeconds=3");
        var before = await server.Health.CheckAsync(new HealthCheckRequest());

        var stop = server.StopAsync();
        // During the drain delay the listener is still open and answers NOT_SERVING.
        var status = HealthCheckResponse.Types.ServingStatus.Serving;
        for (int i = 0; i < 200 && status == HealthCheckResponse.Types.ServingStatus.Serving; i++)
        {
            status = (await server.Health.CheckAsync(new HealthCheckRequest())).Status;
            await Task.Delay(10);
        }
        await stop;

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, before.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, status);
    }

    [Fact]
    public async Task GetServerInfo_ReportsBackendAndConfiguredLimits()
    {
        await using var server = await ServerHost.StartAsync(null, "--Limits:MaxMcSamples=77", "--Limits:MaxBatchRows=123");

        var info = await server.Models.GetServerInfoAsync(new GetServerInfoRequest());

        Assert.Equal(Blas.Default.Name, info.BlasBackend);
        Assert.False(string.IsNullOrEmpty(info.BlasDescription));
        Assert.Equal(77, info.Limits.MaxMcSamples);
        Assert.Equal(123, info.Limits.MaxBatchRows);
        Assert.False(string.IsNullOrEmpty(info.ServerVersion));
    }

    [Fact]
    public async Task Reflection_ListsApiAndHealthServices()
    {
        await using var server = await ServerHost.StartAsync();
        var client = new ServerReflection.ServerReflectionClient(server.Channel);

        using var call = client.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();

        Assert.Contains("dropout.v1.ModelService", names);
        Assert.Contains("dropout.v1.TrainingService", names);
        Assert.Contains("dropout.v1.InferenceService", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    [Fact]
    public async Task HealthCheckCommand_ServingServer_ExitsZero_NoServer_ExitsOne()
    {
        await using var server = await ServerHost.StartAsync();
        int port = new Uri(server.Address).Port;

        int serving = await HealthCheckCommand.RunAsync(["--health-check", $"--Server:Port={port}"]);
        await server.StopAsync();
        int stopped = await HealthCheckCommand.RunAsync(["--health-check", $"--Server:Port={port}"]);

        Assert.Equal(0, serving);
        Assert.Equal(1, stopped);
    }

    [Fact]
    public async Task Start_InvalidOption_FailsAtStartNamingTheOption()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ServerHost.StartAsync(null, "--Limits:MaxBatchRows=0"));

        Assert.Contains("MaxBatchRows", e.ToString());
    }

    [Fact]
    public async Task Shutdown_WithCallInFlight_CallCompletesWithinGracePeriod()
    {
        var server = await ServerHost.StartAsync(null, "--Server:ShutdownGracePeriodSeconds=60");
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "slow", Spec = Specs.Classifier(512, 10, dropout: 0.5f, hidden: 2048) });
        // About 70 GFLOP: seconds on this hardware, so it is still running when shutdown starts.
        var request = new PredictRequest { ModelId = "slow", Inputs = Specs.Raw(64, 512, Specs.Random(64 * 512, 1)), McSamples = 500, Seed = 1 };
        await server.Inference.PredictAsync(new PredictRequest { ModelId = "slow", Inputs = request.Inputs });

        var inFlight = server.Inference.PredictAsync(request).ResponseAsync;
        await Task.Delay(200);
        Assert.False(inFlight.IsCompleted, "the call ended before shutdown began; make it longer");
        var stop = server.StopAsync();
        var response = await inFlight;
        await stop;

        Assert.Equal(640, Specs.Floats(response.StandardDeviation).Length);
        Assert.True(inFlight.IsCompletedSuccessfully);
    }
}
