namespace NatsSharp.Server.WebSocket;

/// <summary>
/// The <c>websocket { }</c> block (alias <c>ws</c>): a port for NATS clients that speak the protocol
/// inside websocket frames (browsers, nats.ws). nats-server 2.9.10's defaults.
/// </summary>
public sealed class WebSocketOptions
{
    /// <summary><c>host</c> / <c>listen</c>: the interface to bind.</summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary><c>port</c> / <c>listen</c>: -1 = any free port; 0 = no websocket listener.</summary>
    public int Port { get; set; }

    /// <summary><c>advertise</c>: the host:port given to clients instead of the bound one.</summary>
    public string Advertise { get; set; } = "";

    /// <summary><c>no_tls</c>: allow plain <c>ws://</c> (nats-server refuses to start without TLS otherwise).</summary>
    public bool NoTls { get; set; }

    /// <summary><c>tls { }</c>: <c>wss://</c> — TLS from the first byte, before the HTTP upgrade. Null = none.</summary>
    public Tls.TlsOptions? Tls { get; set; }

    /// <summary><c>compression</c>: accept permessage-deflate when the client offers it.</summary>
    public bool Compression { get; set; }

    /// <summary><c>same_origin</c>: a request with an <c>Origin</c> header must come from the host:port it connects to.</summary>
    public bool SameOrigin { get; set; }

    /// <summary><c>allowed_origins</c>: when not empty, an <c>Origin</c> header must be one of these (scheme, host and port).</summary>
    public IReadOnlyList<string> AllowedOrigins { get; set; } = [];

    /// <summary><c>handshake_timeout</c>: how long the TLS handshake plus the HTTP upgrade may take; zero = no limit (nats-server's default).</summary>
    public TimeSpan HandshakeTimeout { get; set; }

    /// <summary><c>authorization { user, password }</c>: the one user websocket clients log in as (instead of the server's).</summary>
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    /// <summary><c>authorization { token }</c>.</summary>
    public string Token { get; set; } = "";

    /// <summary><c>authorization { timeout }</c>; zero = the server's <c>authorization { timeout }</c>.</summary>
    public TimeSpan AuthTimeout { get; set; }

    /// <summary><c>no_auth_user</c>: the configured user a websocket client without credentials becomes.</summary>
    public string NoAuthUser { get; set; } = "";

    /// <summary>nats-server's authOverride: websocket clients authenticate with these settings, not the server's single user/token.</summary>
    public bool HasAuthOverride => Username.Length > 0 || Token.Length > 0 || NoAuthUser.Length > 0;

    public bool Enabled => Port != 0;

    public WebSocketOptions Clone()
    {
        var copy = (WebSocketOptions)MemberwiseClone();
        copy.Tls = Tls?.Clone();
        return copy;
    }

    /// <summary>Value equality, for the reload check.</summary>
    internal bool SameAs(WebSocketOptions? other) =>
        other is not null && Host == other.Host && Port == other.Port && Advertise == other.Advertise && NoTls == other.NoTls
        && Compression == other.Compression && SameOrigin == other.SameOrigin && AllowedOrigins.SequenceEqual(other.AllowedOrigins)
        && HandshakeTimeout == other.HandshakeTimeout && Username == other.Username && Password == other.Password
        && Token == other.Token && AuthTimeout == other.AuthTimeout && NoAuthUser == other.NoAuthUser && Server.Tls.TlsOptions.Same(Tls, other.Tls);
}
