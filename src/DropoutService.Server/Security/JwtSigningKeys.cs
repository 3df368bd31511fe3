using System.Security.Cryptography;
using DropoutService.Server.Options;
using Microsoft.IdentityModel.Tokens;

namespace DropoutService.Server.Security;

/// <summary>The JWT verification keys configured in Auth:Jwt; each failure names its option.</summary>
public static class JwtSigningKeys
{
    /// <summary>Smallest HMAC key accepted, bytes (HS256 needs 256 bits).</summary>
    public const int MinimumSymmetricKeyBytes = 32;

    public static IReadOnlyList<SecurityKey> Load(JwtAuthOptions jwt)
    {
        var keys = new List<SecurityKey>();
        if (!string.IsNullOrWhiteSpace(jwt.SigningKey))
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(jwt.SigningKey.Trim());
            }
            catch (FormatException)
            {
                throw new InvalidDataException("Auth:Jwt:SigningKey is not base64");
            }
            if (bytes.Length < MinimumSymmetricKeyBytes)
            {
                throw new InvalidDataException($"Auth:Jwt:SigningKey has {bytes.Length} bytes; at least {MinimumSymmetricKeyBytes} are needed");
            }
            keys.Add(new SymmetricSecurityKey(bytes));
        }
        if (!string.IsNullOrWhiteSpace(jwt.SigningKeyFile))
        {
            keys.Add(LoadPublicKey(jwt.SigningKeyFile));
        }
        return keys;
    }

    private static SecurityKey LoadPublicKey(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"Auth:Jwt:SigningKeyFile '{path}' does not exist");
        }
        string pem = File.ReadAllText(path);
        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (ArgumentException)
        {
            // Not an RSA key: try EC.
        }
        try
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return new ECDsaSecurityKey(ec);
        }
        catch (ArgumentException)
        {
            throw new InvalidDataException($"Auth:Jwt:SigningKeyFile '{path}' holds no PEM RSA or EC public key");
        }
    }
}
