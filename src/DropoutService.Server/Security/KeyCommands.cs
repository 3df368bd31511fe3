using System.Text.Json;

namespace DropoutService.Server.Security;

/// <summary>
/// Command-line tools for API keys, run instead of the server:
/// <c>--new-key NAME [ROLE...]</c> prints a new random key (shown once) and its keys-file entry;
/// <c>--hash-key</c> reads a key from standard input and prints its salted hash.
/// </summary>
public static class KeyCommands
{
    public const string NewKeyFlag = "--new-key";
    public const string HashKeyFlag = "--hash-key";

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] is NewKeyFlag or HashKeyFlag;

    public static int Run(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        try
        {
            return args[0] == NewKeyFlag ? NewKey(args[1..], output, error) : HashKey(input, output);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private static int NewKey(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            error.WriteLine($"usage: {NewKeyFlag} NAME [predict|train|admin ...]   (default role: predict)");
            return 2;
        }
        string name = args[0];
        string[] roles = args.Length > 1 ? args[1..] : [Roles.Predict];
        foreach (string role in roles)
        {
            if (!Roles.IsKnown(role))
            {
                throw new ArgumentException($"unknown role '{role}' (roles: {string.Join(", ", Roles.All)})");
            }
        }
        string key = ApiKeyHash.NewKey();
        var entry = new { name, hash = ApiKeyHash.Create(key), roles };
        output.WriteLine($"key:   {key}");
        output.WriteLine($"entry: {JsonSerializer.Serialize(entry)}");
        error.WriteLine("Give the key to its user (it is not stored anywhere); put the entry in the keys file's \"keys\" list.");
        return 0;
    }

    private static int HashKey(TextReader input, TextWriter output)
    {
        string key = (input.ReadLine() ?? "").Trim();
        output.WriteLine(ApiKeyHash.Create(key));
        return 0;
    }
}
