using System.Text.Json;
using DotNet.Testcontainers.Containers;
using DropoutService.Api.V1;
using DropoutService.Container.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Health.V1;

namespace DropoutService.Container.Tests;

/// <summary>The service image run as operators run it: one container on a model volume.</summary>
[Collection(ContainerCollection.Name)]
public sealed class ContainerServiceTests(ImageFixture image, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Start_FreshVolume_HealthyServingWithOpenBlasAndJsonLogs()
    {
        string img = image.RequireImage();
        output.WriteLine($"image build (once per run): {image.BuildTime.TotalSeconds:0.0} s");
        await using var volume = await ModelVolume.CreateAsync("health");
        await using var service = await ServiceContainer.StartAsync(img, volume.Name, output: output);

        // Docker's verdict comes from the image's HEALTHCHECK (the server's --health-check mode).
        Assert.Equal(TestcontainersHealthStatus.Healthy, service.Container.Health);
        foreach (string name in new[] { "", "dropout.v1.InferenceService" })
        {
            var health = await service.Health.CheckAsync(new HealthCheckRequest { Service = name });
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        }
        var info = await service.Models.GetServerInfoAsync(new GetServerInfoRequest());
        Assert.Equal("openblas", info.BlasBackend);

        // JSON logs on stdout: every line is one JSON object, and the start-up events are there.
        string logs = (await service.Container.GetLogsAsync(timestampsEnabled: false)).Stdout;
        string[] lines = logs.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        foreach (string line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        }
        Assert.Contains(lines, l => l.Contains("openblas", StringComparison.Ordinal) && l.Contains("BlasBackend", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Container_Running_IsNonRootAppUserOwningTheStore()
    {
        string img = image.RequireImage();
        await using var volume = await ModelVolume.CreateAsync("user");
        await using var service = await ServiceContainer.StartAsync(img, volume.Name, output: output);

        var uid = await service.Container.ExecAsync(["id", "-u"]);
        var gid = await service.Container.ExecAsync(["id", "-g"]);
        var owner = await service.Container.ExecAsync(["stat", "-c", "%u:%g", ServiceContainer.DataPath]);
        // The process itself, not just exec sessions: PID 1 is the server.
        var pid1 = await service.Container.ExecAsync(["stat", "-c", "%u", "/proc/1"]);
        var configUser = await DockerCli.RunAsync("image", "inspect", "--format", "{{.Config.User}}", img);

        Assert.Equal(0, uid.ExitCode);
        string runtimeUid = uid.Stdout.Trim();
        Assert.NotEqual("0", runtimeUid);
        Assert.Equal(runtimeUid, pid1.Stdout.Trim());
        // Numeric in the image, so Kubernetes' runAsNonRoot can verify it; equal to the manifests'.
        Assert.Equal(runtimeUid, configUser.Stdout.Trim());
        var deployment = DeployManifests.Load().Deployment;
        Assert.Equal(runtimeUid, deployment.PodSecurity("runAsUser"));
        Assert.Equal(gid.Stdout.Trim(), deployment.PodSecurity("fsGroup"));
        Assert.Equal($"{runtimeUid}:{gid.Stdout.Trim()}", owner.Stdout.Trim());

        // Started like the Deployment runs it: the root filesystem is read-only, the store is not.
        Assert.NotEqual(0, (await service.Container.ExecAsync(["touch", "/app/probe"])).ExitCode);
        Assert.Equal(0, (await service.Container.ExecAsync(["touch", $"{ServiceContainer.DataPath}/.probe"])).ExitCode);
    }

    [SkippableFact]
    public async Task TrainPredict_NewContainerOnSameVolume_ModelVersionsAndBitwiseOutputsSurvive()
    {
        string img = image.RequireImage();
        await using var volume = await ModelVolume.CreateAsync("restart");
        const string modelId = "digits";
        const int epochs = 6;
        byte[] outputsBefore;
        byte[] probabilitiesBefore;
        ListModelVersionsResponse versionsBefore;

        await using (var first = await ServiceContainer.StartAsync(img, volume.Name, output: output))
        {
            var created = await first.Models.CreateModelAsync(new CreateModelRequest { ModelId = modelId, Spec = Digits.ClassifierSpec() });
            Assert.Equal(1, created.Model.LatestVersion);

            var (progress, completed) = await ServiceCalls.TrainAsync(first.Training, new TrainRequest
            {
                ModelId = modelId,
                Dataset = Digits.Instance.TrainingSet(),
                Options = ServiceCalls.ShortTraining(epochs),
            }, TimeSpan.FromMinutes(5));
            // One progress message per epoch, in order, streamed before the completion.
            Assert.Equal(Enumerable.Range(1, epochs), progress.Select(p => p.Epoch));
            Assert.All(progress, p => Assert.Equal(epochs, p.TotalEpochs));
            Assert.True(progress[^1].TrainLoss < progress[0].TrainLoss, "training loss did not fall");
            Assert.Equal(2, completed.Version.Version);

            var prediction = await first.Inference.PredictAsync(ServiceCalls.PredictTestRows(modelId, 0));
            Assert.Equal(2, prediction.Version);
            double accuracy = ServiceCalls.Accuracy(prediction, Digits.Instance.TestLabels());
            output.WriteLine($"test accuracy after {epochs} epochs: {accuracy:P1}");
            Assert.True(accuracy >= 0.85, $"accuracy {accuracy:P1} on the digits test rows");
            outputsBefore = Digits.RawBytes(prediction.Outputs);
            probabilitiesBefore = Digits.RawBytes(prediction.Probabilities);
            versionsBefore = await first.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = modelId });

            // docker stop: SIGTERM; a clean shutdown exits 0 well before Docker's SIGKILL.
            long exitCode = await first.StopGracefullyAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, exitCode);
        }

        await using var second = await ServiceContainer.StartAsync(img, volume.Name, output: output);
        var model = (await second.Models.GetModelAsync(new GetModelRequest { ModelId = modelId })).Model;
        Assert.Equal(2, model.LatestVersion);
        Assert.Equal(2, model.VersionCount);
        var versionsAfter = await second.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = modelId });
        Assert.Equal(versionsBefore, versionsAfter);
        Assert.Empty(versionsAfter.CorruptVersions);

        foreach (long version in new long[] { 0, 2 })
        {
            var again = await second.Inference.PredictAsync(ServiceCalls.PredictTestRows(modelId, version));
            Assert.Equal(2, again.Version);
            Assert.Equal(outputsBefore, Digits.RawBytes(again.Outputs));
            Assert.Equal(probabilitiesBefore, Digits.RawBytes(again.Probabilities));
        }
    }

    [SkippableFact]
    public async Task SigTermDuringTraining_StopsCleanlyAndPublishesNothing()
    {
        string img = image.RequireImage();
        await using var volume = await ModelVolume.CreateAsync("term");
        const string modelId = "digits-term";

        await using (var first = await ServiceContainer.StartAsync(img, volume.Name, output: output))
        {
            await first.Models.CreateModelAsync(new CreateModelRequest { ModelId = modelId, Spec = Digits.ClassifierSpec(seed: 9) });
            var options = ServiceCalls.ShortTraining(epochs: 5000);
            options.BatchSize = 4;
            options.ValidationSplit = 0;
            using var call = first.Training.Train(new TrainRequest { ModelId = modelId, Dataset = Digits.Instance.TrainingSet(), Options = options });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(TrainResponse.EventOneofCase.Progress, call.ResponseStream.Current.EventCase);

            // docker stop sends SIGTERM and waits 30 s before SIGKILL: exit 0 means the server
            // shut itself down, cancelling the training, within its grace period.
            var stop = first.StopGracefullyAsync(TimeSpan.FromSeconds(30));
            var end = await Assert.ThrowsAnyAsync<RpcException>(async () =>
            {
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                    Assert.NotEqual(TrainResponse.EventOneofCase.Completed, call.ResponseStream.Current.EventCase);
                }
            });
            output.WriteLine($"training call ended by SIGTERM with {end.StatusCode}: {end.Status.Detail}");
            Assert.NotEqual(StatusCode.OK, end.StatusCode);
            Assert.Equal(0, await stop);
        }

        await using var second = await ServiceContainer.StartAsync(img, volume.Name, output: output);
        var versions = await second.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = modelId });
        Assert.Equal([1L], versions.Versions.Select(v => v.Version));
        Assert.Empty(versions.CorruptVersions);
    }

    [SkippableFact]
    public async Task SigKillDuringTraining_NewContainer_HealthyAndServesEveryPublishedVersion()
    {
        string img = image.RequireImage();
        await using var volume = await ModelVolume.CreateAsync("kill");
        const string modelId = "digits-kill";
        var published = new Dictionary<long, byte[]>();
        ListModelVersionsResponse versionsBefore;

        await using (var first = await ServiceContainer.StartAsync(img, volume.Name, output: output))
        {
            await first.Models.CreateModelAsync(new CreateModelRequest { ModelId = modelId, Spec = Digits.ClassifierSpec(seed: 3) });
            await ServiceCalls.TrainAsync(first.Training, new TrainRequest
            {
                ModelId = modelId,
                Dataset = Digits.Instance.TrainingSet(),
                Options = ServiceCalls.ShortTraining(epochs: 3),
            }, TimeSpan.FromMinutes(5));
            foreach (long version in new long[] { 1, 2 })
            {
                var p = await first.Inference.PredictAsync(ServiceCalls.PredictTestRows(modelId, version));
                published[version] = Digits.RawBytes(p.Outputs);
            }
            versionsBefore = await first.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = modelId });

            // A training far longer than the test: small batches, many epochs.
            var info = await first.Models.GetServerInfoAsync(new GetServerInfoRequest());
            var longOptions = ServiceCalls.ShortTraining(epochs: Math.Min(info.Limits.MaxEpochs, 5000));
            longOptions.BatchSize = 4;
            longOptions.ValidationSplit = 0;
            using var call = first.Training.Train(new TrainRequest { ModelId = modelId, Dataset = Digits.Instance.TrainingSet(), Options = longOptions });
            int progressSeen = 0;
            while (progressSeen < 2 && await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                Assert.Equal(TrainResponse.EventOneofCase.Progress, call.ResponseStream.Current.EventCase);
                progressSeen++;
            }
            Assert.Equal(2, progressSeen);

            await first.KillAsync();
            var end = await Assert.ThrowsAnyAsync<RpcException>(async () =>
            {
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                    Assert.NotEqual(TrainResponse.EventOneofCase.Completed, call.ResponseStream.Current.EventCase);
                }
            });
            output.WriteLine($"training call ended by the kill with {end.StatusCode}");
            Assert.Equal(137, await first.Container.GetExitCodeAsync());
        }

        await using var second = await ServiceContainer.StartAsync(img, volume.Name, output: output);
        var health = await second.Health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        var versionsAfter = await second.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = modelId });
        // Exactly what was published: the killed training left no version, half-written or not.
        Assert.Equal(versionsBefore.Versions, versionsAfter.Versions);
        Assert.Empty(versionsAfter.CorruptVersions);
        var model = (await second.Models.GetModelAsync(new GetModelRequest { ModelId = modelId })).Model;
        Assert.False(model.Training);
        foreach (var (version, bytes) in published)
        {
            var p = await second.Inference.PredictAsync(ServiceCalls.PredictTestRows(modelId, version));
            Assert.Equal(version, p.Version);
            Assert.Equal(bytes, Digits.RawBytes(p.Outputs));
        }
    }
}
