using System.Text.Json;
using DropoutService.Server.Options;

namespace DropoutService.Server.Security;

/// <summary>Reads and checks API key entries: the keys file (<c>{"keys": [...]}</c>) and configured entries.</summary>
public static class ApiKeyFile
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The entries of a keys file; throws <see cref="InvalidDataException"/> naming the file and the problem.</summary>
    public static IReadOnlyList<ApiKeyRecord> Load(string path)
    {
        KeysDocument? document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonSerializer.Deserialize<KeysDocument>(stream, s_json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Auth:KeysFile '{path}' is not valid JSON: {e.Message}", e);
        }
        return ToRecords(document?.Keys ?? [], $"Auth:KeysFile '{path}'");
    }

    /// <summary>Checks entries (name, hash format, roles) and converts them; <paramref name="source"/> names where they came from.</summary>
    public static IReadOnlyList<ApiKeyRecord> ToRecords(IReadOnlyList<ApiKeyEntry> entries, string source)
    {
        var records = new List<ApiKeyRecord>(entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            string where = $"{source} key {i}";
            if (string.IsNullOrWhiteSpace(e.Name))
            {
                throw new InvalidDataException($"{where}: name is required");
            }
            if (!ApiKeyHash.TryParse(e.Hash ?? "", out string salt, out byte[] digest))
            {
                throw new InvalidDataException($"{where} ('{e.Name}'): hash must be sha256:<salt>:<64 hex digits> (make one with --new-key or --hash-key)");
            }
            foreach (string role in e.Roles)
            {
                if (!Roles.IsKnown(role))
                {
                    throw new InvalidDataException($"{where} ('{e.Name}'): unknown role '{role}' (roles: {string.Join(", ", Roles.All)})");
                }
            }
            records.Add(new ApiKeyRecord(e.Name, salt, digest, [.. e.Roles], e.Expires, e.Revoked, source));
        }
        return records;
    }

    private sealed class KeysDocument
    {
        public List<ApiKeyEntry> Keys { get; set; } = [];
    }
}
