using NatsSharp.Server.Tls;

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

    /// <summary>
    /// <c>authorization.account</c>: the account of the single user, and of leafs that present no
    /// credentials when the server has client users (empty = <c>$G</c>).
    /// </summary>
    public string Account { get; set; } = "";

    /// <summary><c>authorization.users</c>: each leaf user binds to its own account.</summary>
    public List<LeafUser> Users { get; set; } = [];

    public TimeSpan AuthTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary><c>advertise</c>: the host:port leafs are told to use for this server instead of the listen address.</summary>
    public string Advertise { get; set; } = "";

    /// <summary><c>no_advertise</c>: do not tell the rest of the cluster (and so its leafs) about this server's leafnode URL.</summary>
    public bool NoAdvertise { get; set; }

    /// <summary><c>tls { }</c>: leaf servers that dial us must speak TLS; null = plaintext.</summary>
    public TlsOptions? Tls { get; set; }

    /// <summary>Hubs to connect to, each with its list of URLs (tried in turn).</summary>
    public List<LeafRemote> Remotes { get; set; } = [];

    /// <summary><c>reconnect</c>: seconds between attempts to reach a remote (integer, as nats-server).</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary><c>compression</c> (2.10) for accepted connections: validated, always negotiated off.</summary>
    public CompressionOptions Compression { get; set; } = new();

    public LeafNodeOptions Clone()
    {
        var copy = (LeafNodeOptions)MemberwiseClone();
        copy.Users = [.. Users];
        copy.Remotes = [.. Remotes.Select(r => r.Clone())];
        copy.Tls = Tls?.Clone();
        return copy;
    }

    /// <summary>
    /// nats-server's start-up checks of the block (validateLeafNode): one user or a users list,
    /// unique user names, accounts that exist, known compression modes.
    /// </summary>
    internal static void Validate(ServerOptions options)
    {
        if (options.LeafNodes is not { } leaf)
        {
            return;
        }

        if (leaf.Users.Count > 0 && leaf.Username.Length > 0)
        {
            throw new NatsServerException("can not have a single user/pass and a users array");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (LeafUser user in leaf.Users)
        {
            if (!seen.Add(user.Username))
            {
                throw new NatsServerException($"duplicate user \"{user.Username}\" detected in leafnode authorization");
            }
        }

        // "" means $G; $SYS is always accepted, as nats-server creates it when not configured otherwise.
        var names = new HashSet<string>(options.Accounts.Select(a => a.Name), StringComparer.Ordinal) { "", Accounts.Account.GlobalName, SystemAccountName };
        foreach (string account in leaf.Users.Select(u => u.Account).Prepend(leaf.Account))
        {
            if (!names.Contains(account))
            {
                throw new NatsServerException($"cannot find local account \"{account}\" specified in leafnode authorization");
            }
        }

        foreach (LeafRemote remote in leaf.Remotes)
        {
            if (!names.Contains(remote.LocalAccount))
            {
                throw new NatsServerException($"cannot find local account \"{remote.LocalAccount}\" specified in leafnode remote");
            }
        }

        foreach (CompressionOptions c in leaf.Remotes.Select(r => r.Compression).Prepend(leaf.Compression))
        {
            if (c.Mode.Length > 0 && CompressionOptions.Normalize(c.Mode, c.RttThresholds, out string error) is null)
            {
                throw new NatsServerException(error);
            }
        }
    }

    /// <summary>nats-server's default system account: a remote may name it (NatsSharp has no system account to bind).</summary>
    internal const string SystemAccountName = "$SYS";

    /// <summary>Whether a reload would leave the block as it is (NatsSharp restarts to change it).</summary>
    internal static bool SameSettings(LeafNodeOptions? a, LeafNodeOptions? b) =>
        (a is null && b is null) || (a is not null && b is not null
            && a.Host == b.Host && a.Port == b.Port && a.Username == b.Username && a.Password == b.Password && a.Account == b.Account
            && a.Advertise == b.Advertise && a.NoAdvertise == b.NoAdvertise
            && a.AuthTimeout == b.AuthTimeout && a.ReconnectDelay == b.ReconnectDelay && SameCompression(a.Compression, b.Compression)
            && TlsOptions.Same(a.Tls, b.Tls)
            && a.Users.Select(u => (u.Username, u.Password, u.Account)).SequenceEqual(b.Users.Select(u => (u.Username, u.Password, u.Account)))
            && a.Remotes.Count == b.Remotes.Count
            && a.Remotes.Zip(b.Remotes).All(p => p.First.SameAs(p.Second)));

    internal static bool SameCompression(CompressionOptions a, CompressionOptions b) =>
        a.Mode == b.Mode && a.RttThresholds.SequenceEqual(b.RttThresholds);
}
