using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Grpc;

public sealed class ModelServiceTests
{
    [Fact]
    public async Task CreateModel_ValidSpec_PublishesVersionOneOnDisk()
    {
        await using var server = await ServerHost.StartAsync();

        var created = await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "digits-a", Spec = Specs.Classifier(4, 3) });

        Assert.Equal(1, created.Model.LatestVersion);
        Assert.Equal((4 + 1) * 16 + (16 + 1) * 3, created.Model.ParameterCount);
        Assert.Equal(3, created.Model.OutputSize);
        Assert.True(File.Exists(Path.Combine(server.StorePath, "digits-a", "v000001.ckpt")));
        var versions = await server.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = "digits-a" });
        Assert.Equal(VersionSource.Created, Assert.Single(versions.Versions).Source);
    }

    [Fact]
    public async Task CreateModel_SameIdTwice_AlreadyExists()
    {
        await using var server = await ServerHost.StartAsync();
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "twice", Spec = Specs.Classifier(4, 3) });

        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "twice", Spec = Specs.Classifier(4, 3) }));

        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
    }

    [Fact]
    public async Task ListModels_PagesInIdOrder_UntilNoToken()
    {
        await using var server = await ServerHost.StartAsync();
        string[] ids = ["m-c", "m-a", "m-e", "m-b", "m-d"];
        foreach (var id in ids)
        {
            await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = id, Spec = Specs.Classifier(2, 2) });
        }

        var seen = new List<string>();
        string token = "";
        int pages = 0;
        do
        {
            var page = await server.Models.ListModelsAsync(new ListModelsRequest { PageSize = 2, PageToken = token });
            seen.AddRange(page.Models.Select(m => m.Id));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(ids.Order(StringComparer.Ordinal), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task DeleteModel_Existing_RemovesFolderAndGetIsNotFound()
    {
        await using var server = await ServerHost.StartAsync();
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "gone", Spec = Specs.Classifier(2, 2) });

        await server.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "gone" });

        Assert.False(Directory.Exists(Path.Combine(server.StorePath, "gone")));
        var e = await Assert.ThrowsAsync<RpcException>(async () => await server.Models.GetModelAsync(new GetModelRequest { ModelId = "gone" }));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task CreateModel_BeyondMaxModels_ResourceExhausted()
    {
        await using var server = await ServerHost.StartAsync(null, "--Limits:MaxModels=2");
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "one", Spec = Specs.Classifier(2, 2) });
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "two", Spec = Specs.Classifier(2, 2) });

        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "three", Spec = Specs.Classifier(2, 2) }));

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(server.StorePath, "three")));
    }

    [Fact]
    public async Task Restart_SameStore_ServesSameModelsAndVersions()
    {
        string store = ServerHost.NewStoreDirectory();
        await using (var first = await ServerHost.StartAsync(store))
        {
            await first.Models.CreateModelAsync(new CreateModelRequest { ModelId = "kept", Spec = Specs.Classifier(3, 2, seed: 9) });
        }

        await using var second = await ServerHost.StartAsync(store);
        var model = (await second.Models.GetModelAsync(new GetModelRequest { ModelId = "kept" })).Model;

        Assert.Equal(1, model.LatestVersion);
        Assert.Equal(9ul, model.Spec.Seed);
        Assert.Equal(3, model.Spec.InputSize);
        Assert.Equal(Specs.Classifier(3, 2, seed: 9).Layers.Count, model.Spec.Layers.Count);
        Assert.Equal(0.5f, model.Spec.Layers[2].Dropout.Rate);
    }
}
