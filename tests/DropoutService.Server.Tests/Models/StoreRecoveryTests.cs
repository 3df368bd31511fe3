using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Models;

public sealed class StoreRecoveryTests
{
    [Fact]
    public async Task Restart_WithCorruptVersionFile_StartsReportsItServesOthersAndNeverReusesItsNumber()
    {
        // Arrange: versions 1 (created) and 2 (trained), then a flipped byte in version 2.
        string store = ServerHost.NewStoreDirectory();
        var (train, _) = Digits.Split();
        var inputs = Specs.Values(2, Digits.Features, Specs.Random(2 * Digits.Features, 3));
        PredictResponse v1;
        await using (var server = await ServerHost.StartAsync(store))
        {
            await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "fragile", Spec = Specs.Classifier(Digits.Features, Digits.Classes) });
            await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "healthy", Spec = Specs.Classifier(3, 2) });
            await TrainCalls.RunAsync(server.Training, new TrainRequest { ModelId = "fragile", Dataset = train, Options = new TrainingOptions { Epochs = 1 } });
            v1 = await server.Inference.PredictAsync(new PredictRequest { ModelId = "fragile", Version = 1, Inputs = inputs });
        }
        string corruptPath = Path.Combine(store, "fragile", "v000002.ckpt");
        var bytes = File.ReadAllBytes(corruptPath);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(corruptPath, bytes);

        // Act: restart on the same store.
        await using var restarted = await ServerHost.StartAsync(store);

        // Assert: serving; version 2 reported corrupt; version 1 serves as the latest; the other model is untouched.
        var versions = await restarted.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = "fragile" });
        Assert.Equal([1L], versions.Versions.Select(v => v.Version));
        var corrupt = Assert.Single(versions.CorruptVersions);
        Assert.Equal(2, corrupt.Version);
        Assert.False(string.IsNullOrEmpty(corrupt.Reason));
        var latest = await restarted.Inference.PredictAsync(new PredictRequest { ModelId = "fragile", Inputs = inputs });
        Assert.Equal(1, latest.Version);
        Assert.Equal(v1.Outputs, latest.Outputs);
        var pinned = await Assert.ThrowsAsync<RpcException>(async () =>
            await restarted.Inference.PredictAsync(new PredictRequest { ModelId = "fragile", Version = 2, Inputs = inputs }));
        Assert.Equal(StatusCode.NotFound, pinned.StatusCode);
        Assert.Equal(1, (await restarted.Models.GetModelAsync(new GetModelRequest { ModelId = "healthy" })).Model.LatestVersion);

        // A new version is numbered above the corrupt file, which stays byte for byte as it was.
        var next = await TrainCalls.RunAsync(restarted.Training, new TrainRequest { ModelId = "fragile", Dataset = train, Options = new TrainingOptions { Epochs = 1 } });
        Assert.Equal(3, next.Completed.Version.Version);
        Assert.Equal(bytes, File.ReadAllBytes(corruptPath));
    }

    [Fact]
    public async Task Start_StoreWithOnlyCorruptFilesAndStrayFolders_StartsServingAndSkipsThem()
    {
        string store = ServerHost.NewStoreDirectory();
        Directory.CreateDirectory(Path.Combine(store, "broken"));
        File.WriteAllText(Path.Combine(store, "broken", "v000001.ckpt"), "not a checkpoint");
        Directory.CreateDirectory(Path.Combine(store, "Not_A_Model"));
        File.WriteAllText(Path.Combine(store, "README.txt"), "stray file");

        await using var server = await ServerHost.StartAsync(store);
        var list = await server.Models.ListModelsAsync(new ListModelsRequest());

        Assert.Empty(list.Models);
        // The id is free again, and its new version does not overwrite the corrupt file.
        var created = await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "broken", Spec = Specs.Classifier(3, 2) });
        Assert.Equal(2, created.Model.LatestVersion);
        Assert.Equal("not a checkpoint", File.ReadAllText(Path.Combine(store, "broken", "v000001.ckpt")));
    }
}
