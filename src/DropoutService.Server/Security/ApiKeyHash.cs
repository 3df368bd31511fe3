using System.Security.Cryptography;
using System.Text;

namespace DropoutService.Server.Security;

/// <summary>
/// Stored form of an API key: <c>sha256:&lt;salt&gt;:&lt;digest&gt;</c>, digest = hex SHA-256 of the
/// UTF-8 bytes of salt (16 random bytes as hex) followed by the key. Keys are 256-bit random
/// strings (<see cref="NewKey"/>), so a salted fast hash cannot be reversed or brute-forced and
/// checking one costs a microsecond per call; passwords chosen by people are not accepted.
/// The same hash is <c>printf '%s%s' "$salt" "$key" | sha256sum</c> (deploy/new-api-key.sh).
/// </summary>
public static class ApiKeyHash
{
    public const string Prefix = "sha256:";

    /// <summary>Shortest key accepted by <see cref="Create"/>: a guessable secret must not be stored as a fast hash.</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>A new key: <c>dsk_</c> and 43 base64url characters (32 random bytes).</summary>
    public static string NewKey() => "dsk_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of <paramref name="key"/>, with a new random salt.</summary>
    public static string Create(string key)
    {
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException($"an API key must have at least {MinimumKeyLength} characters (use --new-key to make one)", nameof(key));
        }
        string salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return $"{Prefix}{salt}:{Digest(salt, key)}";
    }

    /// <summary>Parses a stored hash into salt and digest bytes; false when it is not in the format.</summary>
    public static bool TryParse(string stored, out string salt, out byte[] digest)
    {
        salt = "";
        digest = [];
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        string[] parts = stored[Prefix.Length..].Split(':');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length != 64)
        {
            return false;
        }
        try
        {
            digest = Convert.FromHexString(parts[1]);
        }
        catch (FormatException)
        {
            return false;
        }
        salt = parts[0];
        return true;
    }

    /// <summary>Whether <paramref name="key"/> hashes to <paramref name="digest"/> with <paramref name="salt"/> (constant time).</summary>
    public static bool Matches(string key, string salt, ReadOnlySpan<byte> digest)
    {
        int length = Encoding.UTF8.GetMaxByteCount(salt.Length + key.Length);
        byte[]? rented = length > 512 ? System.Buffers.ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> buffer = rented ?? stackalloc byte[512];
        try
        {
            int n = Encoding.UTF8.GetBytes(salt, buffer);
            n += Encoding.UTF8.GetBytes(key, buffer[n..]);
            Span<byte> actual = stackalloc byte[32];
            SHA256.HashData(buffer[..n], actual);
            return CryptographicOperations.FixedTimeEquals(actual, digest);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    private static string Digest(string salt, string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + key)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
