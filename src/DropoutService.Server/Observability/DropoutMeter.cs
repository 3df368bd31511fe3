namespace DropoutService.Server.Observability;

/// <summary>
/// The server's meter and activity source name. Every instrument is created from
/// <c>IMeterFactory.Create(DropoutMeter.Name)</c>, named <c>dropout.&lt;area&gt;.&lt;what&gt;</c> with
/// UCUM units; <see cref="TelemetryServiceCollectionExtensions"/> exports this meter.
/// </summary>
public static class DropoutMeter
{
    public const string Name = "DropoutService";
}
