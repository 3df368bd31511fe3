using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;

namespace DropoutService.Container.Tests.Infrastructure;

/// <summary>
/// An admin API key made for this test run, hashed in the server's documented format
/// (<c>sha256:&lt;salt&gt;:&lt;hex sha256 of salt + key&gt;</c>, docs/operations.md), written here
/// independently of the server's code: the container is configured with the hash, clients send the key.
/// </summary>
public static class TestApiKey
{
    public const string Name = "container-tests";

    public static readonly string Key = "dsk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static readonly string Hash = HashOf(Key);

    public static string HashOf(string key)
    {
        string salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return $"sha256:{salt}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + key)))}";
    }

    /// <summary>The key as configuration (environment variables of the container).</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["Auth__ApiKeys__0__Name"] = Name,
        ["Auth__ApiKeys__0__Hash"] = Hash,
        ["Auth__ApiKeys__0__Roles__0"] = "admin",
    };

    /// <summary>A keys file holding the key (for compose's secret).</summary>
    public static string WriteKeysFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"dropout-ct-keys-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { keys = new[] { new { name = Name, hash = Hash, roles = new[] { "admin" } } } }));
        // Read through a bind mount by the container's user (UID 1654).
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        return path;
    }

    /// <summary>A plaintext channel that sends the key with every call.</summary>
    public static GrpcChannel Channel(string address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = 64 * 1024 * 1024,
        MaxSendMessageSize = 64 * 1024 * 1024,
        Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", "Bearer " + Key);
            return Task.CompletedTask;
        })),
        // Plaintext to a container on this machine's loopback; over a network, use TLS.
        UnsafeUseInsecureChannelCallCredentials = true,
    });
}
