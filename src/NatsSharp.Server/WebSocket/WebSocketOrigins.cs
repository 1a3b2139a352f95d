namespace NatsSharp.Server.WebSocket;

/// <summary>
/// <c>same_origin</c> and <c>allowed_origins</c>, as nats-server's checkOrigin: a request without an
/// <c>Origin</c> (or <c>Sec-WebSocket-Origin</c>) header is accepted — only browsers send it; otherwise
/// its host and port must equal the request's Host (same_origin) and its scheme, host and port must be
/// in the list (allowed_origins). A missing port is 443 for https, else 80.
/// </summary>
internal sealed class WebSocketOrigins
{
    private readonly bool _sameOrigin;
    private readonly Dictionary<string, (string Scheme, string Port)> _allowed = new(StringComparer.Ordinal);

    public WebSocketOrigins(WebSocketOptions options)
    {
        _sameOrigin = options.SameOrigin;
        foreach (string origin in options.AllowedOrigins)
        {
            if (TryParse(origin, out (string Scheme, string Host, string Port) o))
            {
                _allowed[o.Host] = (o.Scheme, o.Port);
            }
        }
    }

    /// <summary>Null when the request may go on, else nats-server's reason ("not same origin", ...).</summary>
    public string? Check(string? origin, string host, bool tls)
    {
        if ((!_sameOrigin && _allowed.Count == 0) || string.IsNullOrEmpty(origin))
        {
            return null;
        }

        if (!TryParse(origin, out (string Scheme, string Host, string Port) o))
        {
            return $"parse {GoQuote(origin)}: invalid URI for request";
        }

        if (_sameOrigin)
        {
            (string requestHost, string requestPort) = HostAndPort(tls, host);
            if (o.Host != requestHost || o.Port != requestPort)
            {
                return "not same origin";
            }
        }

        if (_allowed.Count > 0 && (!_allowed.TryGetValue(o.Host, out var allowed) || allowed.Scheme != o.Scheme || allowed.Port != o.Port))
        {
            return "not in the allowed list";
        }

        return null;
    }

    /// <summary>An absolute URL such as <c>https://example.com:8443</c>: scheme, lower-case host, port.</summary>
    internal static bool TryParse(string url, out (string Scheme, string Host, string Port) origin)
    {
        origin = default;
        int sep = url.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0)
        {
            return false;
        }

        string scheme = url[..sep];
        string rest = url[(sep + 3)..];
        int slash = rest.IndexOf('/');
        string hostPort = slash < 0 ? rest : rest[..slash];
        if (hostPort.Length == 0)
        {
            return false;
        }

        (string host, string port) = HostAndPort(scheme == "https", hostPort);
        origin = (scheme, host, port);
        return true;
    }

    private static (string Host, string Port) HostAndPort(bool tls, string hostPort)
    {
        int colon = hostPort.LastIndexOf(':');
        if (colon > 0 && !hostPort.EndsWith(']'))
        {
            return (hostPort[..colon].Trim('[', ']').ToLowerInvariant(), hostPort[(colon + 1)..]);
        }

        return (hostPort.Trim('[', ']').ToLowerInvariant(), tls ? "443" : "80");
    }

    private static string GoQuote(string s) => "\"" + s + "\"";
}
