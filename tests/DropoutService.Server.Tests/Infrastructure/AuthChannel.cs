using System.Security.Cryptography.X509Certificates;
using DropoutService.Api.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>A client of a test server with chosen credentials: an authorization header and/or a client certificate.</summary>
public sealed class AuthChannel : IDisposable
{
    private readonly GrpcChannel _channel;

    public AuthChannel(string address, string? authorization = null, X509Certificate2? clientCertificate = null, X509Certificate2? trustedCa = null)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            trustedCa is null || ChainsTo(new X509Certificate2(certificate!), trustedCa);
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        CallInvoker invoker = _channel.CreateCallInvoker();
        if (authorization is not null)
        {
            invoker = invoker.Intercept(metadata =>
            {
                metadata.Add("authorization", authorization);
                return metadata;
            });
        }
        Models = new ModelService.ModelServiceClient(invoker);
        Training = new TrainingService.TrainingServiceClient(invoker);
        Inference = new InferenceService.InferenceServiceClient(invoker);
        Health = new Health.HealthClient(invoker);
        Invoker = invoker;
    }

    /// <summary>A client sending <c>authorization: Bearer &lt;key&gt;</c>.</summary>
    public static AuthChannel WithKey(string address, string key) => new(address, "Bearer " + key);

    public CallInvoker Invoker { get; }

    public ModelService.ModelServiceClient Models { get; }

    public TrainingService.TrainingServiceClient Training { get; }

    public InferenceService.InferenceServiceClient Inference { get; }

    public Health.HealthClient Health { get; }

    public void Dispose() => _channel.Dispose();

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
