using DropoutService.Api.V1;
using DropoutService.Engine.Checkpoints;
using DropoutService.Engine.Optimizers;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;
using ApiOptimizer = DropoutService.Api.V1.Optimizer;

namespace DropoutService.Server.Tests.Grpc;

public sealed class TrainingServiceTests
{
    [Fact]
    public async Task UploadDataset_InChunks_TrainByIdUsesEveryRow()
    {
        await using var server = await ServerHost.StartAsync();
        var (train, _) = Digits.Split();
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "up", Spec = Specs.Classifier(Digits.Features, Digits.Classes) });
        var x = Specs.Floats(train.Features);
        int rows = train.ClassIds.Count;

        using var upload = server.Training.UploadDataset();
        for (int start = 0; start < rows; start += 200)
        {
            int n = Math.Min(200, rows - start);
            var chunk = new UploadDatasetRequest
            {
                FeatureCount = start == 0 ? Digits.Features : 0,
                Features = Specs.Raw(n, Digits.Features, x.AsSpan(start * Digits.Features, n * Digits.Features).ToArray()),
            };
            chunk.ClassIds.Add(train.ClassIds.Skip(start).Take(n));
            await upload.RequestStream.WriteAsync(chunk);
        }
        await upload.RequestStream.CompleteAsync();
        var uploaded = await upload;
        var outcome = await TrainCalls.RunAsync(server.Training, new TrainRequest
        {
            ModelId = "up", DatasetId = uploaded.DatasetId, Options = new TrainingOptions { Epochs = 2, BatchSize = 50 },
        });

        Assert.Equal(rows, uploaded.Rows);
        Assert.Equal(rows * (Digits.Features + 1) * 4L, uploaded.SizeBytes);
        // Steps = epochs x ceil(rows / batch): every uploaded row was trained on.
        Assert.Equal(2 * (long)Math.Ceiling(rows / 50.0), outcome.Completed.Version.Steps);
    }

    [Fact]
    public async Task UploadDataset_FeatureCountChanges_InvalidArgumentNamingField()
    {
        await using var server = await ServerHost.StartAsync();
        using var upload = server.Training.UploadDataset();
        await upload.RequestStream.WriteAsync(new UploadDatasetRequest { FeatureCount = 3, Features = Specs.Values(1, 3, 1, 2, 3), ClassIds = { 0 } });
        await upload.RequestStream.WriteAsync(new UploadDatasetRequest { FeatureCount = 4, Features = Specs.Values(1, 4, 1, 2, 3, 4), ClassIds = { 0 } });
        await upload.RequestStream.CompleteAsync();

        var e = await Assert.ThrowsAsync<RpcException>(async () => await upload);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(StatusDetails.FieldViolations(e), v => v.Field == "feature_count");
    }

    [Fact]
    public async Task Train_ValidationSplitAndEarlyStopping_ReportsValidationMetricsAndStoresThem()
    {
        await using var server = await ServerHost.StartAsync();
        var (train, _) = Digits.Split();
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "es", Spec = Specs.Classifier(Digits.Features, Digits.Classes, hidden: 32) });

        var outcome = await TrainCalls.RunAsync(server.Training, new TrainRequest
        {
            ModelId = "es", Dataset = train,
            Options = new TrainingOptions
            {
                Epochs = 200, LearningRate = 0.5f, ValidationSplit = 0.2f, EarlyStoppingPatience = 2, EarlyStoppingMinDelta = 0.5f,
                Optimizer = new OptimizerConfig { Kind = ApiOptimizer.Adam },
            },
        });

        Assert.All(outcome.Progress, p => Assert.True(p.Progress.HasValidationLoss && p.Progress.HasValidationAccuracy));
        Assert.True(outcome.Completed.StoppedEarly);
        Assert.True(outcome.Progress.Count < 200);
        Assert.True(outcome.Completed.Version.HasValidationLoss);
        Assert.Equal(ApiOptimizer.Adam, outcome.Completed.Version.Optimizer);
        // The Adam state is in the checkpoint, for a later Train or ApplyGradients to resume.
        var checkpoint = CheckpointFile.Load(Path.Combine(server.StorePath, "es", "v000002.ckpt"));
        Assert.Equal(OptimizerKind.Adam, checkpoint.Optimizer!.Kind);
        Assert.True(checkpoint.Optimizer.StepCount > 0);
    }

    [Fact]
    public async Task Train_EarlyStoppingWithExplicitValidationDataset_Accepted()
    {
        await using var server = await ServerHost.StartAsync();
        var (train, test) = Digits.Split();
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "es-set", Spec = Specs.Classifier(Digits.Features, Digits.Classes, hidden: 32) });

        var outcome = await TrainCalls.RunAsync(server.Training, new TrainRequest
        {
            ModelId = "es-set", Dataset = train, ValidationDataset = test,
            Options = new TrainingOptions
            {
                Epochs = 200, LearningRate = 0.5f, EarlyStoppingPatience = 2, EarlyStoppingMinDelta = 0.5f,
                Optimizer = new OptimizerConfig { Kind = ApiOptimizer.Adam },
            },
        });

        Assert.All(outcome.Progress, p => Assert.True(p.Progress.HasValidationLoss));
        Assert.True(outcome.Completed.StoppedEarly);
    }

    [Fact]
    public async Task Train_BeyondMaxConcurrentTrainings_QueuedUntilASlotFrees()
    {
        await using var server = await ServerHost.StartAsync(null, "--Limits:MaxConcurrentTrainings=1");
        var jobs = new JobService.JobServiceClient(server.Channel);
        var (train, _) = Digits.Split();
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "a", Spec = Specs.Classifier(Digits.Features, Digits.Classes) });
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "b", Spec = Specs.Classifier(Digits.Features, Digits.Classes) });
        using var cts = new CancellationTokenSource();
        using var first = server.Training.Train(new TrainRequest { ModelId = "a", Dataset = train, Options = new TrainingOptions { Epochs = 5000 } }, cancellationToken: cts.Token);
        Assert.True(await first.ResponseStream.MoveNext(CancellationToken.None));

        var second = TrainCalls.RunAsync(server.Training, new TrainRequest { ModelId = "b", Dataset = train, Options = new TrainingOptions { Epochs = 1 } });
        ListJobsResponse queued;
        do
        {
            queued = await jobs.ListJobsAsync(new ListJobsRequest { ModelId = "b", States = { JobState.Queued } });
        }
        while (queued.Jobs.Count == 0);
        var delete = await Assert.ThrowsAsync<RpcException>(async () => await server.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "a" }));
        cts.Cancel();
        var outcome = await second;

        Assert.Equal(StatusCode.FailedPrecondition, delete.StatusCode);
        Assert.Equal(2, outcome.Completed.Version.Version);
    }

    [Fact]
    public async Task Train_NoQueueAllowedAndSlotsTaken_ResourceExhausted()
    {
        await using var server = await ServerHost.StartAsync(null, "--Limits:MaxConcurrentTrainings=1", "--Jobs:MaxQueuedJobs=0");
        var (train, _) = Digits.Split();
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "a", Spec = Specs.Classifier(Digits.Features, Digits.Classes) });
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "b", Spec = Specs.Classifier(Digits.Features, Digits.Classes) });
        using var cts = new CancellationTokenSource();
        using var first = server.Training.Train(new TrainRequest { ModelId = "a", Dataset = train, Options = new TrainingOptions { Epochs = 5000 } }, cancellationToken: cts.Token);
        Assert.True(await first.ResponseStream.MoveNext(CancellationToken.None));

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            TrainCalls.RunAsync(server.Training, new TrainRequest { ModelId = "b", Dataset = train, Options = new TrainingOptions { Epochs = 1 } }));
        cts.Cancel();

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("Jobs:MaxQueuedJobs", e.Status.Detail);
    }

    [Fact]
    public async Task Predict_MessageOverMaxMessageBytes_ResourceExhausted()
    {
        await using var server = await ServerHost.StartAsync(null, "--Limits:MaxMessageBytes=65536");
        await server.Models.CreateModelAsync(new CreateModelRequest { ModelId = "small", Spec = Specs.Classifier(64, 2) });

        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Inference.PredictAsync(new PredictRequest { ModelId = "small", Inputs = Specs.Raw(400, 64, new float[400 * 64]) }));

        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
    }
}
