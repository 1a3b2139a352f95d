using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NatsSharp.Server.WebSocket;

/// <summary>
/// The server side of the HTTP/1.1 upgrade on the websocket port, with nats-server 2.9.10's checks
/// in its order (RFC 6455 4.2.1): GET, Host, <c>Upgrade: websocket</c>, <c>Connection: Upgrade</c>,
/// <c>Sec-WebSocket-Key</c>, <c>Sec-WebSocket-Version: 13</c>, then the origin rules. A bad request
/// gets the answer Go's http.Error gives (status line, <c>Sec-Websocket-Version: 13</c>, the status
/// text as body) and the reason goes to the log as "websocket handshake error: ...".
/// </summary>
internal static class WebSocketHandshake
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private const int MaxRequestHead = 64 * 1024;

    /// <summary>What the request asked for, or why it was refused (the answer is already written then).</summary>
    internal readonly record struct Result(WebSocketStream? Stream, string Path, string? Error);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The WebSocketStream is returned to the listener, which hands it to the connection that closes it.")]
    public static async Task<Result> AcceptAsync(Stream transport, WebSocketOrigins origins, bool tls, bool compression, CancellationToken cancel)
    {
        (string? text, byte[] after) = await HttpHead.ReadAsync(transport, MaxRequestHead, "request headers too large", cancel).ConfigureAwait(false);
        if (text is null)
        {
            return new Result(null, "", "client closed before the request was complete");
        }

        HttpHead head = HttpHead.Parse(text);
        string[] requestLine = head.FirstLine.Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/", StringComparison.Ordinal))
        {
            await WriteRawAsync(transport, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request", cancel).ConfigureAwait(false);
            return new Result(null, "", "malformed HTTP request");
        }

        string host = head.Header("Host") ?? "";
        if (requestLine[2] == "HTTP/1.1" && host.Length == 0)
        {
            // Go's HTTP server answers this itself, before the websocket handler runs.
            await WriteRawAsync(transport, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: missing required Host header", cancel).ConfigureAwait(false);
            return new Result(null, "", "missing required Host header");
        }

        string? error =
            requestLine[0] != "GET" ? "request method must be GET"
            : host.Length == 0 ? "'Host' missing in request"
            : !head.HasToken("Upgrade", "websocket") ? "invalid value for header 'Upgrade'"
            : !head.HasToken("Connection", "Upgrade") ? "invalid value for header 'Connection'"
            : string.IsNullOrEmpty(head.Header("Sec-WebSocket-Key")) ? "key missing"
            : !head.HasToken("Sec-WebSocket-Version", "13") ? "invalid version"
            : null;
        int status = requestLine[0] != "GET" ? 405 : 400;
        if (error is null && origins.Check(head.Header("Origin") ?? head.Header("Sec-WebSocket-Origin"), host, tls) is { } originError)
        {
            (error, status) = ("origin not allowed: " + originError, 403);
        }

        if (error is null && after.Length > 0)
        {
            error = "client sent data before handshake is complete";
        }

        if (error is not null)
        {
            await WriteErrorAsync(transport, status, cancel).ConfigureAwait(false);
            return new Result(null, requestLine[1], error);
        }

        bool compress = compression && head.Values("Sec-WebSocket-Extensions")
            .Any(v => v.Split(',', ';').Any(t => t.Trim(' ', '\t').Equals("permessage-deflate", StringComparison.OrdinalIgnoreCase)));
        bool noMasking = head.Header("Nats-No-Masking") == "true";
        string accept = AcceptKey(head.Header("Sec-WebSocket-Key")!);
        var response = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ")
            .Append(accept).Append("\r\n");
        if (compress)
        {
            response.Append("Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n");
        }

        if (noMasking)
        {
            response.Append("Nats-No-Masking: true\r\n");
        }

        response.Append("\r\n");
        await WriteRawAsync(transport, response.ToString(), cancel).ConfigureAwait(false);
        var stream = new WebSocketStream(transport, maskWrites: false, compress, [], requireMaskedReads: !noMasking);
        return new Result(stream, requestLine[1], null);
    }

    /// <summary>As Go's http.Error, with the header nats-server adds.</summary>
    private static Task WriteErrorAsync(Stream transport, int status, CancellationToken cancel)
    {
        string text = status switch
        {
            405 => "Method Not Allowed",
            403 => "Forbidden",
            _ => "Bad Request",
        };
        string body = text + "\n";
        string date = DateTime.UtcNow.ToString("R", CultureInfo.InvariantCulture);
        return WriteRawAsync(transport, $"HTTP/1.1 {status} {text}\r\nContent-Type: text/plain; charset=utf-8\r\nSec-Websocket-Version: 13\r\nX-Content-Type-Options: nosniff\r\nDate: {date}\r\nContent-Length: {body.Length}\r\n\r\n{body}", cancel);
    }

    private static async Task WriteRawAsync(Stream transport, string text, CancellationToken cancel)
    {
        await transport.WriteAsync(Encoding.ASCII.GetBytes(text), cancel).ConfigureAwait(false);
        await transport.FlushAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455), for both sides of the upgrade.</summary>
    public static string AcceptKey(string key)
    {
#pragma warning disable CA5350 // RFC 6455 fixes SHA-1 for Sec-WebSocket-Accept; it is not used for security here
        return Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));
#pragma warning restore CA5350
    }
}
