namespace DropoutService.Server.Security;

/// <summary>
/// The three roles, each including the ones before it: <c>predict</c> (Predict, Forward, reads,
/// GetServerInfo), <c>train</c> (+ CreateModel, Train, uploads, ApplyGradients, Backward: gradients
/// reveal more than predictions), <c>admin</c> (+ DeleteModel, others' jobs, server details).
/// </summary>
public static class Roles
{
    public const string Predict = "predict";
    public const string Train = "train";
    public const string Admin = "admin";

    /// <summary>Weakest first.</summary>
    public static readonly IReadOnlyList<string> All = [Predict, Train, Admin];

    /// <summary>The claim type of roles in the principals the server builds.</summary>
    public const string ClaimType = "dropout.role";

    /// <summary>The claim type of the caller's name.</summary>
    public const string NameClaimType = "dropout.name";

    public static bool IsKnown(string role) => Rank(role) >= 0;

    /// <summary>Whether holding <paramref name="held"/> grants <paramref name="required"/>.</summary>
    public static bool Grants(string held, string required) => Rank(held) >= Rank(required) && Rank(required) >= 0;

    private static int Rank(string role) => role switch
    {
        Predict => 0,
        Train => 1,
        Admin => 2,
        _ => -1,
    };
}
