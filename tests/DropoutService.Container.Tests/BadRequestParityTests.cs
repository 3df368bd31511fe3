using DropoutService.Api.V1;
using DropoutService.Container.Tests.Infrastructure;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;

namespace DropoutService.Container.Tests;

/// <summary>
/// The container answers bad requests exactly like the same server run locally: same status
/// code, same message, same google.rpc.BadRequest field violations.
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed class BadRequestParityTests(ImageFixture image, ITestOutputHelper output)
{
    private const string ModelId = "digits-errors";

    private sealed record ErrorShape(StatusCode Code, string Detail, string[] Violations);

    [SkippableFact]
    public async Task BadRequests_ContainerAndLocalServer_SameStructuredErrors()
    {
        string img = image.RequireImage();
        await using var volume = await ModelVolume.CreateAsync("errors");
        await using var container = await ServiceContainer.StartAsync(img, volume.Name, output: output);
        await using var local = await LocalServer.StartAsync();

        var fromContainer = await CollectAsync(container.Channel);
        var fromLocal = await CollectAsync(local.Channel);

        Assert.Equal(fromLocal.Keys, fromContainer.Keys);
        foreach (var (name, expected) in fromLocal)
        {
            var actual = fromContainer[name];
            output.WriteLine($"{name}: {actual.Code} {actual.Detail} [{string.Join("; ", actual.Violations)}]");
            Assert.Equal(expected.Code, actual.Code);
            Assert.Equal(expected.Detail, actual.Detail);
            Assert.Equal(expected.Violations, actual.Violations);
        }

        // And the shape itself is the documented one, not merely equal.
        var badId = fromContainer["bad model id"];
        Assert.Equal(StatusCode.InvalidArgument, badId.Code);
        Assert.Contains(badId.Violations, v => v.StartsWith("model_id:", StringComparison.Ordinal));
        var badSpec = fromContainer["dropout rate out of range"];
        Assert.Equal(StatusCode.InvalidArgument, badSpec.Code);
        Assert.Contains(badSpec.Violations, v => v.Contains("rate", StringComparison.Ordinal));
        foreach (string name in new[] { "input width mismatch", "NaN input" })
        {
            Assert.Equal(StatusCode.InvalidArgument, fromContainer[name].Code);
            Assert.Contains(fromContainer[name].Violations, v => v.StartsWith("inputs", StringComparison.Ordinal));
        }
        Assert.Equal(StatusCode.NotFound, fromContainer["unknown model"].Code);
    }

    private static async Task<Dictionary<string, ErrorShape>> CollectAsync(GrpcChannel channel)
    {
        var models = new ModelService.ModelServiceClient(channel);
        var inference = new InferenceService.InferenceServiceClient(channel);
        await models.CreateModelAsync(new CreateModelRequest { ModelId = ModelId, Spec = Digits.ClassifierSpec() });

        var badRate = Digits.ClassifierSpec();
        badRate.Layers[2].Dropout.Rate = 1.5f;
        var narrow = new Tensor { Shape = { 1, 3 }, Values = new FloatList { Values = { 1f, 2f, 3f } } };
        var nan = Digits.Instance.ToTensor(0, 2);
        nan.Values.Values[5] = float.NaN;

        return new Dictionary<string, ErrorShape>
        {
            ["bad model id"] = await ErrorOf(() => models.CreateModelAsync(new CreateModelRequest { ModelId = "Bad_Id!", Spec = Digits.ClassifierSpec() }).ResponseAsync),
            ["dropout rate out of range"] = await ErrorOf(() => models.CreateModelAsync(new CreateModelRequest { ModelId = "rate-model", Spec = badRate }).ResponseAsync),
            ["input width mismatch"] = await ErrorOf(() => inference.PredictAsync(new PredictRequest { ModelId = ModelId, Inputs = narrow }).ResponseAsync),
            ["NaN input"] = await ErrorOf(() => inference.PredictAsync(new PredictRequest { ModelId = ModelId, Inputs = nan }).ResponseAsync),
            ["unknown model"] = await ErrorOf(() => inference.PredictAsync(new PredictRequest { ModelId = "no-such-model", Inputs = Digits.Instance.ToTensor(0, 1) }).ResponseAsync),
        };
    }

    private static async Task<ErrorShape> ErrorOf<T>(Func<Task<T>> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        var status = e.GetRpcStatus();
        var violations = status?.GetDetail<BadRequest>()?.FieldViolations
            .Select(v => $"{v.Field}: {v.Description}").ToArray() ?? [];
        return new ErrorShape(e.StatusCode, e.Status.Detail, violations);
    }
}
