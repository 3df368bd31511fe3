using System.Text.RegularExpressions;
using DropoutService.Server.Errors;

namespace DropoutService.Server.Models;

/// <summary>Model ids: <c>[a-z][a-z0-9-]{0,62}</c>. Checked before any path is built from one.</summary>
public static partial class ModelId
{
    public const string Rule = "must match [a-z][a-z0-9-]{0,62} (lowercase letter first, then lowercase letters, digits or '-', at most 63 characters)";

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    /// <summary>Throws INVALID_ARGUMENT naming <paramref name="field"/> when the id is not valid.</summary>
    public static string Validate(string? id, string field = "model_id")
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new RequestValidationException(field, "is required");
        }
        if (!IsValid(id))
        {
            throw new RequestValidationException(field, $"'{Truncate(id)}' {Rule}");
        }
        return id;
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";

    [GeneratedRegex(@"^[a-z][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
