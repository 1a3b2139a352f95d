using System.Globalization;
using System.Text;

namespace NatsSharp.Server.Monitoring;

/// <summary>Writes an answer with the headers Go's net/http writes for nats-server's handlers, always with a Content-Length.</summary>
internal static class HttpResponseWriter
{
    // Below this the head and the body go out in one write (one segment, one TLS record).
    private const int CopyLimit = 64 * 1024;

    public static async ValueTask WriteAsync(Stream stream, MonitorHttpRequest request, MonitorHttpResponse response, bool keepAlive, CancellationToken cancel)
    {
        var head = new StringBuilder(192);
        head.Append(request.Http11 ? "HTTP/1.1 " : "HTTP/1.0 ").Append(response.Status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Reason(response.Status)).Append("\r\n");
        if (response.ContentType is not null)
        {
            head.Append("Content-Type: ").Append(response.ContentType).Append("\r\n");
        }

        if (response.Location is not null)
        {
            head.Append("Location: ").Append(response.Location).Append("\r\n");
        }

        if (response.NoSniff)
        {
            head.Append("X-Content-Type-Options: nosniff\r\n");
        }

        head.Append("Date: ").Append(DateTime.UtcNow.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
        head.Append("Content-Length: ").Append(response.Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        if (!keepAlive && request.Http11)
        {
            head.Append("Connection: close\r\n");
        }
        else if (keepAlive && !request.Http11)
        {
            head.Append("Connection: keep-alive\r\n");
        }

        head.Append("\r\n");
        int headLength = Encoding.ASCII.GetByteCount(head.ToString());
        ReadOnlyMemory<byte> body = request.IsHead ? ReadOnlyMemory<byte>.Empty : response.Body;
        if (body.Length <= CopyLimit)
        {
            byte[] all = new byte[headLength + body.Length];
            Encoding.ASCII.GetBytes(head.ToString(), all);
            body.Span.CopyTo(all.AsSpan(headLength));
            await stream.WriteAsync(all, cancel).ConfigureAwait(false);
        }
        else
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancel).ConfigureAwait(false);
            await stream.WriteAsync(body, cancel).ConfigureAwait(false);
        }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        417 => "Expectation Failed",
        503 => "Service Unavailable",
        _ => "",
    };
}
