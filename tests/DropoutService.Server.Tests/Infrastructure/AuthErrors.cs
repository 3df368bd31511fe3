using Google.Rpc;
using Grpc.Core;

namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>Reads the google.rpc.ErrorInfo of an auth failure.</summary>
public static class AuthErrors
{
    public static ErrorInfo Info(RpcException e) =>
        e.GetRpcStatus()?.GetDetail<ErrorInfo>() ?? throw new Xunit.Sdk.XunitException($"{e.StatusCode} without an ErrorInfo detail: {e.Status.Detail}");

    /// <summary>Asserts code, reason and the domain of an auth failure; returns the ErrorInfo.</summary>
    public static async Task<ErrorInfo> AssertRefused(Func<Task> call, StatusCode code, string reason)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, e.StatusCode);
        var info = Info(e);
        Assert.Equal(reason, info.Reason);
        Assert.Equal(DropoutService.Server.Security.AuthFailureReason.Domain, info.Domain);
        return info;
    }
}
