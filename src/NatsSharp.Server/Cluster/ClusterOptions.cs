namespace NatsSharp.Server.Cluster;

/// <summary>The cluster listener and the routes to solicit, with nats-server's defaults.</summary>
public sealed class ClusterOptions
{
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>Cluster port; -1 = random, 0 = the default 6222.</summary>
    public int Port { get; set; } = DefaultPort;

    public const int DefaultPort = 6222;

    /// <summary><c>cluster.name</c>; empty means a dynamically generated name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Routes to solicit (<c>nats-route://[user:pass@]host:port</c>); retried forever.</summary>
    public List<Uri> Routes { get; set; } = [];

    /// <summary><c>cluster.advertise</c>: host:port announced to other servers.</summary>
    public string Advertise { get; set; } = "";

    /// <summary><c>no_advertise</c>: do not tell clients about the other servers.</summary>
    public bool NoAdvertise { get; set; }

    /// <summary>Connect attempts for implicit (gossiped) routes before giving up.</summary>
    public int ConnectRetries { get; set; }

    /// <summary>Route authorization (one user only, as nats-server).</summary>
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    public TimeSpan AuthTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Route TLS (<c>cluster { tls { } }</c>); null = plaintext routes.</summary>
    public Tls.TlsOptions? Tls { get; set; }

    /// <summary>
    /// <c>cluster { permissions { import, export } }</c>, held as Publish (import: the interest we
    /// announce, so what we receive) and Subscribe (export: the remote interest we accept, so
    /// what we send), as nats-server maps them. Null = no limits.
    /// </summary>
    public Auth.Permissions? Permissions { get; set; }

    /// <summary>Delay between attempts to reach a configured route.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public ClusterOptions Clone()
    {
        var copy = (ClusterOptions)MemberwiseClone();
        copy.Routes = [.. Routes];
        copy.Tls = Tls?.Clone();
        return copy;
    }
}
