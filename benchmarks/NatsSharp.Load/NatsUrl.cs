namespace NatsSharp.Load;

/// <summary>A parsed <c>nats://[user:pass@|token@]host[:port]</c> address.</summary>
internal sealed class NatsUrl
{
    private const int DefaultPort = 4222;

    private NatsUrl(string host, int port, string? user, string? password, string? token)
    {
        Host = host;
        Port = port;
        User = user;
        Password = password;
        Token = token;
    }

    public string Host { get; }

    public int Port { get; }

    public string? User { get; }

    public string? Password { get; }

    public string? Token { get; }

    public static NatsUrl Parse(string text)
    {
        string withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "nats://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new LoadException($"invalid url '{text}'");
        }

        if (uri.Scheme is not ("nats" or "tcp"))
        {
            throw new LoadException($"unsupported url scheme '{uri.Scheme}' (only nats:// without TLS)");
        }

        string? user = null, password = null, token = null;
        if (uri.UserInfo.Length > 0)
        {
            string info = Uri.UnescapeDataString(uri.UserInfo);
            int colon = info.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                token = info;
            }
            else
            {
                user = info[..colon];
                password = info[(colon + 1)..];
            }
        }

        string host = uri.Host.Trim('[', ']');
        return new NatsUrl(host, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port, user, password, token);
    }

    public override string ToString() => $"nats://{(Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host)}:{Port}";
}
