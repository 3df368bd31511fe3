using System.Text.RegularExpressions;

namespace DropoutService.Server.Jobs;

/// <summary>Job ids: <c>job-</c> and 32 lowercase hex digits; request ids: 1 to 128 of <c>[A-Za-z0-9._:-]</c>.</summary>
public static partial class JobIds
{
    public static string New() => "job-" + Guid.NewGuid().ToString("N");

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    public static bool IsValidRequestId(string? id) => id is not null && RequestPattern().IsMatch(id);

    [GeneratedRegex(@"^job-[0-9a-f]{32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RequestPattern();
}
