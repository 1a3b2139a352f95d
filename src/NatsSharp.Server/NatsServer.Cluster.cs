using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server;

/// <summary>The server's cluster membership: routes, and the cluster-wide client URLs in INFO.</summary>
public sealed partial class NatsServer
{
    internal ClusterManager? Cluster { get; private set; }

    // Set once a route brought client URLs while we advertise them (see ClusterConnectUrls).
    private volatile bool _peerClientUrlsSeen;

    /// <summary>The bound route port, or 0 when not clustered.</summary>
    public int ClusterPort => Cluster?.Port ?? 0;

    /// <summary>Routes currently registered (one per peer server).</summary>
    public int RouteCount => Cluster?.RouteCount ?? 0;

    /// <summary>The cluster name (configured, generated, or adopted from a peer); empty when not clustered.</summary>
    public string ClusterName => Cluster?.Name ?? "";

    /// <summary>Connection ids are shared by every kind of connection, as in nats-server.</summary>
    internal ulong NextConnectionId() => (ulong)Interlocked.Increment(ref _nextClientId);

    private void StartCluster()
    {
        if (Options.Cluster is null)
        {
            return;
        }

        Cluster = new ClusterManager(this, Options.Cluster);
        Cluster.Start();
        _info = CreateInfo();
    }

    private async Task StopClusterAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.StopAsync().ConfigureAwait(false);
        }
    }

    // Async INFO to clients: the senders and each client's first PONG agree under this lock, so a
    // client gets a change either at once (PONG already sent) or right after its first PONG, never
    // before it and never twice (nats-server uses its server lock the same way).
    internal Lock AsyncInfoLock { get; } = new();

    private long _connectUrlsVersion;

    /// <summary>Counts changes of the client connect_urls (nats-server's lastCURLsUpdate).</summary>
    internal long ConnectUrlsVersion => Volatile.Read(ref _connectUrlsVersion);

    /// <summary>
    /// The cluster's name or membership changed. As in nats-server, clients are told only when the
    /// connect_urls changed, and only those that said they take asynchronous INFO (protocol 1) and
    /// have had their first PONG; the others get the INFO right after that PONG.
    /// </summary>
    internal void OnClusterChanged()
    {
        lock (AsyncInfoLock)
        {
            string[]? before = _info.ConnectUrls;
            _info = CreateInfo();
            if ((before ?? []).AsSpan().SequenceEqual(_info.ConnectUrls ?? []))
            {
                return; // e.g. only the cluster name: new INFOs carry it, nobody is told
            }

            Volatile.Write(ref _connectUrlsVersion, _connectUrlsVersion + 1);
            foreach (ClientConnection client in _clients.All)
            {
                client.SendAsyncInfo();
            }
        }
    }

    /// <summary>This server's client URLs (host:port), as advertised to clients and other servers.</summary>
    internal List<string> OwnClientUrls()
    {
        if (Options.ClientAdvertise.Length > 0)
        {
            string advertised = Options.ClientAdvertise;
            return [advertised.Contains(':', StringComparison.Ordinal) ? advertised : $"{advertised}:{Port}"];
        }

        if (Options.Host is not ("0.0.0.0" or "" or "::" or "[::]"))
        {
            return [HostPort(Options.Host, Port)];
        }

        var urls = new List<string>();
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up)
            {
                continue;
            }

            foreach (UnicastIPAddressInformation a in nic.GetIPProperties().UnicastAddresses)
            {
                if (a.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a.Address))
                {
                    urls.Add(HostPort(a.Address.ToString(), Port));
                }
            }
        }

        return urls.Count > 0 ? urls : [HostPort("127.0.0.1", Port)];
    }

    /// <summary>
    /// connect_urls for client INFO: ours first, then every peer's (unless no_advertise). As in nats-server
    /// the list starts empty and is filled the first time a route brings client URLs; from then on it keeps
    /// ours even when the peers are gone. A server alone, or whose peers all set no_advertise, sends none.
    /// In lame duck only the peers', so clients move elsewhere (nats-server's sendLDMToClients).
    /// </summary>
    internal string[]? ClusterConnectUrls()
    {
        if (Cluster is null || Cluster.Options.NoAdvertise)
        {
            return null;
        }

        List<string> peers = Cluster.PeerClientUrls();
        if (peers.Count > 0)
        {
            _peerClientUrlsSeen = true;
        }
        else if (!_peerClientUrlsSeen)
        {
            return null;
        }

        List<string> urls = IsLameDuck ? [] : OwnClientUrls();
        foreach (string url in peers)
        {
            if (!urls.Contains(url))
            {
                urls.Add(url);
            }
        }

        return [.. urls];
    }
}
