using System.Text.Json;
using DropoutService.Server.Security;

namespace DropoutService.Server.Tests.Infrastructure;

/// <summary>API keys made for a test: one per role, written to a keys file in the server's format.</summary>
public sealed class TestKeys
{
    private readonly List<object> _entries = [];

    public TestKeys(string directory)
    {
        FilePath = Path.Combine(directory, "api-keys.json");
        Predict = Add("predictor", Roles.Predict);
        Train = Add("trainer", Roles.Train);
        Admin = Add("operator", Roles.Admin);
        Write();
    }

    public string FilePath { get; }

    public string Predict { get; }

    public string Train { get; }

    public string Admin { get; }

    /// <summary>Adds a key (optionally revoked or expiring) and returns it; call <see cref="Write"/> to publish.</summary>
    public string Add(string name, string role, bool revoked = false, DateTimeOffset? expires = null)
    {
        string key = ApiKeyHash.NewKey();
        _entries.Add(new { name, hash = ApiKeyHash.Create(key), roles = new[] { role }, revoked, expires });
        return key;
    }

    /// <summary>Replaces the file atomically (write, rename), as an operator or a Kubernetes secret update would.</summary>
    public void Write()
    {
        string temp = FilePath + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new { keys = _entries }));
        File.Move(temp, FilePath, overwrite: true);
    }

    /// <summary>Marks the named key revoked (rewrites the file).</summary>
    public void Revoke(string name)
    {
        for (int i = 0; i < _entries.Count; i++)
        {
            var json = JsonSerializer.SerializeToElement(_entries[i]);
            if (json.GetProperty("name").GetString() == name)
            {
                _entries[i] = new
                {
                    name,
                    hash = json.GetProperty("hash").GetString(),
                    roles = json.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ToArray(),
                    revoked = true,
                    expires = (DateTimeOffset?)null,
                };
            }
        }
        Write();
    }

    /// <summary>Server arguments: the keys file, checked for changes on every call.</summary>
    public string[] ServerArgs() => [$"--Auth:KeysFile={FilePath}", "--Auth:KeysReloadSeconds=0"];
}
