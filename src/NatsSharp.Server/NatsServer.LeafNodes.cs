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
            LeafNodes = new LeafNodeManager(this, options);
            LeafNodes.Start();
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
    /// A subscription was added (+1) or removed (-1) in $G. Routes hear of local interest:
    /// clients and the leafs we are the hub of. Leaf connections hear of what each should.
    /// </summary>
    internal void OnSubscriptionChanged(Subscription sub, int delta)
    {
        UpdateShadows(sub, delta);
        if (sub.Client is ClientConnection or LeafConnection { WeAreHub: true } || (sub.Client is InternalClient && sub.Import is not ServiceImport))
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

        if (sub.AccountName == Auth.Account.GlobalName)
        {
            LeafNodes?.OnInterest(sub, delta); // leaf connections are bound to $G so far
        }
    }
}
