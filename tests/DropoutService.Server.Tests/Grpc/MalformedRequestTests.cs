using System.Text.Json;
using DropoutService.Api.V1;
using DropoutService.Server.Tests.Infrastructure;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Xunit.Abstractions;

namespace DropoutService.Server.Tests.Grpc;

/// <summary>
/// Bytes that are not a valid encoding of the request message, sent as real gRPC frames over a
/// loopback socket to a real server process, on every method of every service it maps (a table
/// built from the service descriptors): INVALID_ARGUMENT naming the message, exactly one call
/// event per call, no stack trace and no error event in the log, nothing created.
/// </summary>
public sealed class MalformedRequestTests(ITestOutputHelper output)
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);

    // Tag 0 (never valid); a length-delimited field 1 that claims more bytes than follow; a varint that never ends.
    private static readonly byte[][] Garbage = [[0x00], [0x0A, 0x05, 0x01], [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]];

    public static IEnumerable<MethodDescriptor> AllMethods() =>
        new[]
        {
            ModelServiceReflection.Descriptor, TrainingServiceReflection.Descriptor, InferenceServiceReflection.Descriptor,
            JobServiceReflection.Descriptor, global::Grpc.Health.V1.HealthReflection.Descriptor,
            global::Grpc.Reflection.V1Alpha.ReflectionReflection.Descriptor, global::Grpc.Reflection.V1.ReflectionReflection.Descriptor,
        }.SelectMany(f => f.Services).SelectMany(s => s.Methods);

    [Fact]
    public async Task EveryMethod_GarbageBytes_InvalidArgumentAndOneCallEventWithoutStackTrace()
    {
        var keys = new TestKeys(ServerHost.NewStoreDirectory());
        await using var server = LoggedServerProcess.Start(new Dictionary<string, string>
        {
            ["DROPOUT_LOG_FORMAT"] = "json",
            ["DROPOUT_AUTH__KEYSFILE"] = keys.FilePath,
        });
        await server.WaitServingAsync();
        using var admin = AuthChannel.WithKey(server.Address, keys.Admin);
        int before = server.Lines.Count;

        var methods = AllMethods().ToList();
        Assert.True(methods.Count >= 20, $"only {methods.Count} methods in the table");
        foreach (var method in methods)
        {
            foreach (byte[] payload in Garbage)
            {
                var e = await Assert.ThrowsAsync<RpcException>(() => Call(admin.Invoker, method, payload));
                Assert.True(e.StatusCode == StatusCode.InvalidArgument, $"{method.FullName} [{Convert.ToHexString(payload)}]: {e.Status}");
                Assert.StartsWith($"request is not a valid {method.InputType.FullName} message: ", e.Status.Detail, StringComparison.Ordinal);
            }
        }

        int expectedEvents = methods.Count * Garbage.Length;
        var lines = await server.WaitForLinesAsync(l => Events(l.Skip(before)).Count(e => Id(e) == 11) >= expectedEvents);
        var logged = lines.Skip(before).Where(l => l.Length > 0).ToList();
        foreach (string line in logged.Take(5))
        {
            output.WriteLine(line);
        }
        var events = Events(logged);
        Assert.Equal(logged.Count, events.Count); // every line a JSON event: no stack trace lines
        Assert.DoesNotContain(events, e => e.TryGetProperty("@x", out _)); // no exception rendered anywhere
        Assert.DoesNotContain(events, e => e.TryGetProperty("@l", out var level) && level.GetString() is "Error" or "Fatal");
        foreach (var method in methods)
        {
            string path = $"/{method.Service.FullName}/{method.Name}";
            var mine = events.Where(e => e.TryGetProperty("Method", out var m) && m.GetString() == path).ToList();
            Assert.True(mine.Count == Garbage.Length, $"{path}: {mine.Count} events for {Garbage.Length} calls");
            Assert.All(mine, e => Assert.Equal(11, Id(e)));
            Assert.All(mine, e => Assert.Equal("InvalidArgument", e.GetProperty("StatusCode").GetString()));
        }

        // Nothing was created and the server still serves well-formed calls.
        Assert.Empty((await admin.Models.ListModelsAsync(new ListModelsRequest())).Models);
        Assert.Empty((await admin.Training.ListDatasetsAsync(new ListDatasetsRequest())).Datasets);
    }

    /// <summary>One call of any shape with a raw payload; throws the call's RpcException.</summary>
    private static async Task Call(CallInvoker invoker, MethodDescriptor descriptor, byte[] payload)
    {
        var type = (descriptor.IsClientStreaming, descriptor.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (false, true) => MethodType.ServerStreaming,
            (true, false) => MethodType.ClientStreaming,
            _ => MethodType.DuplexStreaming,
        };
        var method = new Method<byte[], byte[]>(type, descriptor.Service.FullName, descriptor.Name, Raw, Raw);
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30));
        switch (type)
        {
            case MethodType.Unary:
                await invoker.AsyncUnaryCall(method, null, options, payload);
                break;
            case MethodType.ServerStreaming:
                using (var call = invoker.AsyncServerStreamingCall(method, null, options, payload))
                {
                    while (await call.ResponseStream.MoveNext(CancellationToken.None))
                    {
                    }
                }
                break;
            case MethodType.ClientStreaming:
                using (var call = invoker.AsyncClientStreamingCall(method, null, options))
                {
                    await WriteAsync(call.RequestStream, payload);
                    await call.ResponseAsync;
                }
                break;
            default:
                using (var call = invoker.AsyncDuplexStreamingCall(method, null, options))
                {
                    await WriteAsync(call.RequestStream, payload);
                    while (await call.ResponseStream.MoveNext(CancellationToken.None))
                    {
                    }
                }
                break;
        }
    }

    private static async Task WriteAsync(IClientStreamWriter<byte[]> stream, byte[] payload)
    {
        try
        {
            await stream.WriteAsync(payload);
            await stream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server may answer before the stream is completed; the call's status says why.
        }
    }

    private static List<JsonElement> Events(IEnumerable<string> lines) =>
        [.. lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private static int Id(JsonElement e) => e.TryGetProperty("EventId", out var id) && id.TryGetProperty("Id", out var n) ? n.GetInt32() : -1;
}
