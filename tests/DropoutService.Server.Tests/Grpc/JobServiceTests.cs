using DropoutService.Api.V1;
using DropoutService.Engine.Checkpoints;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Grpc;

/// <summary>Training jobs through the real server: start, watch (and watch again), cancel, restart mid-job, bad input.</summary>
public sealed class JobServiceTests
{
    private static async Task<string> UploadDigitsAsync(ServerHost server)
    {
        var (train, _) = Digits.Split();
        using var upload = server.Training.UploadDataset();
        await upload.RequestStream.WriteAsync(new UploadDatasetRequest { FeatureCount = Digits.Features, Features = train.Features, ClassIds = { train.ClassIds } });
        await upload.RequestStream.CompleteAsync();
        return (await upload).DatasetId;
    }

    private static StartTrainingRequest Start(string model, string datasetId, int epochs, string requestId = "") => new()
    {
        ModelId = model,
        DatasetId = datasetId,
        RequestId = requestId,
        Options = new TrainingOptions { Epochs = epochs, BatchSize = 16, LearningRate = 0.05f, Optimizer = new OptimizerConfig { Kind = Optimizer.Adam }, Seed = 3, ValidationSplit = 0.2f },
    };

    private static async Task<(Job Final, List<EpochProgress> Epochs, Job First)> WatchAsync(JobService.JobServiceClient jobs, string id, int from = 0)
    {
        using var call = jobs.WatchJob(new WatchJobRequest { JobId = id, FromEpoch = from });
        Job? first = null, last = null;
        var epochs = new List<EpochProgress>();
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            if (e.EventCase == WatchJobResponse.EventOneofCase.Job)
            {
                first ??= e.Job;
                last = e.Job;
            }
            else
            {
                epochs.Add(e.Epoch);
            }
        }
        return (last!, epochs, first!);
    }

    [Fact]
    public async Task StartTraining_WatchToEndThenWatchAgainFromEpoch_EveryEpochOnceAndPublished()
    {
        await using var server = await ServerHost.StartAsync();
        var jobs = new JobService.JobServiceClient(server.Channel);
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "m", Spec = Specs.Classifier(Digits.Features, Digits.Classes) });
        string dataset = await UploadDigitsAsync(server);

        var started = (await jobs.StartTrainingAsync(Start("m", dataset, 6, "req-1"))).Job;
        var again = (await jobs.StartTrainingAsync(Start("m", dataset, 6, "req-1"))).Job;
        var (final, epochs, first) = await WatchAsync(jobs, started.JobId);
        var (_, replay, _) = await WatchAsync(jobs, started.JobId, from: 4);
        var got = (await jobs.GetJobAsync(new GetJobRequest { JobId = started.JobId })).Job;

        Assert.Equal(started.JobId, again.JobId); // idempotent start
        Assert.Contains(first.State, new[] { JobState.Queued, JobState.Running });
        Assert.Equal(JobState.Succeeded, final.State);
        Assert.Equal([1, 2, 3, 4, 5, 6], epochs.Select(e => e.Epoch));
        Assert.Equal([4, 5, 6], replay.Select(e => e.Epoch));
        Assert.Equal(6, got.Epochs.Count);
        Assert.Equal(2, got.Result.Version.Version);
        Assert.Equal(1, got.Attempt);
        Assert.False(File.Exists(Path.Combine(server.StorePath, "_jobs", started.JobId, "state.trst"))); // working checkpoint removed
    }

    [Fact]
    public async Task CancelJob_Running_CancelledNothingPublishedIdempotent()
    {
        await using var server = await ServerHost.StartAsync();
        var jobs = new JobService.JobServiceClient(server.Channel);
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "m", Spec = Specs.Classifier(Digits.Features, Digits.Classes) });
        string dataset = await UploadDigitsAsync(server);
        var job = (await jobs.StartTrainingAsync(Start("m", dataset, 5000))).Job;
        using (var watch = jobs.WatchJob(new WatchJobRequest { JobId = job.JobId }))
        {
            while (await watch.ResponseStream.MoveNext() && watch.ResponseStream.Current.EventCase != WatchJobResponse.EventOneofCase.Epoch)
            {
            }
        }
        var inUse = await Assert.ThrowsAsync<RpcException>(async () => await server.Training.DeleteDatasetAsync(new DeleteDatasetRequest { DatasetId = dataset }));

        await jobs.CancelJobAsync(new CancelJobRequest { JobId = job.JobId });
        var (final, _, _) = await WatchAsync(jobs, job.JobId);
        var twice = (await jobs.CancelJobAsync(new CancelJobRequest { JobId = job.JobId })).Job;
        var versions = await server.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = "m" });
        await server.Training.DeleteDatasetAsync(new DeleteDatasetRequest { DatasetId = dataset });
        var gone = await Assert.ThrowsAsync<RpcException>(async () => await server.Training.GetDatasetAsync(new GetDatasetRequest { DatasetId = dataset }));

        Assert.Equal(StatusCode.FailedPrecondition, inUse.StatusCode);
        Assert.Equal(JobState.Cancelled, final.State);
        Assert.Equal((int)StatusCode.Cancelled, final.Error.Code);
        Assert.Equal(JobState.Cancelled, twice.State);
        Assert.Single(versions.Versions);
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task ServerRestartMidJob_JobResumesAndPublishesSameWeightsAsUninterrupted()
    {
        string store = ServerHost.NewStoreDirectory();
        const int epochs = 8;
        // Uninterrupted reference run in its own store.
        byte[] expected;
        await using (var reference = await ServerHost.StartAsync())
        {
            var refJobs = new JobService.JobServiceClient(reference.Channel);
            await reference.Models.CreateModelAsync(new CreateModelRequest { ModelId = "m", Spec = Specs.Classifier(Digits.Features, Digits.Classes, hidden: 64) });
            var refJob = (await refJobs.StartTrainingAsync(Start("m", await UploadDigitsAsync(reference), epochs))).Job;
            var (refFinal, _, _) = await WatchAsync(refJobs, refJob.JobId);
            Assert.Equal(JobState.Succeeded, refFinal.State);
            expected = Weights(Path.Combine(reference.StorePath, "m", "v000002.ckpt"));
        }

        string jobId;
        var server = await ServerHost.StartAsync(store);
        try
        {
            var jobs = new JobService.JobServiceClient(server.Channel);
            await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "m", Spec = Specs.Classifier(Digits.Features, Digits.Classes, hidden: 64) });
            jobId = (await jobs.StartTrainingAsync(Start("m", await UploadDigitsAsync(server), epochs))).Job.JobId;
            using var watch = jobs.WatchJob(new WatchJobRequest { JobId = jobId });
            int seen = 0;
            while (seen < 3 && await watch.ResponseStream.MoveNext())
            {
                seen += watch.ResponseStream.Current.EventCase == WatchJobResponse.EventOneofCase.Epoch ? 1 : 0;
            }
        }
        finally
        {
            await server.StopAsync();
        }

        await using var restarted = await ServerHost.StartAsync(store);
        var again = new JobService.JobServiceClient(restarted.Channel);
        var (final, replayed, _) = await WatchAsync(again, jobId);

        Assert.Equal(JobState.Succeeded, final.State);
        Assert.Equal(2, final.Attempt);
        Assert.Equal(Enumerable.Range(1, epochs), replayed.Select(e => e.Epoch));
        Assert.Equal(expected, Weights(Path.Combine(store, "m", "v000002.ckpt")));
    }

    [Fact]
    public async Task StartTraining_LearningRateTooLarge_FailedWithInvalidArgumentAndNothingPublished()
    {
        await using var server = await ServerHost.StartAsync();
        var jobs = new JobService.JobServiceClient(server.Channel);
        var spec = new ModelSpec { InputSize = 4, Loss = Loss.MeanSquaredError, Seed = 1, Layers = { Specs.Dense(16), Specs.Relu(), Specs.Dense(2) } };
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "r", Spec = spec });
        var data = new Dataset { Features = Specs.Values(64, 4, Specs.Random(256, 1).Select(v => v * 50).ToArray()), TargetValues = Specs.Values(64, 2, Specs.Random(128, 2).Select(v => v * 50).ToArray()) };

        var job = (await jobs.StartTrainingAsync(new StartTrainingRequest
        {
            ModelId = "r", Dataset = data,
            Options = new TrainingOptions { Epochs = 50, BatchSize = 8, LearningRate = 10f, Optimizer = new OptimizerConfig { Kind = Optimizer.Momentum, Momentum = 0.99f } },
        })).Job;
        var (final, _, _) = await WatchAsync(jobs, job.JobId);
        var versions = await server.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = "r" });

        Assert.Equal(JobState.Failed, final.State);
        Assert.Equal((int)StatusCode.InvalidArgument, final.Error.Code);
        Assert.Matches(@"^diverged at epoch \d+, step \d+: .*; lower the learning rate$", final.Error.Message);
        Assert.Single(versions.Versions);
    }

    [Fact]
    public async Task UploadDataset_BinaryTargetsOutsideUnitInterval_TrainingABceModelRejectedNamingDataset()
    {
        await using var server = await ServerHost.StartAsync();
        var spec = new ModelSpec { InputSize = 3, Loss = Loss.BinaryCrossEntropyWithLogits, Seed = 1, Layers = { Specs.Dense(1) } };
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "bce", Spec = spec });
        using var upload = server.Training.UploadDataset();
        await upload.RequestStream.WriteAsync(new UploadDatasetRequest { FeatureCount = 3, Features = Specs.Values(2, 3, 1, 2, 3, 4, 5, 6), TargetValues = Specs.Values(2, 1, 0.5f, 2f) });
        await upload.RequestStream.CompleteAsync();
        var uploaded = await upload;

        var e = await Assert.ThrowsAsync<RpcException>(() => TrainCalls.RunAsync(server.Training, new TrainRequest { ModelId = "bce", DatasetId = uploaded.DatasetId }));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(StatusDetails.FieldViolations(e), v => v.Field == "dataset_id" && v.Description.Contains("[0, 1]"));
        Assert.Equal(2f, uploaded.Dataset.MaxTargetValue);
        Assert.Equal(64, uploaded.Dataset.Sha256.Length);
    }

    [Fact]
    public async Task UploadDataset_ClientStopsSending_DeadlineExceededAndNothingStored()
    {
        await using var server = await ServerHost.StartAsync(null, "--Datasets:UploadIdleTimeoutSeconds=1");
        using var upload = server.Training.UploadDataset();
        await upload.RequestStream.WriteAsync(new UploadDatasetRequest { FeatureCount = 3, Features = Specs.Values(1, 3, 1, 2, 3), ClassIds = { 0 } });

        var e = await Assert.ThrowsAsync<RpcException>(async () => await upload);
        var listed = await server.Training.ListDatasetsAsync(new ListDatasetsRequest());

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.Empty(listed.Datasets);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.StorePath, "_datasets")));
    }

    [Fact]
    public async Task Startup_HalfUploadedTempFile_RemovedAndNeverListed()
    {
        string store = ServerHost.NewStoreDirectory();
        Directory.CreateDirectory(Path.Combine(store, "_datasets"));
        string temp = Path.Combine(store, "_datasets", ".ds-0123456789abcdef0123456789abcdef.dset.0000.tmp");
        await File.WriteAllBytesAsync(temp, new byte[1000]);

        await using var server = await ServerHost.StartAsync(store);
        await new JobService.JobServiceClient(server.Channel).ListJobsAsync(new ListJobsRequest()); // waits for job recovery
        var listed = await server.Training.ListDatasetsAsync(new ListDatasetsRequest());

        Assert.Empty(listed.Datasets);
        Assert.False(File.Exists(temp));
    }

    private static byte[] Weights(string path)
    {
        var checkpoint = CheckpointFile.Load(path);
        return CheckpointFile.Serialize(checkpoint with { Metadata = new TrainingMetadata { Epochs = checkpoint.Metadata.Epochs, Steps = checkpoint.Metadata.Steps } });
    }
}
