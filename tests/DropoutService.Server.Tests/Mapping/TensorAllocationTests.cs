using DropoutService.Api.V1;
using DropoutService.Engine.Tensors;
using DropoutService.Server.Errors;
using DropoutService.Server.Mapping;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;
using ApiTensor = DropoutService.Api.V1.Tensor;

namespace DropoutService.Server.Tests.Mapping;

/// <summary>
/// A declared shape is checked against the data (and the .NET array limit) before anything of
/// that shape is allocated: [536870897, 4] with no or too little data would be 8 GiB of floats.
/// Measured with the allocation counters, in the mappers and through a real server.
/// </summary>
public sealed class TensorAllocationTests
{
    // 536,870,897 x 4 = 2,147,483,588 floats: within Array.MaxLength (2,147,483,591), 8 GiB.
    private const long HugeRows = 536_870_897;
    // Well below what any shape-sized allocation here would take (8 GiB).
    private const long Budget = 16L * 1024 * 1024;

    public static TheoryData<string, ApiTensor> HugeShapes() => new()
    {
        { "no data", new ApiTensor { Shape = { HugeRows, 4 } } },
        { "three values", new ApiTensor { Shape = { HugeRows, 4 }, Values = new FloatList { Values = { 1, 2, 3 } } } },
        { "twelve raw bytes", new ApiTensor { Shape = { HugeRows, 4 }, Raw = Google.Protobuf.ByteString.CopyFrom(new byte[12]) } },
        { "over the array limit", new ApiTensor { Shape = { HugeRows + 1, 4 } } },
        { "rank 3, no data", new ApiTensor { Shape = { HugeRows, 2, 2 } } },
    };

    [Theory]
    [MemberData(nameof(HugeShapes))]
    public void Mappers_HugeShapeWithoutTheData_ViolationWithoutAllocating(string name, ApiTensor tensor)
    {
        TensorMapper.ToEngine(tensor, "warm-up", new TensorShape(4), new Violations());
        long before = GC.GetAllocatedBytesForCurrentThread();

        var sampled = new Violations();
        Assert.Null(TensorMapper.ToEngine(tensor, "inputs", new TensorShape(4), sampled));
        var columns = new Violations();
        Assert.Null(TensorMapper.ToEngine(tensor, "gradient", tensor.Shape.Count == 2 ? 4 : null, columns));
        var dataset = new Violations();
        (int, int, float[])? floats = null;
        var refused = Record.Exception(() => floats = DatasetMapper.Floats(tensor, "features", dataset));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < Budget, $"{name}: {allocated} bytes allocated");
        Assert.True(sampled.Any, name);
        Assert.True(columns.Any, name);
        Assert.Null(floats);
        // The dataset mapper refuses a shape over the array limit as RESOURCE_EXHAUSTED naming it, the rest as violations.
        Assert.True(refused is ServiceException { Error: ServiceError.LimitExceeded } || (refused is null && dataset.Any), $"{name}: {refused}");
    }

    [Fact]
    public async Task Server_HugeShapesWithoutData_RefusedWithoutAllocating()
    {
        await using var host = await ServerHost.StartAsync();
        await host.Models.CreateModelAsync(new CreateModelRequest { ModelId = "m", Spec = Specs.Classifier(4, 3) });
        await host.Inference.PredictAsync(new PredictRequest { ModelId = "m", Inputs = Specs.Values(1, 4, 1, 2, 3, 4) });
        var huge = new ApiTensor { Shape = { HugeRows, 4 } };
        var calls = new (string Name, Func<Task> Call, StatusCode Expected, string FieldOrLimit)[]
        {
            // Inference refuses the row count first, naming the limit.
            ("Predict", () => host.Inference.PredictAsync(new PredictRequest { ModelId = "m", Inputs = huge }).ResponseAsync, StatusCode.ResourceExhausted, "Limits:MaxBatchRows"),
            ("Forward", () => host.Inference.ForwardAsync(new ForwardRequest { ModelId = "m", Inputs = huge }).ResponseAsync, StatusCode.ResourceExhausted, "Limits:MaxBatchRows"),
            ("Train", () => TrainAsync(host, new TrainRequest { ModelId = "m", Dataset = new Dataset { Features = huge } }), StatusCode.InvalidArgument, "dataset.features"),
            ("UploadDataset", () => UploadAsync(host, new UploadDatasetRequest { FeatureCount = 4, Features = huge }), StatusCode.InvalidArgument, "features"),
        };

        long before = GC.GetTotalAllocatedBytes(precise: true);
        foreach (var (name, call, expected, field) in calls)
        {
            var e = await Assert.ThrowsAsync<RpcException>(call);
            Assert.True(e.StatusCode == expected, $"{name}: {e.Status}");
            if (expected == StatusCode.InvalidArgument)
            {
                Assert.Contains(StatusDetails.FieldViolations(e), v => v.Field.StartsWith(field, StringComparison.Ordinal));
            }
            else
            {
                Assert.Contains(field, e.Status.Detail, StringComparison.Ordinal);
            }
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        // The whole process (server and client) allocated far less than one shape-sized buffer.
        Assert.True(allocated < 4 * Budget, $"{allocated} bytes allocated by {calls.Length} calls");
    }

    private static async Task TrainAsync(ServerHost host, TrainRequest request)
    {
        using var call = host.Training.Train(request);
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
        }
    }

    private static async Task UploadAsync(ServerHost host, UploadDatasetRequest chunk)
    {
        using var call = host.Training.UploadDataset();
        await call.RequestStream.WriteAsync(chunk);
        await call.RequestStream.CompleteAsync();
        await call.ResponseAsync;
    }
}
