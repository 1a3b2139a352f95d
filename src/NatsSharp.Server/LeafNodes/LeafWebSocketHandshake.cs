using System.Security.Cryptography;
using System.Text;
using NatsSharp.Server.WebSocket;

namespace NatsSharp.Server.LeafNodes;

/// <summary>
/// The HTTP/1.1 upgrade a leaf sends to a hub's websocket port, as nats-server 2.9.10's
/// leafNodeSolicitWSConnection: <c>GET /leafnode</c> (the path tells the hub it is a leaf, not a
/// client), permessage-deflate offered when <c>ws_compression</c>, <c>Nats-No-Masking: true</c>
/// asked when <c>ws_no_masking</c>. The hub's answer decides: compression only if it agreed (with
/// no context takeover both ways), unmasked writes only if it echoed the no-masking header.
/// </summary>
internal static class LeafWebSocketHandshake
{
    public const string Path = "/leafnode";
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private const string NoMaskingHeader = "Nats-No-Masking";
    private const string Deflate = "permessage-deflate";
    private const int MaxResponse = 16 * 1024;

    /// <summary>Upgrades <paramref name="transport"/> (TCP or TLS); throws <see cref="IOException"/> with nats-server's reason.</summary>
    public static async Task<WebSocketStream> ConnectAsync(Stream transport, Uri url, bool compress, bool noMasking, CancellationToken cancel)
    {
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        string path = Path + url.AbsolutePath.TrimStart('/');
        var request = new StringBuilder()
            .Append("GET ").Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(url.Authority).Append("\r\n")
            .Append("Upgrade: websocket\r\n")
            .Append("Connection: Upgrade\r\n")
            .Append("Sec-WebSocket-Key: ").Append(key).Append("\r\n")
            .Append("Sec-WebSocket-Version: 13\r\n");
        if (compress)
        {
            request.Append("Sec-WebSocket-Extensions: ").Append(Deflate).Append("; server_no_context_takeover; client_no_context_takeover\r\n");
        }

        if (noMasking)
        {
            request.Append(NoMaskingHeader).Append(": true\r\n");
        }

        request.Append("\r\n");
        await transport.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancel).ConfigureAwait(false);

        (string head, byte[] rest) = await ReadResponseHeadAsync(transport, cancel).ConfigureAwait(false);
        string[] lines = head.Split("\r\n");
        var headers = new List<(string Name, string Value)>();
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        string? Header(string name) => headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
        string[] status = lines[0].Split(' ', 3);
#pragma warning disable CA5350 // RFC 6455 fixes SHA-1 for Sec-WebSocket-Accept; it is not used for security here
        string expectedAccept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));
#pragma warning restore CA5350
        if (status.Length < 2 || status[1] != "101"
            || !string.Equals(Header("Upgrade"), "websocket", StringComparison.OrdinalIgnoreCase)
            || !string.Equals(Header("Connection"), "upgrade", StringComparison.OrdinalIgnoreCase)
            || Header("Sec-WebSocket-Accept") != expectedAccept)
        {
            throw new IOException("invalid websocket connection");
        }

        bool compressed = false;
        if (compress)
        {
            (bool offered, bool noContextTakeover) = DeflateAnswer(headers.Where(h => h.Name.Equals("Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value));
            if (offered && !noContextTakeover)
            {
                throw new IOException("compression negotiation error");
            }

            compressed = offered; // a hub without compression: simply none
        }

        bool mask = !(noMasking && Header(NoMaskingHeader) == "true");
        return new WebSocketStream(transport, mask, compressed, rest);
    }

    /// <summary>Whether the hub accepted permessage-deflate, and with no context takeover on both sides.</summary>
    private static (bool Offered, bool NoContextTakeover) DeflateAnswer(IEnumerable<string> values)
    {
        foreach (string extension in values.SelectMany(v => v.Split(',')))
        {
            string[] parameters = extension.Split(';', StringSplitOptions.TrimEntries);
            if (parameters[0].Equals(Deflate, StringComparison.OrdinalIgnoreCase))
            {
                bool server = parameters.Any(p => p.Equals("server_no_context_takeover", StringComparison.OrdinalIgnoreCase));
                bool client = parameters.Any(p => p.Equals("client_no_context_takeover", StringComparison.OrdinalIgnoreCase));
                return (true, server && client);
            }
        }

        return (false, false);
    }

    /// <summary>Reads up to the blank line; returns the head and whatever frame bytes followed it.</summary>
    private static async Task<(string Head, byte[] After)> ReadResponseHeadAsync(Stream transport, CancellationToken cancel)
    {
        byte[] buffer = new byte[MaxResponse];
        int length = 0;
        while (true)
        {
            int end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (Encoding.ASCII.GetString(buffer, 0, end), buffer[(end + 4)..length]);
            }

            if (length == buffer.Length)
            {
                throw new IOException("invalid websocket connection: response headers too large");
            }

            int n = await transport.ReadAsync(buffer.AsMemory(length), cancel).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException("invalid websocket connection: closed before the response");
            }

            length += n;
        }
    }
}
