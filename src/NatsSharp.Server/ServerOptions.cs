namespace NatsSharp.Server;

/// <summary>
/// Every option the broker understands, typed, with nats-server 2.9.10's defaults.
/// The daemon fills it from flags and a config file; embedders set it in code.
/// </summary>
public sealed partial class ServerOptions
{
    public const int DefaultPort = 4222;
    public const int RandomPort = -1;

    /// <summary>Client listen host (<c>host</c>, <c>net</c>, <c>-a</c>).</summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>Client port; <c>-1</c> picks a random free port, <c>0</c> means the default.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary><c>server_name</c>; empty means "use the server id".</summary>
    public string ServerName { get; set; } = "";

    /// <summary><c>server_tags</c>: lower-cased, trimmed, without duplicates (as nats-server keeps them); in /varz, $SYS events and request filters.</summary>
    public IReadOnlyList<string> ServerTags { get; set; } = [];

    /// <summary><c>client_advertise</c>: host[:port] announced in INFO.</summary>
    public string ClientAdvertise { get; set; } = "";

    public int MaxPayload { get; set; } = 1024 * 1024;
    public int MaxControlLine { get; set; } = 4096;
    public int MaxConnections { get; set; } = 64 * 1024;
    public long MaxPending { get; set; } = 64L * 1024 * 1024;

    /// <summary><c>max_subscriptions</c>; 0 = unlimited.</summary>
    public int MaxSubscriptions { get; set; }

    public TimeSpan WriteDeadline { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromMinutes(2);
    public int PingMax { get; set; } = 2;

    /// <summary><c>no_header_support</c>: INFO says <c>headers:false</c>.</summary>
    public bool NoHeaderSupport { get; set; }

    // Authorization (single user or token; the full model is its own module).
    public string Username { get; set; } = "";
    public string Password { get; set; } = "";
    public string AuthToken { get; set; } = "";

    /// <summary>
    /// <c>authorization.timeout</c>: how long a client has to send a valid CONNECT after INFO (after the TLS
    /// handshake with TLS). Zero = nats-server's default: 2s, or the TLS timeout + 1s when TLS is on.
    /// </summary>
    public TimeSpan AuthTimeout { get; set; }

    /// <summary>The auth timeout in force: <see cref="AuthTimeout"/>, or the default nats-server fills in at start-up.</summary>
    internal TimeSpan EffectiveAuthTimeout =>
        AuthTimeout > TimeSpan.Zero ? AuthTimeout : TlsEnabled ? TlsTimeout + TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(2);

    // Logging.
    public bool Debug { get; set; }
    public bool Trace { get; set; }
    public bool TraceVerbose { get; set; }
    public bool Logtime { get; set; } = true;
    public string LogFile { get; set; } = "";
    public long LogSizeLimit { get; set; }
    public bool Syslog { get; set; }
    public string RemoteSyslog { get; set; } = "";

    /// <summary><c>log_format</c>: "text" (nats-server's lines) or "json" (one object per line); a NatsSharp extension.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary><c>max_traced_msg_len</c>; 0 = unlimited.</summary>
    public int MaxTracedMsgLen { get; set; }

    // Files.
    public string PidFile { get; set; } = "";
    public string PortsFileDir { get; set; } = "";

    // Monitoring (served by the monitoring module; 0 = off, -1 = random).
    public string HttpHost { get; set; } = "";
    public int HttpPort { get; set; }
    public int HttpsPort { get; set; }
    public string HttpBasePath { get; set; } = "/";

    public TimeSpan LameDuckDuration { get; set; } = TimeSpan.FromMinutes(2);
    public TimeSpan LameDuckGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary><c>disable_sublist_cache</c>.</summary>
    public bool DisableSublistCache { get; set; }

    /// <summary>The config file these options came from, if any (for reload and logs).</summary>
    public string ConfigFile { get; set; } = "";

    /// <summary>A copy; nested option blocks are copied too, so the copy can be changed freely.</summary>
    /// <summary>
    /// Config keys NatsSharp accepts but does not act on (<see cref="Configuration.ConfigBinder.UnboundKeys"/>),
    /// as found in the file: the server warns about features it ignores and refuses operator (JWT) mode.
    /// </summary>
    public IReadOnlyList<string> UnboundConfigKeys { get; set; } = [];

    public ServerOptions Clone()
    {
        var copy = (ServerOptions)MemberwiseClone();
        copy.Cluster = Cluster?.Clone();
        copy.LeafNodes = LeafNodes?.Clone();
        copy.WebSocket = WebSocket?.Clone();
        copy.JetStream = JetStream?.Clone();
        return copy;
    }
}
