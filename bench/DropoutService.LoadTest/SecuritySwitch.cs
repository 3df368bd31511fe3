using DropoutService.Server.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

/// <summary>
/// <c>--security on|off</c> for the in-process server: "on" requires an API key (a keys file with
/// one key, which the client sends) and serves Prometheus metrics; "off" has neither. With
/// <c>--url</c>, <c>--api-key KEY</c> sends a key to an external server.
/// </summary>
internal static class SecuritySwitch
{
    /// <summary>Server arguments of the mode, and the key the client must send (null for off).</summary>
    public static (string[] Args, string? Key) Server(string mode, string directory)
    {
        if (mode == "off")
        {
            return (["--Metrics:Enabled=false"], null);
        }
        if (mode != "on")
        {
            throw new ArgumentException($"--security must be on or off, got '{mode}'");
        }
        string key = ApiKeyHash.NewKey();
        string file = Path.Combine(directory, "api-keys.json");
        Directory.CreateDirectory(directory);
        File.WriteAllText(file, $$"""{"keys": [{"name": "loadtest", "hash": "{{ApiKeyHash.Create(key)}}", "roles": ["admin"]}]}""");
        return ([$"--Auth:KeysFile={file}", "--Metrics:Enabled=true"], key);
    }

    /// <summary>The channel's invoker, sending <c>authorization: Bearer key</c> when there is a key.</summary>
    public static CallInvoker Invoker(GrpcChannel channel, string? key) =>
        key is null ? channel.CreateCallInvoker() : channel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + key);
            return metadata;
        });
}
