using NatsSharp.Server.Accounts;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.LeafNodes;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server;

/// <summary>
/// Where the cluster and the leafnodes meet the rest: they do not know each other, so what one tells the
/// other — and every subscription change routes and leafs must hear of — goes through here.
/// </summary>
public sealed partial class NatsServer
{
    internal ClusterManager? Cluster { get; private set; }

    internal LeafNodeManager? LeafNodes { get; private set; }

    /// <summary>The bound route port, or 0 when not clustered.</summary>
    public int ClusterPort => Cluster?.Port ?? 0;

    /// <summary>Routes currently registered (one per peer server).</summary>
    public int RouteCount => Cluster?.RouteCount ?? 0;

    /// <summary>The cluster name (configured, generated, or adopted from a peer); empty when not clustered.</summary>
    public string ClusterName => Cluster?.Name ?? "";

    /// <summary>The bound leafnode port, or 0.</summary>
    public int LeafNodePort => LeafNodes?.Port ?? 0;

    /// <summary>Leafnode connections that completed their handshake.</summary>
    public int LeafNodeCount => LeafNodes?.Count ?? 0;

    /// <summary>The cluster's name (configured or generated) and route TLS, before the client port: nats-server knows both from the start.</summary>
    private void CreateCluster()
    {
        if (Options.Cluster is not null)
        {
            Cluster = new ClusterManager(this, Options.Cluster);
        }
    }

    private void StartCluster()
    {
        if (Cluster is null)
        {
            return;
        }

        Cluster.Start();
        ClientInfo.Replace(CreateInfo());
    }

    private void StartLeafNodes()
    {
        if (Options.LeafNodes is { } options)
        {
            if (options.Account.Length > 0 && options.Username.Length == 0 && options.Users.Count == 0 && !AuthRequired)
            {
                // nats-server 2.9.10 behaves the same way; say so instead of binding silently to $G.
                Log.Warn($"Leafnode authorization account \"{options.Account}\" applies only when clients must authenticate: leafs without credentials are bound to $G");
            }

            LeafNodes = new LeafNodeManager(this, options);
            LeafNodes.Listen();
        }
    }

    private async Task StopPeersAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.StopAsync().ConfigureAwait(false);
        }

        if (LeafNodes is not null)
        {
            await LeafNodes.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The cluster's name or membership changed. As in nats-server, clients are told only when the
    /// connect_urls changed, and only those that said they take asynchronous INFO (protocol 1) and
    /// have had their first PONG; the others get the INFO right after that PONG.
    /// </summary>
    internal void OnClusterChanged() => ClientInfo.Replace(CreateInfo(), _clients.All);

    /// <summary>
    /// A subscription was added (+1) or removed (-1) in its account. Routes hear of local interest:
    /// clients, the server's own subscribers and the leafs we are the hub of. Leaf connections bound
    /// to that account hear of what each should.
    /// </summary>
    internal void OnSubscriptionChanged(Subscription sub, int delta)
    {
        Accounts.UpdateShadows(sub, delta);
        if (sub.Subscriber.Kind is SubscriberKind.Client or SubscriberKind.Leaf || (sub.Subscriber.Kind == SubscriberKind.Internal && sub.Import is not ServiceImport))
        {
            if (delta > 0)
            {
                Cluster?.OnLocalSubscribed(sub);
            }
            else
            {
                Cluster?.OnLocalUnsubscribed(sub);
            }
        }

        LeafNodes?.OnInterest(sub, delta);
    }

    /// <summary>A route's peer gained (+1) or lost (-1) interest: the leafs we are the hub of hear of it.</summary>
    internal void OnRemoteInterest(Subscription sub, int delta) => LeafNodes?.OnInterest(sub, delta);

    /// <summary>A cluster peer's leafnode URL (null when it left), for our leafs' failover lists.</summary>
    internal void OnPeerLeafNodeUrl(string serverId, string? url) => LeafNodes?.SetPeerUrl(serverId, url);

    /// <summary>Our leafnode URL as the cluster's route INFO advertises it, or null.</summary>
    internal string? LeafNodeUrlForCluster => LeafNodes?.AdvertisedToCluster;
}
