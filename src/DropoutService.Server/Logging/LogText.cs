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

    /// <summary>Escapes and bounds caller-supplied text (backslashes doubled, so an escape in the input cannot pass for ours).</summary>
    public static string? Escape(string? value, int maxLength) => Escape(value, maxLength, escapeBackslash: true);

    /// <summary>
    /// Escapes control characters and bounds the length, leaving backslashes alone: for text that
    /// may already have been escaped by <see cref="Escape(string?, int)"/> (the global enricher).
    /// </summary>
    public static string? EscapeControls(string? value, int maxLength) => Escape(value, maxLength, escapeBackslash: false);

    public static bool NeedsEscape(string value) => NeedsEscape(value, escapeBackslash: true);

    public static bool NeedsControlEscape(string value) => NeedsEscape(value, escapeBackslash: false);

    private static string? Escape(string? value, int maxLength, bool escapeBackslash)
    {
        if (value is null)
        {
            return null;
        }
        if (value.Length <= maxLength && !NeedsEscape(value, escapeBackslash))
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
                case '\\' when escapeBackslash: sb.Append(@"\\"); break;
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

    private static bool NeedsEscape(string value, bool escapeBackslash)
    {
        foreach (char c in value)
        {
            if ((escapeBackslash && c == '\\') || IsUnsafe(c))
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
