using Serilog.Core;
using Serilog.Events;

namespace DropoutService.Server.Logging;

/// <summary>
/// The safety net under every event, whoever logs it (our events, ASP.NET Core, gRPC): string
/// properties are escaped and bounded by <see cref="LogText"/> before any sink renders them, so
/// no property can start a new line, write an ESC byte or grow without bound, in console or JSON.
/// </summary>
public sealed class SanitizingEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? replaced = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (value is ScalarValue { Value: string text } && (text.Length > LogText.PropertyLength || LogText.NeedsControlEscape(text)))
            {
                (replaced ??= []).Add(new LogEventProperty(name, new ScalarValue(LogText.EscapeControls(text, LogText.PropertyLength))));
            }
        }
        if (replaced is null)
        {
            return;
        }
        foreach (var property in replaced)
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }
}
