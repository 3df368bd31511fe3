namespace DropoutService.Server.Security;

/// <summary>The failure of an authentication handler, with the reason reported to the caller and counted.</summary>
public sealed class AuthenticationFailureException(string reason, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>One of <see cref="AuthFailureReason"/>.</summary>
    public string Reason { get; } = reason;
}
