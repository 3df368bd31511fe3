using DropoutService.Api.V1;
using DropoutService.Server.Security;
using DropoutService.Server.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1;

namespace DropoutService.Server.Tests.Security;

/// <summary>
/// API keys over a real socket: one server with a keys file holding a predict, a train and an
/// admin key (re-read on every call), and model "m". Every refusal is UNAUTHENTICATED or
/// PERMISSION_DENIED with an ErrorInfo naming the reason.
/// </summary>
public sealed class ApiKeyAuthTests : IAsyncLifetime
{
    private TestKeys _keys = null!;
    private ServerHost _server = null!;

    public async Task InitializeAsync()
    {
        string dir = ServerHost.NewStoreDirectory();
        _keys = new TestKeys(dir);
        _server = await ServerHost.StartAsync(Path.Combine(dir, "store"), _keys.ServerArgs());
        using var admin = AuthChannel.WithKey(_server.Address, _keys.Admin);
        await admin.Models.CreateModelAsync(new CreateModelRequest { ModelId = RpcCalls.Model, Spec = Specs.Classifier(4, 3) });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string> Methods() => [.. RpcCalls.ByMethod.Keys];

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Call_NoCredentials_UnauthenticatedCredentialsMissing(string method)
    {
        using var anonymous = new AuthChannel(_server.Address);

        await AuthErrors.AssertRefused(() => RpcCalls.ByMethod[method](anonymous), StatusCode.Unauthenticated, AuthFailureReason.CredentialsMissing);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Call_EachRole_AllowedExactlyWhenTheRoleGrantsIt(string method)
    {
        string required = RpcPermissions.For(method).Role;
        foreach (var (role, key) in new[] { (Roles.Predict, _keys.Predict), (Roles.Train, _keys.Train), (Roles.Admin, _keys.Admin) })
        {
            using var client = AuthChannel.WithKey(_server.Address, key);
            if (Roles.Grants(role, required))
            {
                var code = await RpcCalls.StatusOf(RpcCalls.ByMethod[method], client);
                Assert.True(code is not (StatusCode.PermissionDenied or StatusCode.Unauthenticated), $"{role} key on {method}: {code}");
            }
            else
            {
                var info = await AuthErrors.AssertRefused(() => RpcCalls.ByMethod[method](client), StatusCode.PermissionDenied, AuthFailureReason.RoleRequired);
                Assert.Equal(required, info.Metadata["required_role"]);
            }
        }
    }

    [Fact]
    public void RoleFamilies_AreTheIssuesTable()
    {
        Assert.Equal(Roles.Predict, RpcPermissions.For("/dropout.v1.InferenceService/Predict").Role);
        Assert.Equal(Roles.Predict, RpcPermissions.For("/dropout.v1.InferenceService/Forward").Role);
        Assert.Equal(Roles.Predict, RpcPermissions.For("/dropout.v1.ModelService/GetServerInfo").Role);
        Assert.Equal(Roles.Train, RpcPermissions.For("/dropout.v1.InferenceService/Backward").Role);
        Assert.Equal(Roles.Train, RpcPermissions.For("/dropout.v1.TrainingService/ApplyGradients").Role);
        Assert.Equal(Roles.Train, RpcPermissions.For("/dropout.v1.ModelService/CreateModel").Role);
        Assert.Equal(Roles.Admin, RpcPermissions.For("/dropout.v1.ModelService/DeleteModel").Role);
        Assert.Equal(Roles.Admin, RpcPermissions.For("/dropout.v1.FutureService/Unlisted").Role);
    }

    [Theory]
    [InlineData("Bearer dsk_this-is-not-a-key-of-this-server-0123456789", AuthFailureReason.UnknownApiKey)]
    [InlineData("Basic dXNlcjpwYXNz", AuthFailureReason.MalformedHeader)]
    [InlineData("Bearer", AuthFailureReason.MalformedHeader)]
    [InlineData("Bearer a.b.c", AuthFailureReason.InvalidToken)]
    public async Task Call_BadCredentials_UnauthenticatedWithReason(string authorization, string reason)
    {
        using var client = new AuthChannel(_server.Address, authorization);

        await AuthErrors.AssertRefused(() => client.Models.ListModelsAsync(new ListModelsRequest()).ResponseAsync, StatusCode.Unauthenticated, reason);
    }

    [Fact]
    public async Task Refusal_ExistingAndMissingModel_SayTheSameThing()
    {
        using var anonymous = new AuthChannel(_server.Address);
        using var predictor = AuthChannel.WithKey(_server.Address, _keys.Predict);

        var existing = await Assert.ThrowsAsync<RpcException>(() => anonymous.Models.GetModelAsync(new GetModelRequest { ModelId = RpcCalls.Model }).ResponseAsync);
        var missing = await Assert.ThrowsAsync<RpcException>(() => anonymous.Models.GetModelAsync(new GetModelRequest { ModelId = "no-such-model" }).ResponseAsync);
        var deleteExisting = await Assert.ThrowsAsync<RpcException>(() => predictor.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = RpcCalls.Model }).ResponseAsync);
        var deleteMissing = await Assert.ThrowsAsync<RpcException>(() => predictor.Models.DeleteModelAsync(new DeleteModelRequest { ModelId = "no-such-model" }).ResponseAsync);

        Assert.Equal(existing.Status, missing.Status);
        Assert.Equal(AuthErrors.Info(existing), AuthErrors.Info(missing));
        Assert.Equal(deleteExisting.Status, deleteMissing.Status);
        Assert.Equal(AuthErrors.Info(deleteExisting), AuthErrors.Info(deleteMissing));
        // And the model is still there.
        Assert.Equal(RpcCalls.Model, (await predictor.Models.GetModelAsync(new GetModelRequest { ModelId = RpcCalls.Model })).Model.Id);
    }

    [Fact]
    public async Task KeysFile_RevokedExpiredAndAddedKeys_TakeEffectWithoutRestart()
    {
        string key = _keys.Add("rotating", Roles.Predict);
        string expired = _keys.Add("expired", Roles.Predict, expires: DateTimeOffset.UtcNow.AddMinutes(-1));
        _keys.Write();
        using var client = AuthChannel.WithKey(_server.Address, key);
        using var late = AuthChannel.WithKey(_server.Address, expired);

        var before = await client.Models.ListModelsAsync(new ListModelsRequest());
        await AuthErrors.AssertRefused(() => late.Models.ListModelsAsync(new ListModelsRequest()).ResponseAsync, StatusCode.Unauthenticated, AuthFailureReason.ExpiredApiKey);
        _keys.Revoke("rotating");

        Assert.Contains(before.Models, m => m.Id == RpcCalls.Model);
        await AuthErrors.AssertRefused(() => client.Models.ListModelsAsync(new ListModelsRequest()).ResponseAsync, StatusCode.Unauthenticated, AuthFailureReason.RevokedApiKey);
    }

    [Fact]
    public async Task KeysFile_BrokenOnReload_PreviousKeysStayInForce()
    {
        string path = _keys.FilePath;
        string good = await File.ReadAllTextAsync(path);
        using var client = AuthChannel.WithKey(_server.Address, _keys.Predict);
        try
        {
            await File.WriteAllTextAsync(path, "{ not json");
            var reply = await client.Models.ListModelsAsync(new ListModelsRequest());
            Assert.Contains(reply.Models, m => m.Id == RpcCalls.Model);
        }
        finally
        {
            _keys.Write();
        }
        Assert.Equal(good.Length > 0, (await File.ReadAllTextAsync(path)).Length > 0);
    }

    [Fact]
    public async Task HealthAndReflection_NoCredentials_Answer()
    {
        using var anonymous = new AuthChannel(_server.Address);

        var health = await anonymous.Health.CheckAsync(new HealthCheckRequest { Service = "dropout.v1.ModelService" });
        var reflection = new ServerReflection.ServerReflectionClient(anonymous.Invoker);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Contains("dropout.v1.ModelService", call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
    }

    [Fact]
    public async Task GetServerInfo_AdminSeesLibraryDetails_OthersTheBackendName()
    {
        using var predictor = AuthChannel.WithKey(_server.Address, _keys.Predict);
        using var admin = AuthChannel.WithKey(_server.Address, _keys.Admin);

        var forPredictor = await predictor.Models.GetServerInfoAsync(new GetServerInfoRequest());
        var forAdmin = await admin.Models.GetServerInfoAsync(new GetServerInfoRequest());

        Assert.Equal(forAdmin.BlasBackend, forPredictor.BlasBackend);
        Assert.Equal(forPredictor.BlasBackend, forPredictor.BlasDescription);
        Assert.DoesNotContain("/", forPredictor.BlasDescription, StringComparison.Ordinal);
        Assert.Equal(DropoutService.Engine.Kernels.Blas.Default.Description, forAdmin.BlasDescription);
    }
}
