using DropoutService.Server.Storage;

namespace DropoutService.Server.Tests.Models.Storage;

/// <summary>
/// What every <see cref="IModelStore"/> backend promises, run against each one
/// (<see cref="DirectoryStoreContractTests"/>, <see cref="PostgresStoreContractTests"/>): the
/// registry above the interface relies on exactly this and nothing backend-specific.
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    private readonly List<IModelStore> _stores = [];

    /// <summary>A store this test may write, opened and with its first change-feed pass done.</summary>
    protected abstract Task<IModelStore> NewWriterAsync();

    /// <summary>A second store on the same data that does not write (a follower or another replica).</summary>
    protected abstract Task<IModelStore> NewObserverAsync(bool readOnly);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        _stores.ForEach(s => s.Dispose());
        return Task.CompletedTask;
    }

    [SkippableFact]
    public async Task CreateModel_NewId_ListedFoundAndReadBackBitwise()
    {
        var store = await WriterAsync();
        var first = TestCheckpoints.WithAdam(1);

        var (model, version) = store.CreateModel("alpha", first);

        Assert.Equal("alpha", model.Id);
        Assert.Equal(1, version.Number);
        Assert.Equal(model, store.FindModel("alpha"));
        Assert.Contains(model, store.ListModels());
        var listed = Assert.Single(store.ReadVersions(model, 0));
        Assert.Equal(1, listed.Number);
        Assert.Null(listed.Unreadable);
        Assert.Equal(first.Metadata.Steps, listed.Metadata.Steps);
        Assert.Equal(Engine.Optimizers.OptimizerKind.Adam, listed.Optimizer);
        Assert.True(listed.SizeBytes > 0);
        var read = store.ReadCheckpoint(model, 1);
        Assert.Equal(TestCheckpoints.Values(first), TestCheckpoints.Values(read));
        Assert.Equal(3, read.Optimizer!.StepCount);
    }

    [SkippableFact]
    public async Task CreateModel_ExistingId_AlreadyExistsAndFirstModelUntouched()
    {
        var store = await WriterAsync();
        var (model, _) = store.CreateModel("taken", TestCheckpoints.Create(1));

        var e = Assert.Throws<StoreException>(() => store.CreateModel("taken", TestCheckpoints.Create(2)));

        Assert.Equal(StoreError.AlreadyExists, e.Error);
        Assert.Equal(model, store.FindModel("taken"));
        Assert.Equal([1L], store.ReadVersions(model, 0).Select(v => v.Number));
        Assert.Equal(TestCheckpoints.Values(TestCheckpoints.Create(1)), TestCheckpoints.Values(store.ReadCheckpoint(model, 1)));
    }

    [SkippableFact]
    public async Task AddVersion_Repeatedly_NumbersIncreaseByOneAndListingResumesAfterANumber()
    {
        var store = await WriterAsync();
        var (model, _) = store.CreateModel("counter", TestCheckpoints.Create(1));

        var numbers = Enumerable.Range(2, 4).Select(i => store.AddVersion(model, TestCheckpoints.Create((ulong)i, steps: i), null).Number).ToList();

        Assert.Equal([2L, 3, 4, 5], numbers);
        Assert.Equal([4L, 5], store.ReadVersions(model, 3).Select(v => v.Number));
        Assert.Equal(4, store.ReadVersions(model, 3).First().Metadata.Steps);
        Assert.Equal(TestCheckpoints.Values(TestCheckpoints.Create(4)), TestCheckpoints.Values(store.ReadCheckpoint(model, 4)));
    }

    [SkippableFact]
    public async Task DeleteModel_ThenAnyWrite_ModelStaysGoneNothingResurrects()
    {
        var store = await WriterAsync();
        var (model, _) = store.CreateModel("doomed", TestCheckpoints.Create(1));
        store.AddVersion(model, TestCheckpoints.Create(2), null);

        store.DeleteModel(model);
        var publish = Assert.Throws<StoreException>(() => store.AddVersion(model, TestCheckpoints.Create(3), null));
        var read = Assert.Throws<StoreException>(() => store.ReadCheckpoint(model, 1));
        var again = Assert.Throws<StoreException>(() => store.DeleteModel(model));

        Assert.Equal(StoreError.NotFound, publish.Error);
        Assert.Equal(StoreError.NotFound, read.Error);
        Assert.Equal(StoreError.NotFound, again.Error);
        Assert.Null(store.FindModel("doomed"));
        Assert.DoesNotContain(store.ListModels(), m => m.Id == "doomed");
    }

    [SkippableFact]
    public async Task CreateModel_AfterDelete_NewIncarnationNeverMixedWithTheOld()
    {
        var store = await WriterAsync();
        var (old, _) = store.CreateModel("phoenix", TestCheckpoints.Create(1));
        store.AddVersion(old, TestCheckpoints.Create(2), null);
        store.DeleteModel(old);

        var (reborn, version) = store.CreateModel("phoenix", TestCheckpoints.Create(10));

        Assert.NotEqual(old.Incarnation, reborn.Incarnation);
        Assert.Equal(1, version.Number);
        Assert.Equal(reborn, store.FindModel("phoenix"));
        // The old incarnation's handle reads and writes nothing of the new one.
        Assert.Equal(StoreError.NotFound, Assert.Throws<StoreException>(() => store.ReadCheckpoint(old, 1)).Error);
        Assert.Equal(StoreError.NotFound, Assert.Throws<StoreException>(() => store.AddVersion(old, TestCheckpoints.Create(3), null)).Error);
        Assert.Equal(TestCheckpoints.Values(TestCheckpoints.Create(10)), TestCheckpoints.Values(store.ReadCheckpoint(reborn, 1)));
        Assert.Equal([1L], store.ReadVersions(reborn, 0).Select(v => v.Number));
    }

    [SkippableFact]
    public async Task ReadCheckpoint_NumberNeverWritten_NotFound()
    {
        var store = await WriterAsync();
        var (model, _) = store.CreateModel("sparse", TestCheckpoints.Create(1));

        var e = Assert.Throws<StoreException>(() => store.ReadCheckpoint(model, 7));

        Assert.Equal(StoreError.NotFound, e.Error);
        Assert.Contains("'sparse'", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ReadOnlyStore_EveryWrite_RefusedAndReadsWork()
    {
        var writer = await WriterAsync();
        var (model, _) = writer.CreateModel("shared", TestCheckpoints.Create(1));
        var reader = await ObserverAsync(readOnly: true);

        Assert.True(reader.IsReadOnly);
        Assert.Equal(StoreError.ReadOnly, Assert.Throws<StoreException>(() => reader.CreateModel("other", TestCheckpoints.Create(2))).Error);
        Assert.Equal(StoreError.ReadOnly, Assert.Throws<StoreException>(() => reader.AddVersion(model, TestCheckpoints.Create(2), null)).Error);
        Assert.Equal(StoreError.ReadOnly, Assert.Throws<StoreException>(() => reader.DeleteModel(model)).Error);
        Assert.Equal(StoreError.ReadOnly, Assert.Throws<StoreException>(() => reader.TryLockWriter(model)).Error);
        Assert.Equal(model, reader.FindModel("shared"));
        Assert.Equal(TestCheckpoints.Values(TestCheckpoints.Create(1)), TestCheckpoints.Values(reader.ReadCheckpoint(model, 1)));
        Assert.Null(reader.FindModel("other"));
    }

    [SkippableFact]
    public async Task WatchAsync_WriterCreatesPublishesDeletes_ObserverToldAndSeesEach()
    {
        var writer = await WriterAsync();
        var observer = await ObserverAsync(readOnly: false);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var feed = observer.WatchAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await feed.MoveNextAsync());
        Assert.Null(feed.Current.ModelId); // first: compare everything

        var (model, _) = writer.CreateModel("watched", TestCheckpoints.Create(1));
        await UntilAsync(feed, "watched", () => observer.FindModel("watched") == model);
        writer.AddVersion(model, TestCheckpoints.Create(2), null);
        await UntilAsync(feed, "watched", () => observer.ReadVersions(model, 1).Any());
        writer.DeleteModel(model);
        await UntilAsync(feed, "watched", () => observer.FindModel("watched") is null);
    }

    /// <summary>Reads the feed until a change that concerns <paramref name="id"/> (or everything) makes <paramref name="seen"/> true.</summary>
    private static async Task UntilAsync(IAsyncEnumerator<StoreChange> feed, string id, Func<bool> seen)
    {
        while (true)
        {
            Assert.True(await feed.MoveNextAsync(), "the change feed ended");
            if ((feed.Current.ModelId is null || feed.Current.ModelId == id) && seen())
            {
                return;
            }
        }
    }

    private async Task<IModelStore> WriterAsync() => Track(await NewWriterAsync());

    private async Task<IModelStore> ObserverAsync(bool readOnly) => Track(await NewObserverAsync(readOnly));

    private IModelStore Track(IModelStore store)
    {
        _stores.Add(store);
        return store;
    }

    /// <summary>Opens a store as the server does: Open, then the change feed's first pass (which migrates a database).</summary>
    protected static async Task<IModelStore> StartAsync(IModelStore store)
    {
        store.Open();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var change in store.WatchAsync(cts.Token))
        {
            Assert.Null(change.ModelId);
            break;
        }
        return store;
    }
}
