using System.Globalization;
using System.Text;

namespace DropoutService.Server.Logging;

/// <summary>
/// Makes caller-supplied text safe to log in every format: control characters (newlines, ESC of
/// ANSI sequences, C1 controls), Unicode line separators and bidirectional overrides are escaped
/// (<c>\n</c>, <c>\u001b</c>), backslashes doubled so an escape cannot be forged, and the text is cut
/// to a bound so one call cannot write megabytes of log.
/// </summary>
public static class LogText
{
    /// <summary>Longest model id kept in a log event (valid ids have at most 63 characters).</summary>
    public const int IdLength = 100;

    /// <summary>Longest status detail kept in a log event.</summary>
    public const int DetailLength = 1024;

    /// <summary>Bound on any string property (the global safety net of <see cref="SanitizingEnricher"/>).</summary>
    public const int PropertyLength = 4096;

    public static string? Escape(string? value, int maxLength)
    {
        if (value is null)
        {
            return null;
        }
        if (value.Length <= maxLength && !NeedsEscape(value))
        {
            return value;
        }
        var sb = new StringBuilder(Math.Min(value.Length, maxLength) + 16);
        int kept = Math.Min(value.Length, maxLength);
        for (int i = 0; i < kept; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                default:
                    if (IsUnsafe(c))
                    {
                        sb.Append(@"\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        if (value.Length > maxLength)
        {
            sb.Append("…[+").Append((value.Length - maxLength).ToString(CultureInfo.InvariantCulture)).Append(" chars]");
        }
        return sb.ToString();
    }

    public static bool NeedsEscape(string value)
    {
        foreach (char c in value)
        {
            if (c == '\\' || IsUnsafe(c))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsUnsafe(char c) =>
        c < 0x20 || (c >= 0x7F && c <= 0x9F)
        || c is '\u2028' or '\u2029' or '\u061C' or '\u200E' or '\u200F'
        || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
}
