using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Models;

/// <summary>
/// Store faults while the server runs (issue 13): a full disk, a read-only file system, version
/// files corrupted, removed or blocked by a directory, oversized creates. Each gets a precise status
/// naming model and version (never a store path), loses nothing and leaves nothing behind.
/// </summary>
public sealed class StoreFaultTests
{
    private static readonly Dataset s_small = new() { Features = Specs.Values(4, 3, Specs.Random(12, 1)), ClassIds = { 0, 1, 0, 1 } };

    [SkippableFact]
    public async Task DiskFull_TrainAndCreate_ResourceExhaustedNothingLeftEarlierVersionsIntact()
    {
        using var disk = TmpfsMount.Create(megabytes: 4);
        await using var server = await ServerHost.StartAsync(disk.Path);
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "kept", Spec = Specs.Classifier(3, 2) });
        await TrainCalls.RunAsync(server.Training, new TrainRequest { ModelId = "kept", Dataset = s_small, Options = new TrainingOptions { Epochs = 1 } });
        var inputs = Specs.Values(1, 3, 0.1f, 0.2f, 0.3f);
        var before = await server.Inference.PredictAsync(new PredictRequest { ModelId = "kept", Inputs = inputs });
        var entriesBefore = Entries(disk.Path);
        string filler = disk.Fill();

        var train = await Assert.ThrowsAsync<RpcException>(() =>
            TrainCalls.RunAsync(server.Training, new TrainRequest { ModelId = "kept", Dataset = s_small, Options = new TrainingOptions { Epochs = 1 } }));
        var create = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "newcomer", Spec = Specs.Classifier(3, 2) }));

        foreach (var e in new[] { train, create })
        {
            Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
            Assert.Contains("store is full", e.Status.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain(disk.Path, e.Status.Detail, StringComparison.Ordinal);
        }
        Assert.Equal(entriesBefore.Append("filler.bin").Order(StringComparer.Ordinal), Entries(disk.Path));
        var versions = await server.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = "kept" });
        Assert.Equal([1L, 2], versions.Versions.Select(v => v.Version));
        await Assert.ThrowsAsync<RpcException>(async () => await server.Models.GetModelAsync(new GetModelRequest { ModelId = "newcomer" }));

        // Space again: a restart finds exactly what the API said, and writes work.
        File.Delete(filler);
        await server.StopAsync();
        await using var restarted = await ServerHost.StartAsync(disk.Path);
        var after = await restarted.Inference.PredictAsync(new PredictRequest { ModelId = "kept", Inputs = inputs });
        Assert.Equal(2, after.Version);
        Assert.Equal(before.Outputs, after.Outputs);
        var next = await TrainCalls.RunAsync(restarted.Training, new TrainRequest { ModelId = "kept", Dataset = s_small, Options = new TrainingOptions { Epochs = 1 } });
        Assert.Equal(3, next.Completed.Version.Version);
    }

    [SkippableFact]
    public async Task ReadOnlyFileSystem_EveryWrite_FailedPreconditionNamingItDeleteAllOrNothing()
    {
        using var disk = TmpfsMount.Create(megabytes: 8);
        await using (var server = await ServerHost.StartAsync(disk.Path))
        {
            await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "stuck", Spec = Specs.Classifier(3, 2) });
            await TrainCalls.RunAsync(server.Training, new TrainRequest { ModelId = "stuck", Dataset = s_small, Options = new TrainingOptions { Epochs = 1 } });
            disk.RemountReadOnly();

            var failures = new List<RpcException>
            {
                await Assert.ThrowsAsync<RpcException>(async () => await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "fresh", Spec = Specs.Classifier(3, 2) })),
                await Assert.ThrowsAsync<RpcException>(() => TrainCalls.RunAsync(server.Training, new TrainRequest { ModelId = "stuck", Dataset = s_small, Options = new TrainingOptions { Epochs = 1 } })),
                await Assert.ThrowsAsync<RpcException>(async () => await server.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "stuck" })),
            };

            Assert.All(failures, e =>
            {
                Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
                Assert.Contains("not writable", e.Status.Detail, StringComparison.Ordinal);
                Assert.DoesNotContain(disk.Path, e.Status.Detail, StringComparison.Ordinal);
            });
            // The failed delete changed nothing: the model is still served with both versions.
            var model = (await server.Models.GetModelAsync(new GetModelRequest { ModelId = "stuck" })).Model;
            Assert.Equal(2, model.LatestVersion);
            Assert.Equal(2, (await server.Inference.PredictAsync(new PredictRequest { ModelId = "stuck", Inputs = Specs.Values(1, 3, 1, 2, 3) })).Version);
        }
        disk.RemountReadWrite();
        await using var restarted = await ServerHost.StartAsync(disk.Path);
        var versions = await restarted.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = "stuck" });
        Assert.Equal([1L, 2], versions.Versions.Select(v => v.Version));
        Assert.Empty(versions.CorruptVersions);
        Assert.DoesNotContain((await restarted.Models.ListModelsAsync(new ListModelsRequest())).Models, m => m.Id == "fresh");
    }

    [Fact]
    public async Task VersionFiles_CorruptedAndRemovedWhileServing_DataLossAndNotFoundNamingModelAndVersion()
    {
        string store = ServerHost.NewStoreDirectory();
        var inputs = Specs.Values(1, 3, 1, 2, 3);
        await using (var first = await ServerHost.StartAsync(store))
        {
            await first.Models.CreateModelAsync(new CreateModelRequest { ModelId = "eroded", Spec = Specs.Classifier(3, 2) });
            for (int i = 0; i < 2; i++)
            {
                await TrainCalls.RunAsync(first.Training, new TrainRequest { ModelId = "eroded", Dataset = s_small, Options = new TrainingOptions { Epochs = 1 } });
            }
        }
        // After a restart only the latest (3) is loaded; 1 and 2 are read from their files when asked for.
        await using var server = await ServerHost.StartAsync(store);
        string v1 = Path.Combine(store, "eroded", "v000001.ckpt");
        var bytes = File.ReadAllBytes(v1);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(v1, bytes);
        File.Delete(Path.Combine(store, "eroded", "v000002.ckpt"));

        var corrupt = await Assert.ThrowsAsync<RpcException>(async () => await server.Inference.PredictAsync(new PredictRequest { ModelId = "eroded", Version = 1, Inputs = inputs }));
        var gone = await Assert.ThrowsAsync<RpcException>(async () => await server.Inference.PredictAsync(new PredictRequest { ModelId = "eroded", Version = 2, Inputs = inputs }));
        var again = await Assert.ThrowsAsync<RpcException>(async () => await server.Inference.PredictAsync(new PredictRequest { ModelId = "eroded", Version = 1, Inputs = inputs }));
        var versions = await server.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = "eroded" });

        Assert.Equal(StatusCode.DataLoss, corrupt.StatusCode);
        Assert.Contains("Version 1 of model 'eroded'", corrupt.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("checksum", corrupt.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.Contains("Version 2 of model 'eroded' is gone", gone.Status.Detail, StringComparison.Ordinal);
        // Marked: not loadable any more, not listed as a version.
        Assert.Equal(StatusCode.NotFound, again.StatusCode);
        Assert.Equal([3L], versions.Versions.Select(v => v.Version));
        Assert.Equal([1L, 2], versions.CorruptVersions.Select(c => c.Version).Order());
        foreach (string detail in new[] { corrupt.Status.Detail, gone.Status.Detail, again.Status.Detail }.Concat(versions.CorruptVersions.Select(c => c.Reason)))
        {
            Assert.DoesNotContain(store, detail, StringComparison.Ordinal);
            Assert.DoesNotContain("/", detail, StringComparison.Ordinal);
        }
        Assert.Equal(3, (await server.Inference.PredictAsync(new PredictRequest { ModelId = "eroded", Inputs = inputs })).Version);
    }

    [Fact]
    public async Task Publish_DirectoryNamedLikeTheNextVersionFile_SkipsItsNumberAndReportsIt()
    {
        string store = ServerHost.NewStoreDirectory();
        await using var server = await ServerHost.StartAsync(store);
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "blocked", Spec = Specs.Classifier(3, 2) });
        Directory.CreateDirectory(Path.Combine(store, "blocked", "v000002.ckpt"));

        var trained = await TrainCalls.RunAsync(server.Training, new TrainRequest { ModelId = "blocked", Dataset = s_small, Options = new TrainingOptions { Epochs = 1 } });
        var versions = await server.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = "blocked" });

        Assert.Equal(3, trained.Completed.Version.Version);
        Assert.Equal([1L, 3], versions.Versions.Select(v => v.Version));
        var obstacle = Assert.Single(versions.CorruptVersions);
        Assert.Equal(2, obstacle.Version);
        Assert.Contains("is a directory", obstacle.Reason, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(store, "blocked", "v000002.ckpt")));
    }

    [Fact]
    public async Task CreateModel_OverLimitOrInvalid_RejectedAndNoFolderLeft()
    {
        string store = ServerHost.NewStoreDirectory();
        await using var server = await ServerHost.StartAsync(store, "--Limits:MaxParametersPerModel=1000");
        var before = Entries(store);

        var oversized = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "huge", Spec = Specs.Classifier(64, 10, hidden: 512) }));
        var wrapping = new ModelSpec { InputSize = int.MaxValue, Loss = Loss.SoftmaxCrossEntropy };
        wrapping.Layers.Add(Specs.Dense(int.MaxValue));
        wrapping.Layers.Add(Specs.Dense(int.MaxValue));
        var overflow = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "wraps", Spec = wrapping }));
        var invalid = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "bad", Spec = new ModelSpec { InputSize = 0 } }));

        Assert.Equal(StatusCode.ResourceExhausted, oversized.StatusCode);
        Assert.Contains(overflow.StatusCode, new[] { StatusCode.ResourceExhausted, StatusCode.InvalidArgument });
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Equal(before, Entries(store));
    }

    /// <summary>Every file and folder under the store, relative, sorted (the writer's own lock files included).</summary>
    private static string[] Entries(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p)).Order(StringComparer.Ordinal).ToArray();
}
