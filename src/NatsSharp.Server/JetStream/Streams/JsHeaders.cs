using System.Text;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>Reads and writes the NATS/1.0 header blocks JetStream looks at (Nats-Msg-Id, Nats-Expected-*, Nats-Rollup).</summary>
internal static class JsHeaders
{
    public const string MsgId = "Nats-Msg-Id";
    public const string ExpectedStream = "Nats-Expected-Stream";
    public const string ExpectedLastSeq = "Nats-Expected-Last-Sequence";
    public const string ExpectedLastSubjectSeq = "Nats-Expected-Last-Subject-Sequence";
    public const string ExpectedLastMsgId = "Nats-Expected-Last-Msg-Id";
    public const string Rollup = "Nats-Rollup";
    public const string StreamSource = "Nats-Stream-Source";

    /// <summary>The value of <paramref name="name"/> (case-insensitive, as nats-server's getHeader is not; clients send these exact names), or null.</summary>
    public static string? Get(ReadOnlySpan<byte> header, string name)
    {
        if (header.IsEmpty)
        {
            return null;
        }

        string text = Encoding.UTF8.GetString(header);
        foreach (string line in text.Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Equals(name, StringComparison.Ordinal))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    /// <summary>A header block with <paramref name="extra"/> lines appended (a new block when <paramref name="header"/> is empty).</summary>
    public static byte[] Append(ReadOnlySpan<byte> header, string extra)
    {
        if (header.Length < 4)
        {
            return Encoding.UTF8.GetBytes("NATS/1.0\r\n" + extra + "\r\n\r\n");
        }

        byte[] add = Encoding.UTF8.GetBytes(extra + "\r\n");
        byte[] result = new byte[header.Length + add.Length];
        header[..^2].CopyTo(result);
        add.CopyTo(result.AsSpan(header.Length - 2));
        result[^2] = (byte)'\r';
        result[^1] = (byte)'\n';
        return result;
    }

    /// <summary>The header block without <paramref name="name"/>'s line (nats-server's removeHeaderIfPresent: null when nothing else is left).</summary>
    public static byte[]? Remove(byte[]? header, string name)
    {
        if (header is null || Get(header, name) is null)
        {
            return header;
        }

        string[] lines = Encoding.UTF8.GetString(header).Split("\r\n");
        var kept = lines.Where(l => !(l.StartsWith(name, StringComparison.Ordinal) && l.Length > name.Length && l[name.Length] == ':')).ToList();
        string text = string.Join("\r\n", kept);
        return text.Length <= "NATS/1.0\r\n\r\n".Length ? null : Encoding.UTF8.GetBytes(text);
    }
}
