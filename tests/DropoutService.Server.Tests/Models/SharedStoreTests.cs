using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Models;

/// <summary>Two replicas on one store directory, as in a scaled deployment with a shared volume.</summary>
public sealed class SharedStoreTests
{
    [Fact]
    public async Task Rescan_VersionWrittenByOtherReplica_ServedByBothWithSameOutputs()
    {
        string store = ServerHost.NewStoreDirectory();
        await using var a = await ServerHost.StartAsync(store, "--Store:RescanIntervalSeconds=1");
        await using var b = await ServerHost.StartAsync(store, "--Store:RescanIntervalSeconds=1");
        var (train, test) = Digits.Split();
        await a.Models.CreateModelAsync(new CreateModelRequest { ModelId = "shared", Spec = Specs.Classifier(Digits.Features, Digits.Classes) });
        await TrainCalls.RunAsync(a.Training, new TrainRequest { ModelId = "shared", Dataset = train, Options = new TrainingOptions { Epochs = 1 } });

        var fromB = await WaitForVersionAsync(b, "shared", 2);
        var request = new PredictRequest { ModelId = "shared", Inputs = test.Features, OutputEncoding = TensorEncoding.Raw };
        var predictA = await a.Inference.PredictAsync(request);
        var predictB = await b.Inference.PredictAsync(request);

        Assert.Equal(2, fromB.LatestVersion);
        Assert.Equal(2, predictB.Version);
        Assert.Equal(predictA.Outputs.Raw, predictB.Outputs.Raw);
    }

    [Fact]
    public async Task Create_FolderWrittenByOtherReplica_NumbersAboveItsFilesWithoutOverwriting()
    {
        string store = ServerHost.NewStoreDirectory();
        await using var a = await ServerHost.StartAsync(store);
        await using var b = await ServerHost.StartAsync(store);
        var (train, _) = Digits.Split();
        await a.Models.CreateModelAsync(new CreateModelRequest { ModelId = "race", Spec = Specs.Classifier(Digits.Features, Digits.Classes) });
        // B does not rescan, so it has never seen the model.
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await b.Models.GetModelAsync(new GetModelRequest { ModelId = "race" }));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);

        // B creates the same id in the same folder: its version is numbered above A's file, which stays intact.
        var v1 = File.ReadAllBytes(Path.Combine(store, "race", "v000001.ckpt"));
        var created = await b.Models.CreateModelAsync(new CreateModelRequest { ModelId = "race", Spec = Specs.Classifier(Digits.Features, Digits.Classes, seed: 2) });

        Assert.Equal(2, created.Model.LatestVersion);
        Assert.Equal(v1, File.ReadAllBytes(Path.Combine(store, "race", "v000001.ckpt")));
    }

    private static async Task<Model> WaitForVersionAsync(ServerHost server, string id, long version)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                var model = (await server.Models.GetModelAsync(new GetModelRequest { ModelId = id })).Model;
                if (model.LatestVersion >= version)
                {
                    return model;
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
            }
            Assert.True(DateTime.UtcNow < until, $"replica did not pick up version {version} of {id}");
            await Task.Delay(100);
        }
    }
}
