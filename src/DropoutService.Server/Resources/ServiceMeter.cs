namespace DropoutService.Server.Resources;

/// <summary>
/// The metrics convention: every instrument is created through DI's <c>IMeterFactory</c> on one
/// meter, <see cref="Name"/>, and named <c>dropout.&lt;area&gt;.&lt;what&gt;</c> with UCUM units.
/// </summary>
public static class ServiceMeter
{
    public const string Name = "DropoutService";
}
