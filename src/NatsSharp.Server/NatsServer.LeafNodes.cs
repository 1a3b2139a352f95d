using NatsSharp.Server.Accounts;
using NatsSharp.Server.Connections;
using NatsSharp.Server.LeafNodes;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server;

/// <summary>Leafnodes, and the one place where a subscription change is told to routes and leafs.</summary>
public sealed partial class NatsServer
{
    internal LeafNodeManager? LeafNodes { get; private set; }

    /// <summary>The bound leafnode port, or 0.</summary>
    public int LeafNodePort => LeafNodes?.Port ?? 0;

    /// <summary>Leafnode connections that completed their handshake.</summary>
    public int LeafNodeCount => LeafNodes?.Count ?? 0;

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

    private async Task StopLeafNodesAsync()
    {
        if (LeafNodes is not null)
        {
            await LeafNodes.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A subscription was added (+1) or removed (-1) in its account. Routes hear of local interest:
    /// clients and the leafs we are the hub of. Leaf connections bound to that account hear of what each should.
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

    // The cluster and the leafnodes do not know each other; what one tells the other goes through here.

    /// <summary>A route's peer gained (+1) or lost (-1) interest: the leafs we are the hub of hear of it.</summary>
    internal void OnRemoteInterest(Subscription sub, int delta) => LeafNodes?.OnInterest(sub, delta);

    /// <summary>A cluster peer's leafnode URL (null when it left), for our leafs' failover lists.</summary>
    internal void OnPeerLeafNodeUrl(string serverId, string? url) => LeafNodes?.SetPeerUrl(serverId, url);

    /// <summary>Our leafnode URL as the cluster's route INFO advertises it, or null.</summary>
    internal string? LeafNodeUrlForCluster => LeafNodes?.AdvertisedToCluster;
}
