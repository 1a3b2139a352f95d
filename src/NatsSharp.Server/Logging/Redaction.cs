using System.Text.RegularExpressions;

namespace NatsSharp.Server.Logging;

/// <summary>Keeps secrets out of trace lines: CONNECT passwords become [REDACTED], as in nats-server.</summary>
internal static partial class Redaction
{
    public static string RedactPassword(string connectLine) =>
        PassField().Replace(connectLine, "$1\"[REDACTED]\"");

    [GeneratedRegex("(\"pass\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"", RegexOptions.IgnoreCase)]
    private static partial Regex PassField();
}
