using System.Reflection;
using System.Text;
using DropoutService.Api.V1;
using DropoutService.Engine.Kernels;
using DropoutService.Server.Errors;
using DropoutService.Server.Inference;
using DropoutService.Server.Mapping;
using DropoutService.Server.Models;
using DropoutService.Server.Options;
using DropoutService.Server.Resources;
using DropoutService.Server.Security;
using DropoutService.Server.Training;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace DropoutService.Server.Grpc;

/// <summary>dropout.v1.ModelService: validate, call the registry, map back.</summary>
public sealed class ModelGrpcService(ModelRegistry registry, TrainingSlots slots, Predictor predictor, MemoryBudget budget,
    IOptions<LimitsOptions> limits, IOptions<InferenceOptions> inference) : ModelService.ModelServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override Task<CreateModelResponse> CreateModel(CreateModelRequest request, ServerCallContext context)
    {
        string id = ModelId.Validate(request.ModelId);
        context.Annotate(id);
        var spec = SpecMapper.ToEngine(request.Spec, limits.Value.SpecLimits());
        var entry = registry.Create(id, spec);
        context.Annotate(id, entry.Latest.Number);
        return Task.FromResult(new CreateModelResponse { Model = ModelMapper.ToApi(entry) });
    }

    public override Task<GetModelResponse> GetModel(GetModelRequest request, ServerCallContext context)
    {
        context.Annotate(request.ModelId);
        var entry = registry.Get(request.ModelId);
        return Task.FromResult(new GetModelResponse { Model = ModelMapper.ToApi(entry) });
    }

    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var v = new Violations();
        v.Check(request.PageSize is >= 0 and <= MaxPageSize, "page_size", $"must be in [0, {MaxPageSize}] (0 = {DefaultPageSize}), got {request.PageSize}");
        string? after = null;
        if (request.PageToken.Length > 0)
        {
            after = DecodeToken(request.PageToken);
            v.Check(after is not null, "page_token", "is not a token returned by ListModels");
        }
        v.ThrowIfAny();
        int size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var all = registry.List();
        var page = all.Where(e => after is null || string.CompareOrdinal(e.Id, after) > 0).Take(size + 1).ToArray();
        var response = new ListModelsResponse();
        response.Models.AddRange(page.Take(size).Select(ModelMapper.ToApi));
        if (page.Length > size)
        {
            response.NextPageToken = EncodeToken(page[size - 1].Id);
        }
        return Task.FromResult(response);
    }

    public override Task<DeleteModelResponse> DeleteModel(DeleteModelRequest request, ServerCallContext context)
    {
        context.Annotate(request.ModelId);
        registry.Delete(request.ModelId);
        return Task.FromResult(new DeleteModelResponse());
    }

    public override Task<ListModelVersionsResponse> ListModelVersions(ListModelVersionsRequest request, ServerCallContext context)
    {
        context.Annotate(request.ModelId);
        var entry = registry.Get(request.ModelId);
        var response = new ListModelVersionsResponse();
        response.Versions.AddRange(entry.Versions.Select(ModelMapper.ToApi));
        response.CorruptVersions.AddRange(entry.Corrupt.Select(c => new Api.V1.CorruptVersion { Version = c.Number, Reason = c.Reason }));
        return Task.FromResult(response);
    }

    public override Task<GetServerInfoResponse> GetServerInfo(GetServerInfoRequest request, ServerCallContext context)
    {
        var l = limits.Value;
        var blas = Blas.Default;
        var response = new GetServerInfoResponse
        {
            ServerVersion = ServerVersion,
            BlasBackend = blas.Name,
            // Library paths and thread counts are for admins; others get the backend's name.
            BlasDescription = context.CallerHas(Roles.Admin) ? blas.Description : blas.Name,
            ProcessorCount = Environment.ProcessorCount,
            ModelCount = registry.Count,
            ActiveTrainings = slots.Active,
            Limits = new ServerLimits
            {
                MaxMessageBytes = l.MaxMessageBytes,
                MaxBatchRows = l.MaxBatchRows,
                MaxParametersPerModel = l.MaxParametersPerModel,
                MaxModels = l.MaxModels,
                MaxConcurrentTrainings = l.MaxConcurrentTrainings,
                MaxMcSamples = l.MaxMcSamples,
                MaxDatasetBytes = l.MaxDatasetBytes,
                MaxEpochs = l.MaxEpochs,
                MaxLayers = l.MaxLayers,
                MaxMemoryBytes = budget.Capacity,
            },
            Batching = InfoMapper.ToApi(predictor.DefaultBatching),
            MemoryInUseBytes = budget.InUse,
        };
        foreach (var id in inference.Value.Batching.Models.Keys.Select(k => k.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal))
        {
            response.ModelBatching.Add(new ModelBatchingSettings { ModelId = id, Settings = InfoMapper.ToApi(predictor.BatchingFor(id)) });
        }
        return Task.FromResult(response);
    }

    public static string ServerVersion { get; } =
        typeof(ModelGrpcService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static string EncodeToken(string lastId) => Convert.ToBase64String(Encoding.UTF8.GetBytes("after:" + lastId));

    private static string? DecodeToken(string token)
    {
        try
        {
            string text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("after:", StringComparison.Ordinal) && ModelId.IsValid(text[6..]) ? text[6..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
