using System.Diagnostics;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.Chaos;

/// <summary>A full-mesh cluster of <see cref="ChaosNode"/>s, every node routed to every other, all started at once.</summary>
public sealed class ChaosCluster : IAsyncDisposable
{
    private readonly ChaosNode[] _nodes;

    private ChaosCluster(ChaosNode[] nodes) => _nodes = nodes;

    public ChaosNode this[int i] => _nodes[i];

    public int Count => _nodes.Length;

    public IReadOnlyList<ChaosNode> Nodes => _nodes;

    /// <summary>Every client URL, for clients that reconnect elsewhere.</summary>
    public string AllUrls => string.Join(",", _nodes.Select(n => n.Url));

    public static async Task<ChaosCluster> StartAsync(ServerKind kind, int size = 3, params string[] extraArgs)
    {
        ChaosNode[] nodes = [.. Enumerable.Range(0, size).Select(i => new ChaosNode(kind, $"n{i}", [], [.. extraArgs, "--cluster"]))];
        foreach (ChaosNode node in nodes)
        {
            node.Routes = [.. nodes.Where(n => n != node).Select(n => $"nats-route://127.0.0.1:{n.ClusterPort}")];
        }

        var cluster = new ChaosCluster(nodes);
        try
        {
            await Task.WhenAll(nodes.Select(n => n.StartAsync()));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Waits until every node has a route to every other; returns how long that took (for the report, never asserted).</summary>
    public async Task<TimeSpan> WaitMeshAsync(TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        await Eventually.TrueAsync(async () =>
        {
            int[] counts = await Task.WhenAll(_nodes.Select(n => n.RouteCountAsync()));
            return counts.All(c => c == _nodes.Length - 1);
        }, "full mesh", timeout ?? TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(10));
        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ChaosNode node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}
