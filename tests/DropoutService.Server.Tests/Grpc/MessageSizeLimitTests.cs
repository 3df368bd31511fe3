using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;

namespace DropoutService.Server.Tests.Grpc;

/// <summary>
/// Limits:MaxMessageBytes is the real request limit on a real loopback socket, for unary,
/// server-streaming and client-streaming calls: a message of exactly the limit is read (the call
/// gets its ordinary answer), one byte more is RESOURCE_EXHAUSTED; and Kestrel's 30,000,000-byte
/// default body limit no longer cuts below a larger configured limit.
/// </summary>
public sealed class MessageSizeLimitTests
{
    private const int SmallLimit = 2 * 1024 * 1024;
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);
    private static readonly Method<byte[], byte[]> GetModel = new(MethodType.Unary, "dropout.v1.ModelService", "GetModel", Raw, Raw);
    private static readonly Method<byte[], byte[]> WatchJob = new(MethodType.ServerStreaming, "dropout.v1.JobService", "WatchJob", Raw, Raw);
    private static readonly Method<byte[], byte[]> UploadDataset = new(MethodType.ClientStreaming, "dropout.v1.TrainingService", "UploadDataset", Raw, Raw);

    [Fact]
    public async Task SmallLimit_ExactlyTheLimitIsRead_OneByteMoreIsResourceExhausted()
    {
        await using var host = await ServerHost.StartAsync(null, $"--Limits:MaxMessageBytes={SmallLimit}");
        var invoker = host.Channel.CreateCallInvoker();

        // Unary: GetModel of an absent model, padded with an unknown field.
        Assert.Equal(StatusCode.NotFound, await UnaryStatus(invoker, Padded(0x0A, "absent", SmallLimit)));
        Assert.Equal(StatusCode.ResourceExhausted, await UnaryStatus(invoker, Padded(0x0A, "absent", SmallLimit + 1)));

        // Server streaming: WatchJob of an absent job.
        Assert.Equal(StatusCode.NotFound, await ServerStreamingStatus(invoker, Padded(0x0A, "absent", SmallLimit)));
        Assert.Equal(StatusCode.ResourceExhausted, await ServerStreamingStatus(invoker, Padded(0x0A, "absent", SmallLimit + 1)));

        // Client streaming: an upload whose only chunk has no rows is refused for that (INVALID_ARGUMENT), not for its size.
        var atLimit = await ClientStreamingStatus(invoker, Padded(0x08, null, SmallLimit));
        Assert.True(atLimit == StatusCode.InvalidArgument, $"upload of exactly the limit: {atLimit}");
        Assert.Equal(StatusCode.ResourceExhausted, await ClientStreamingStatus(invoker, Padded(0x08, null, SmallLimit + 1)));
    }

    [Fact]
    public async Task LimitAboveKestrelDefault_31MegabyteRequest_IsRead()
    {
        await using var host = await ServerHost.StartAsync(null, $"--Limits:MaxMessageBytes={64 * 1024 * 1024}");
        var invoker = host.Channel.CreateCallInvoker();
        byte[] request = Padded(0x0A, "absent", 31_000_000);

        Assert.Equal(StatusCode.NotFound, await UnaryStatus(invoker, request));
        Assert.Equal(StatusCode.NotFound, await ServerStreamingStatus(invoker, request));
    }

    /// <summary>
    /// A message of exactly <paramref name="size"/> bytes: field 1 (a string, or the varint 1 when
    /// <paramref name="text"/> is null) followed by unknown field 1000 as padding (parsers keep
    /// unknown fields, so the message is valid whatever its size).
    /// </summary>
    private static byte[] Padded(byte firstTag, string? text, int size)
    {
        var head = new List<byte> { firstTag };
        if (text is null)
        {
            head.Add(1);
        }
        else
        {
            head.Add((byte)text.Length);
            head.AddRange(System.Text.Encoding.ASCII.GetBytes(text));
        }
        head.AddRange([0xC2, 0x3E]); // tag of field 1000, wire type 2
        for (int lengthBytes = 1; lengthBytes <= 5; lengthBytes++)
        {
            int padding = size - head.Count - lengthBytes;
            if (Varint(padding).Length == lengthBytes)
            {
                byte[] message = [.. head, .. Varint(padding), .. new byte[padding]];
                Assert.Equal(size, message.Length);
                return message;
            }
        }
        throw new InvalidOperationException($"no padding gives {size} bytes");
    }

    private static byte[] Varint(int value)
    {
        var bytes = new List<byte>();
        uint v = (uint)value;
        while (v >= 0x80)
        {
            bytes.Add((byte)(v | 0x80));
            v >>= 7;
        }
        bytes.Add((byte)v);
        return [.. bytes];
    }

    private static CallOptions Options() => new(deadline: DateTime.UtcNow.AddSeconds(60));

    private static async Task<StatusCode> UnaryStatus(CallInvoker invoker, byte[] request)
    {
        try
        {
            await invoker.AsyncUnaryCall(GetModel, null, Options(), request);
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private static async Task<StatusCode> ServerStreamingStatus(CallInvoker invoker, byte[] request)
    {
        try
        {
            using var call = invoker.AsyncServerStreamingCall(WatchJob, null, Options(), request);
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private static async Task<StatusCode> ClientStreamingStatus(CallInvoker invoker, byte[] request)
    {
        using var call = invoker.AsyncClientStreamingCall(UploadDataset, null, Options());
        try
        {
            await call.RequestStream.WriteAsync(request);
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // Answered before the stream was completed; the call's status says why.
        }
        try
        {
            await call.ResponseAsync;
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
