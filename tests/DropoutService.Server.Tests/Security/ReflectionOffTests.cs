using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Reflection.V1;

namespace DropoutService.Server.Tests.Security;

public sealed class ReflectionOffTests
{
    [Fact]
    public async Task Reflection_TurnedOff_Unimplemented()
    {
        await using var server = await ServerHost.StartAsync(null, "--Server:Reflection=false");
        var reflection = new ServerReflection.ServerReflectionClient(server.Channel);

        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = reflection.ServerReflectionInfo();
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
            await call.RequestStream.CompleteAsync();
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });

        Assert.Equal(StatusCode.Unimplemented, e.StatusCode);
    }
}
