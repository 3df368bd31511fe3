using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Security;

/// <summary>One small call of every dropout.v1 method, on model "m" (4 inputs, 3 classes), for the role tables.</summary>
public static class RpcCalls
{
    public const string Model = "m";

    private static Tensor Inputs => Specs.Values(1, 4, 0.1f, 0.2f, 0.3f, 0.4f);

    public static readonly IReadOnlyDictionary<string, Func<AuthChannel, Task>> ByMethod = new Dictionary<string, Func<AuthChannel, Task>>
    {
        ["/dropout.v1.ModelService/GetModel"] = c => c.Models.GetModelAsync(new GetModelRequest { ModelId = Model }).ResponseAsync,
        ["/dropout.v1.ModelService/ListModels"] = c => c.Models.ListModelsAsync(new ListModelsRequest()).ResponseAsync,
        ["/dropout.v1.ModelService/ListModelVersions"] = c => c.Models.ListModelVersionsAsync(new ListModelVersionsRequest { ModelId = Model }).ResponseAsync,
        ["/dropout.v1.ModelService/GetServerInfo"] = c => c.Models.GetServerInfoAsync(new GetServerInfoRequest()).ResponseAsync,
        ["/dropout.v1.InferenceService/Predict"] = c => c.Inference.PredictAsync(new PredictRequest { ModelId = Model, Inputs = Inputs }).ResponseAsync,
        ["/dropout.v1.InferenceService/Forward"] = c => c.Inference.ForwardAsync(new ForwardRequest { ModelId = Model, Inputs = Inputs }).ResponseAsync,
        ["/dropout.v1.InferenceService/Backward"] = c => c.Inference.BackwardAsync(new BackwardRequest
        {
            ModelId = Model, Inputs = Inputs, Targets = new BackwardTargets { ClassIds = { 1 } },
        }).ResponseAsync,
        // Invalid ids and empty data: the call is authorised, then refused as bad input, changing nothing.
        ["/dropout.v1.ModelService/CreateModel"] = c => c.Models.CreateModelAsync(new CreateModelRequest { ModelId = "Not Valid", Spec = Specs.Classifier(4, 3) }).ResponseAsync,
        ["/dropout.v1.TrainingService/Train"] = async c =>
        {
            using var call = c.Training.Train(new TrainRequest { ModelId = Model });
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        },
        ["/dropout.v1.TrainingService/UploadDataset"] = async c =>
        {
            using var call = c.Training.UploadDataset();
            await call.RequestStream.CompleteAsync();
            await call.ResponseAsync;
        },
        ["/dropout.v1.TrainingService/ApplyGradients"] = c => c.Training.ApplyGradientsAsync(new ApplyGradientsRequest { ModelId = Model, LearningRate = 0.1f }).ResponseAsync,
        ["/dropout.v1.ModelService/DeleteModel"] = c => c.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "no-such-model" }).ResponseAsync,
        ["/dropout.v1.JobService/StartTraining"] = c => Jobs(c).StartTrainingAsync(new StartTrainingRequest { ModelId = Model }).ResponseAsync,
        ["/dropout.v1.JobService/GetJob"] = c => Jobs(c).GetJobAsync(new GetJobRequest { JobId = "no-such-job" }).ResponseAsync,
        ["/dropout.v1.JobService/ListJobs"] = c => Jobs(c).ListJobsAsync(new ListJobsRequest()).ResponseAsync,
        ["/dropout.v1.JobService/WatchJob"] = async c =>
        {
            using var call = Jobs(c).WatchJob(new WatchJobRequest { JobId = "no-such-job" });
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        },
        ["/dropout.v1.JobService/CancelJob"] = c => Jobs(c).CancelJobAsync(new CancelJobRequest { JobId = "no-such-job" }).ResponseAsync,
        ["/dropout.v1.TrainingService/GetDataset"] = c => c.Training.GetDatasetAsync(new GetDatasetRequest { DatasetId = "no-such-dataset" }).ResponseAsync,
        ["/dropout.v1.TrainingService/ListDatasets"] = c => c.Training.ListDatasetsAsync(new ListDatasetsRequest()).ResponseAsync,
        ["/dropout.v1.TrainingService/DeleteDataset"] = c => c.Training.DeleteDatasetAsync(new DeleteDatasetRequest { DatasetId = "no-such-dataset" }).ResponseAsync,
    };

    private static JobService.JobServiceClient Jobs(AuthChannel c) => new(c.Invoker);

    /// <summary>Runs a call and returns its status code (OK when it succeeded).</summary>
    public static async Task<StatusCode> StatusOf(Func<AuthChannel, Task> call, AuthChannel channel)
    {
        try
        {
            await call(channel);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
