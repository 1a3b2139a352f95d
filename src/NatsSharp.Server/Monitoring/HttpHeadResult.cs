namespace NatsSharp.Server.Monitoring;

/// <summary>
/// What reading a request head gave: a request, an answer to write before closing (a malformed or oversized
/// head, in nats-server's words), or neither (the peer closed or went quiet).
/// </summary>
internal readonly record struct HttpHeadResult(MonitorHttpRequest? Request, string? Refusal, bool TooLarge = false)
{
    private const string ErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n";

    public static HttpHeadResult Closed => default;

    /// <summary>Go's answer to a head it cannot read: "400 Bad Request", without a reason.</summary>
    public static HttpHeadResult BadRequest => new(null, "HTTP/1.1 400 Bad Request" + ErrorHeaders + "400 Bad Request");

    /// <summary>Go's answer past its header limit; it then stops reading and closes.</summary>
    public static HttpHeadResult HeaderTooLarge => new(null, "HTTP/1.1 431 Request Header Fields Too Large" + ErrorHeaders + "431 Request Header Fields Too Large", TooLarge: true);

    public static HttpHeadResult UnsupportedTransferEncoding => new(null, "HTTP/1.1 501 Not Implemented" + ErrorHeaders + "Unsupported transfer encoding");

    /// <summary>A refusal with a reason, as Go words its status errors ("400 Bad Request: missing required Host header").</summary>
    public static HttpHeadResult Refuse(int status, string reason, string text)
    {
        string line = $"{status} {reason}: {text}";
        return new(null, "HTTP/1.1 " + line + ErrorHeaders + line);
    }

    public static HttpHeadResult Of(MonitorHttpRequest request) => new(request, null);
}
