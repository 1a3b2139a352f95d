using System.Text;
using System.Text.RegularExpressions;

namespace NatsSharp.Server.Logging;

/// <summary>
/// Keeps secrets out of trace lines. nats-server redacts the CONNECT password of every
/// connection kind; we also redact tokens, nonce signatures and JWTs, on every connection kind
/// (client, websocket, route, leafnode).
/// </summary>
internal static partial class Redaction
{
    /// <summary>An incoming control line as it may be traced: a CONNECT with its secrets replaced by [REDACTED].</summary>
    public static string TraceableLine(ReadOnlySpan<byte> line)
    {
        string text = Encoding.UTF8.GetString(line);
        return text.StartsWith("CONNECT", StringComparison.OrdinalIgnoreCase) ? RedactSecrets(text) : text;
    }

    public static string RedactSecrets(string connectLine) =>
        SecretField().Replace(connectLine, "$1\"[REDACTED]\"");

    [GeneratedRegex("(\"(?:pass|password|auth_token|sig|jwt)\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"", RegexOptions.IgnoreCase)]
    private static partial Regex SecretField();
}
