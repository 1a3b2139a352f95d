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

        (string? text, byte[] rest) = await HttpHead.ReadAsync(transport, MaxResponse, "invalid websocket connection: response headers too large", cancel).ConfigureAwait(false);
        HttpHead head = HttpHead.Parse(text ?? throw new IOException("invalid websocket connection: closed before the response"));
        string[] status = head.FirstLine.Split(' ', 3);
        if (status.Length < 2 || status[1] != "101"
            || !string.Equals(head.Header("Upgrade"), "websocket", StringComparison.OrdinalIgnoreCase)
            || !string.Equals(head.Header("Connection"), "upgrade", StringComparison.OrdinalIgnoreCase)
            || head.Header("Sec-WebSocket-Accept") != WebSocketHandshake.AcceptKey(key))
        {
            throw new IOException("invalid websocket connection");
        }

        bool compressed = false;
        if (compress)
        {
            (bool offered, bool noContextTakeover) = DeflateAnswer(head.Values("Sec-WebSocket-Extensions"));
            if (offered && !noContextTakeover)
            {
                throw new IOException("compression negotiation error");
            }

            compressed = offered; // a hub without compression: simply none
        }

        bool mask = !(noMasking && head.Header(NoMaskingHeader) == "true");
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
}
