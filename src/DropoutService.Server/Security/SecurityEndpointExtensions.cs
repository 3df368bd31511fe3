using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authorization;

namespace DropoutService.Server.Security;

/// <summary>Applies <see cref="RpcPermissions"/> to mapped gRPC services as authorisation metadata, one policy per method.</summary>
public static class SecurityEndpointExtensions
{
    public static GrpcServiceEndpointConventionBuilder RequireRpcPermissions(this GrpcServiceEndpointConventionBuilder builder)
    {
        builder.Add(endpoint =>
        {
            var grpc = endpoint.Metadata.OfType<GrpcMethodMetadata>().FirstOrDefault();
            if (grpc is null)
            {
                return;
            }
            string role = RpcPermissions.For(grpc.Method.FullName).Role;
            endpoint.Metadata.Add(new AuthorizeAttribute(RoleRequirement.PolicyName(role)));
        });
        return builder;
    }
}
