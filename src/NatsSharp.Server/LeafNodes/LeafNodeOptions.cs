namespace NatsSharp.Server.LeafNodes;

/// <summary>The <c>leafnodes { }</c> block: a listener for leaf servers (hub side) and remotes to dial (leaf side).</summary>
public sealed class LeafNodeOptions
{
    public const int DefaultPort = 7422;

    public string Host { get; set; } = "0.0.0.0";

    /// <summary>Leafnode listen port; 0 = no listener (only remotes), -1 = random.</summary>
    public int Port { get; set; }

    /// <summary>Single user leaf connections must present (empty = none required).</summary>
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    public TimeSpan AuthTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary><c>tls { }</c>: leaf servers that dial us must speak TLS; null = plaintext.</summary>
    public LeafTlsOptions? Tls { get; set; }

    /// <summary>Hubs to connect to, each with its list of URLs (tried in turn).</summary>
    public List<LeafRemote> Remotes { get; set; } = [];

    /// <summary><c>reconnect</c>: seconds between attempts to reach a remote (integer, as nats-server).</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public LeafNodeOptions Clone()
    {
        var copy = (LeafNodeOptions)MemberwiseClone();
        copy.Remotes = [.. Remotes.Select(r => r.Clone())];
        copy.Tls = Tls?.Clone();
        return copy;
    }
}
