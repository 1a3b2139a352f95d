using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.LeafNodes;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// A hub cluster tells its leafs every member's leafnode URL (<c>leafnode_urls</c>, updated by
/// async INFO), so a leaf configured with one hub fails over to another; <c>advertise</c> and
/// <c>no_advertise</c> shape that list. Checked with NatsSharp and nats-server on either side.
/// </summary>
public class LeafNodeDiscoveryTests
{
    private static Task<TestServer> StartHubNodeAsync(string name, int seedClusterPort = 0, Action<LeafNodeOptions>? leaf = null) =>
        TestServer.StartAsync(o =>
        {
            o.ServerName = name;
            o.Cluster = new ClusterOptions
            {
                Host = "127.0.0.1", Port = -1, Name = "hubs", ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Routes = seedClusterPort > 0 ? [new Uri($"nats-route://127.0.0.1:{seedClusterPort}")] : [],
            };
            o.LeafNodes = new LeafNodeOptions { Host = "127.0.0.1", Port = ServerOptions.RandomPort };
            leaf?.Invoke(o.LeafNodes);
        });

    private static Task<TestServer> StartLeafAsync(int hubLeafPort) =>
        TestServer.StartAsync(o =>
        {
            o.ServerName = "LEAF";
            o.LeafNodes = new LeafNodeOptions
            {
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Remotes = [new LeafRemote { Urls = [new Uri($"nats-leaf://127.0.0.1:{hubLeafPort}")] }],
            };
        });

    /// <summary>The first INFO a leafnode port sends (what a leaf reads before its CONNECT).</summary>
    private static async Task<JsonElement> LeafInfoAsync(int leafPort)
    {
        await using RawClient raw = await RawClient.ConnectAsync(leafPort);
        return JsonDocument.Parse(raw.Info["INFO ".Length..]).RootElement.Clone();
    }

    private static string[] Urls(JsonElement info) => [.. info.GetProperty("leafnode_urls").EnumerateArray().Select(u => u.GetString()!).Order(StringComparer.Ordinal)];

    /// <summary>Messages flow both ways between a client of <paramref name="leafPort"/> and one of <paramref name="hubPort"/>.</summary>
    private static async Task ExchangeAsync(int leafPort, int hubPort)
    {
        await using var onLeaf = await RawClient.ConnectedAsync(leafPort);
        await using var onHub = await RawClient.ConnectedAsync(hubPort);
        await onLeaf.SendAsync("SUB up 1\r\nPING\r\n");
        await onLeaf.ExpectAsync("PONG");
        await Delivery.PublishUntilDeliveredAsync(onHub, "up", onLeaf, "hi", attempts: 60, wait: TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_hub_lists_its_clusters_leafnode_urls_honouring_advertise_and_no_advertise()
    {
        await using var h1 = await StartHubNodeAsync("H1", leaf: l => l.Advertise = "hub1.example.com:7001");
        await using var h2 = await StartHubNodeAsync("H2", h1.Server.ClusterPort);
        await using var h3 = await StartHubNodeAsync("H3", h1.Server.ClusterPort, l => l.NoAdvertise = true);
        await Eventually.TrueAsync(() => h1.Server.RouteCount == 2 && h2.Server.RouteCount == 2 && h3.Server.RouteCount == 2, "a full mesh");

        string h2Url = $"127.0.0.1:{h2.Server.LeafNodePort}";
        string h3Url = $"127.0.0.1:{h3.Server.LeafNodePort}";
        JsonElement info = default;
        await Eventually.TrueAsync(() => Urls(info = LeafInfoAsync(h2.Server.LeafNodePort).GetAwaiter().GetResult()).Length == 2, "h2's list");
        Assert.Equal([h2Url, "hub1.example.com:7001"], Urls(info)); // h1 advertises its public address; h3 is not told about
        JsonElement h1Info = await LeafInfoAsync(h1.Server.LeafNodePort);
        Assert.Equal("hub1.example.com", h1Info.GetProperty("host").GetString());
        Assert.Equal(7001, h1Info.GetProperty("port").GetInt32());
        Assert.Equal([h2Url, "hub1.example.com:7001"], Urls(h1Info));
        Assert.Contains(h3Url, Urls(await LeafInfoAsync(h3.Server.LeafNodePort))); // no_advertise still lists itself to its own leafs
    }

    [Fact]
    public async Task A_NatsSharp_leaf_fails_over_to_a_hub_it_learnt_from_the_cluster()
    {
        TestServer h1 = await StartHubNodeAsync("H1");
        try
        {
            await using var h2 = await StartHubNodeAsync("H2", h1.Server.ClusterPort);
            await Eventually.TrueAsync(() => h1.Server.RouteCount == 1 && h2.Server.RouteCount == 1, "the hub route");
            await using var leaf = await StartLeafAsync(h1.Server.LeafNodePort); // only h1 is configured
            await Eventually.TrueAsync(() => h1.Server.LeafNodeCount == 1, "the leaf on h1");
            await ExchangeAsync(leaf.Port, h2.Port);

            await h1.DisposeAsync();
            await Eventually.TrueAsync(() => h2.Server.LeafNodeCount == 1, "the leaf on h2", TimeSpan.FromSeconds(15));
            await ExchangeAsync(leaf.Port, h2.Port);
        }
        finally
        {
            await h1.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_NatsSharp_leaf_fails_over_within_a_nats_server_hub_cluster()
    {
        int c1 = FreePort.Next(), c2 = FreePort.Next(), l1 = FreePort.Next(), l2 = FreePort.Next();
        string dir = Directory.CreateTempSubdirectory("lndisc-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "r1.conf"), $"server_name: R1\ncluster {{ name: real, listen: 127.0.0.1:{c1} }}\nleafnodes {{ listen: 127.0.0.1:{l1} }}\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "r2.conf"), $"server_name: R2\ncluster {{ name: real, listen: 127.0.0.1:{c2}, routes: [nats-route://127.0.0.1:{c1}] }}\nleafnodes {{ listen: 127.0.0.1:{l2} }}\n");
        RealNatsServer r1 = await RealNatsServer.StartAsync("-c", Path.Combine(dir, "r1.conf"));
        try
        {
            await using RealNatsServer r2 = await RealNatsServer.StartAsync("-c", Path.Combine(dir, "r2.conf"));
            await using var leaf = await StartLeafAsync(l1);
            await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1, "the leaf on R1", TimeSpan.FromSeconds(15));
            await ExchangeAsync(leaf.Port, r2.Port); // the nats-server route is up too

            await r1.DisposeAsync();
            await ExchangeAsync(leaf.Port, r2.Port); // only possible through R2, which the leaf learnt from R1's INFO
        }
        finally
        {
            await r1.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_nats_server_leaf_fails_over_within_a_NatsSharp_hub_cluster()
    {
        TestServer h1 = await StartHubNodeAsync("H1");
        try
        {
            await using var h2 = await StartHubNodeAsync("H2", h1.Server.ClusterPort);
            await Eventually.TrueAsync(() => h1.Server.RouteCount == 1 && h2.Server.RouteCount == 1, "the hub route");
            string conf = Path.Combine(Directory.CreateTempSubdirectory("lndisc-real-").FullName, "leaf.conf");
            await File.WriteAllTextAsync(conf, $"leafnodes {{ reconnect: 1, remotes: [ {{ url: \"nats-leaf://127.0.0.1:{h1.Server.LeafNodePort}\" }} ] }}\n");
            await using RealNatsServer leaf = await RealNatsServer.StartAsync("-c", conf);
            await Eventually.TrueAsync(() => h1.Server.LeafNodeCount == 1, "the nats-server leaf on h1", TimeSpan.FromSeconds(15));

            await h1.DisposeAsync();
            await Eventually.TrueAsync(() => h2.Server.LeafNodeCount == 1, "the nats-server leaf on h2", TimeSpan.FromSeconds(20));
            await ExchangeAsync(leaf.Port, h2.Port);
        }
        finally
        {
            await h1.DisposeAsync();
        }
    }
}
