using System.Text;

namespace NatsSharp.Server.Accounts;

/// <summary>
/// The <c>Nats-Request-Info</c> header nats-server 2.10 puts on a request that crosses a service import:
/// the requester's client info as JSON, so the service (the system account's <c>USER.INFO</c>) knows
/// who asked. A header of that name the requester sent itself is replaced, so it cannot pose as another.
/// </summary>
internal static class RequestInfoHeader
{
    public const string Name = "Nats-Request-Info";

    private static ReadOnlySpan<byte> NameColon => "Nats-Request-Info:"u8;

    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    /// <summary>The message with the header set to <paramref name="json"/>; <paramref name="headerSize"/> becomes the new header block's length.</summary>
    public static byte[] Set(ReadOnlySpan<byte> message, ref int headerSize, ReadOnlySpan<byte> json)
    {
        ReadOnlySpan<byte> header = message[..headerSize];
        ReadOnlySpan<byte> payload = message[headerSize..];
        var block = new List<byte>(headerSize + json.Length + 48);
        if (header.IsEmpty)
        {
            block.AddRange("NATS/1.0\r\n"u8);
        }
        else
        {
            // Keep the status line and every header but ours; the blank line that ends the block comes last.
            bool first = true;
            foreach (Range line in Lines(header))
            {
                ReadOnlySpan<byte> text = header[line];
                if (text.IsEmpty || (!first && StartsWithName(text)))
                {
                    first = false;
                    continue;
                }

                first = false;
                block.AddRange(text);
                block.AddRange(Crlf);
            }
        }

        block.AddRange(NameColon);
        block.Add((byte)' ');
        block.AddRange(json);
        block.AddRange(Crlf);
        block.AddRange(Crlf);
        headerSize = block.Count;
        block.AddRange(payload);
        return [.. block];
    }

    /// <summary>The header's value, or null when the block has none.</summary>
    public static string? Find(ReadOnlySpan<byte> header)
    {
        foreach (Range line in Lines(header))
        {
            ReadOnlySpan<byte> text = header[line];
            if (StartsWithName(text))
            {
                return Encoding.UTF8.GetString(text[NameColon.Length..].Trim((byte)' '));
            }
        }

        return null;
    }

    private static bool StartsWithName(ReadOnlySpan<byte> line) =>
        line.Length >= NameColon.Length && Ascii.EqualsIgnoreCase(line[..NameColon.Length], NameColon);

    private static List<Range> Lines(ReadOnlySpan<byte> header)
    {
        var lines = new List<Range>();
        int start = 0;
        while (start < header.Length)
        {
            int end = header[start..].IndexOf(Crlf);
            if (end < 0)
            {
                lines.Add(start..header.Length);
                break;
            }

            lines.Add(start..(start + end));
            start += end + 2;
        }

        return lines;
    }
}
