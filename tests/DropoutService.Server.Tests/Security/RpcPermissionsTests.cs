using System.Reflection;
using DropoutService.Server.Security;
using Google.Protobuf.Reflection;

namespace DropoutService.Server.Tests.Security;

/// <summary>
/// Every method of the dropout.v1 contract has an explicit role: a new RPC must be placed in
/// <see cref="RpcPermissions"/> (until then it needs admin), and the table names no method that
/// does not exist.
/// </summary>
public sealed class RpcPermissionsTests
{
    private static IReadOnlyList<string> ContractMethods()
    {
        var assembly = typeof(DropoutService.Api.V1.ModelService).Assembly;
        var files = assembly.GetTypes()
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(p => p?.PropertyType == typeof(FileDescriptor))
            .Select(p => (FileDescriptor)p!.GetValue(null)!)
            .Where(f => f.Package == "dropout.v1")
            .Distinct();
        return [.. files.SelectMany(f => f.Services).SelectMany(s => s.Methods).Select(m => $"/{m.Service.FullName}/{m.Name}").Distinct().Order()];
    }

    [Fact]
    public void EveryContractMethod_IsListed()
    {
        var methods = ContractMethods();

        Assert.True(methods.Count >= 12, $"found only {methods.Count} methods: the descriptor scan is broken");
        Assert.All(methods, m => Assert.True(RpcPermissions.IsListed(m), $"{m} has no explicit role in Security/RpcPermissions.cs"));
    }

    [Fact]
    public void EveryListedMethod_ExistsInTheContract()
    {
        var methods = ContractMethods().ToHashSet();

        Assert.All(RpcPermissions.Listed, m => Assert.Contains(m, methods));
    }

    [Fact]
    public void StateChangingMethods_AreAuditedAndNeedMoreThanPredict()
    {
        Assert.All(RpcPermissions.Listed.Where(m => RpcPermissions.For(m).ChangesState),
            m => Assert.NotEqual(Roles.Predict, RpcPermissions.For(m).Role));
        Assert.True(RpcPermissions.For("/dropout.v1.ModelService/DeleteModel").ChangesState);
        Assert.False(RpcPermissions.For("/dropout.v1.InferenceService/Backward").ChangesState);
    }
}
