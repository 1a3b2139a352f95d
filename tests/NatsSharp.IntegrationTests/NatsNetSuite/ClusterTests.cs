using NATS.Client.Core;
using NatsSharp.IntegrationTests.Chaos;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.NatsNetSuite;

/// <summary>
/// NATS.Net's NatsConnectionTest.ReconnectClusterTest and ClusterTests.Seed_urls_on_retry: a client given one node
/// learns the others from INFO (connect_urls) and fails over to one of them, and seed URLs are tried in order.
/// </summary>
public class ClusterTests
{
    [Fact]
    public async Task Client_learns_the_cluster_from_info_and_fails_over_when_its_node_dies()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosCluster cluster = await ChaosCluster.StartAsync(kind);
            await cluster.WaitMeshAsync();
            int[] ports = [.. cluster.Nodes.Select(n => n.ClientPort).Order()];

            // Routes count before a node has merged the others' client URLs from their route INFO; connecting only
            // once both nodes' /varz list all three keeps this test about the client's use of them (the async INFO
            // that tells later changes is AsyncInfoTests' subject).
            await Eventually.TrueAsync(
                async () => (await VarzPorts(cluster[0])).SequenceEqual(ports) && (await VarzPorts(cluster[1])).SequenceEqual(ports),
                "connect_urls of all three nodes in /varz",
                TimeSpan.FromSeconds(20));
            await using NatsConnection c1 = await BothServers.ConnectReconnectingAsync(cluster[0].Url);
            await using NatsConnection c2 = await BothServers.ConnectReconnectingAsync(cluster[1].Url);

            // INFO updates bring every node's client URL, also to the connection made before the mesh was whole.
            await Eventually.TrueAsync(
                () => KnownPorts(c1).SequenceEqual(ports) && KnownPorts(c2).SequenceEqual(ports),
                "connect_urls of all three nodes on both clients",
                TimeSpan.FromSeconds(20));

            await using INatsSub<int> sub = await c1.SubscribeCoreAsync<int>("cluster.subject");
            await c1.PingAsync();
            await SyncAsync(c2, sub, "interest on node 1 seen from node 2");

            var got = new List<int>();
            for (int v = 100; v <= 300; v += 100)
            {
                await c2.PublishAsync("cluster.subject", v);
            }

            got.AddRange(await TakeAsync(sub, 3));

            await cluster[0].KillAsync();
            await Eventually.TrueAsync(
                () => c1.ConnectionState == NatsConnectionState.Open && c1.ServerInfo!.Port != cluster[0].ClientPort,
                "c1 reconnected to another node it learned from INFO",
                TimeSpan.FromSeconds(30));
            await c1.PingAsync();
            await SyncAsync(c2, sub, "the re-sent subscription seen from node 2");

            for (int v = 400; v <= 500; v += 100)
            {
                await c2.PublishAsync("cluster.subject", v);
            }

            got.AddRange(await TakeAsync(sub, 2));
            Assert.Equal([100, 200, 300, 400, 500], got);
            return $"connect_urls: all {ports.Length} nodes; failed over to a surviving node: {c1.ServerInfo!.Port != cluster[0].ClientPort}; {string.Join(",", got)}";
        });
    }

    [Fact]
    public async Task Seed_urls_with_credentials_are_tried_in_order_on_retry()
    {
        const string config = "authorization { users = [ { user: a, password: b } ] }";
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode first = await BothServers.StartAsync(kind, config, "seed1");
            await using ChaosNode second = await BothServers.StartAsync(kind, config, "seed2");
            string urls = $"nats://a:b@127.0.0.1:{first.ClientPort},nats://a:b@127.0.0.1:{second.ClientPort}";
            await using NatsConnection c = await BothServers.ConnectReconnectingAsync(urls, o => o with { NoRandomize = true });
            string before = c.ServerInfo!.Name;
            await first.KillAsync();
            await Eventually.TrueAsync(
                () => c.ConnectionState == NatsConnectionState.Open && c.ServerInfo!.Name == "seed2",
                "reconnected to the second seed",
                TimeSpan.FromSeconds(20));
            await c.PingAsync();
            Assert.Equal("seed1", before);
            return $"{before} then {c.ServerInfo!.Name}";
        });
    }

    /// <summary>Publishes until <paramref name="sub"/> gets one (interest crosses routes later), then skips the extra copies up to a marker.</summary>
    private static async Task SyncAsync(NatsConnection pub, INatsSub<int> sub, string what)
    {
        await Eventually.TrueAsync(
            async () =>
            {
                await pub.PublishAsync("cluster.subject", 0);
                return sub.Msgs.TryRead(out _);
            },
            what,
            TimeSpan.FromSeconds(20),
            TimeSpan.FromMilliseconds(100));
        await pub.PublishAsync("cluster.subject", -1); // one connection, one route: earlier copies come first
        while ((await BothServers.NextAsync(sub)).Data != -1)
        {
        }
    }

    private static async Task<int[]> VarzPorts(ChaosNode node)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var varz = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{node.MonitorPort}/varz"));
        var ports = new List<int> { node.ClientPort };
        if (varz.RootElement.TryGetProperty("connect_urls", out System.Text.Json.JsonElement urls))
        {
            ports.AddRange(urls.EnumerateArray().Select(u => new Uri("nats://" + u.GetString()).Port));
        }

        return [.. ports.Distinct().Order()];
    }

    private static int[] KnownPorts(NatsConnection c) =>
        [.. (c.ServerInfo?.ClientConnectUrls ?? []).Select(u => new Uri(u.Contains("://", StringComparison.Ordinal) ? u : "nats://" + u).Port).Distinct().Order()];

    private static async Task<List<int>> TakeAsync(INatsSub<int> sub, int count)
    {
        var got = new List<int>();
        for (int i = 0; i < count; i++)
        {
            got.Add((await BothServers.NextAsync(sub)).Data);
        }

        return got;
    }
}
