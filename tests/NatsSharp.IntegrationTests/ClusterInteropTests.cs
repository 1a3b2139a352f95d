using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Cluster;

namespace NatsSharp.IntegrationTests;

/// <summary>Mixed clusters of NatsSharp and the real nats-server 2.9.10, in every direction.</summary>
public class ClusterInteropTests
{
    private static Task<TestServer> StartOursAsync(string name, string cluster, params int[] routePorts) =>
        TestServer.StartAsync(o =>
        {
            o.ServerName = name;
            o.Cluster = new ClusterOptions
            {
                Host = "127.0.0.1",
                Port = ServerOptions.RandomPort,
                Name = cluster,
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Routes = [.. routePorts.Select(p => new Uri($"nats-route://127.0.0.1:{p}"))],
            };
        });

    private static Task<RealNatsServer> StartRealAsync(string name, string cluster, int clusterPort, params int[] routePorts)
    {
        var args = new List<string> { "-n", name, "--cluster", $"nats://127.0.0.1:{clusterPort}", "--cluster_name", cluster };
        if (routePorts.Length > 0)
        {
            args.Add("--routes");
            args.Add(string.Join(',', routePorts.Select(p => $"nats-route://127.0.0.1:{p}")));
        }

        return RealNatsServer.StartAsync([.. args]);
    }

    [Fact]
    public async Task NatsSharp_joins_a_nats_server_seed()
    {
        int realCluster = FreePort.Next();
        await using var real = await StartRealAsync("REAL", "mixed", realCluster);
        await using var ours = await StartOursAsync("OURS", "mixed", realCluster);
        await Eventually.TrueAsync(() => ours.Server.RouteCount == 1, "our route to nats-server", TimeSpan.FromSeconds(10));
        await ClusterTests.ExpectDeliveryAsync(ours.Port, real.Port, "real.to.ours");
        await ClusterTests.ExpectDeliveryAsync(real.Port, ours.Port, "ours.to.real");
    }

    [Fact]
    public async Task nats_server_joins_a_NatsSharp_seed()
    {
        await using var ours = await StartOursAsync("OURS", "mixed");
        await using var real = await StartRealAsync("REAL", "mixed", FreePort.Next(), ours.Server.ClusterPort);
        await Eventually.TrueAsync(() => ours.Server.RouteCount == 1, "nats-server's route to us", TimeSpan.FromSeconds(10));
        await ClusterTests.ExpectDeliveryAsync(ours.Port, real.Port, "real.to.ours");
        await ClusterTests.ExpectDeliveryAsync(real.Port, ours.Port, "ours.to.real");
    }

    [Fact]
    public async Task Three_node_mix_formed_by_gossip_delivers_without_loss_or_duplicates()
    {
        int seedCluster = FreePort.Next();
        await using var seed = await StartRealAsync("SEED", "mixed", seedCluster);
        await using var ours = await StartOursAsync("OURS", "mixed", seedCluster);
        await using var other = await StartRealAsync("OTHER", "mixed", FreePort.Next(), seedCluster);

        // We only know the seed; gossip must bring us the other nats-server.
        await Eventually.TrueAsync(() => ours.Server.RouteCount == 2, "a route to both nats-servers", TimeSpan.FromSeconds(15));

        await ClusterTests.ExpectDeliveryAsync(other.Port, ours.Port, "ours.to.other");
        await ClusterTests.ExpectDeliveryAsync(ours.Port, other.Port, "other.to.ours");

        // Plain subscribers on every node, one publisher on ours: each gets every message once.
        await using var s1 = await RawClient.ConnectedAsync(seed.Port);
        await using var s2 = await RawClient.ConnectedAsync(other.Port);
        await using var s3 = await RawClient.ConnectedAsync(ours.Port);
        foreach (RawClient s in new[] { s1, s2, s3 })
        {
            await s.SendAsync("SUB all 1\r\nSUB work grp 2\r\nPING\r\n");
            await s.ExpectAsync("PONG");
        }

        await Eventually.TrueAsync(() => ours.Server.GlobalAccount.Sublist.Count == 6, "our Sublist holds the 4 remote + 2 local subscriptions", TimeSpan.FromSeconds(10));

        const int count = 100;
        await using var pub = await RawClient.ConnectedAsync(ours.Port);
        await pub.SendAsync(string.Concat(Enumerable.Repeat("PUB all 1\r\na\r\nPUB work 1\r\nw\r\n", count)) + "PING\r\n");
        await pub.ExpectAsync("PONG");

        int workTotal = 0;
        foreach (RawClient s in new[] { s1, s2, s3 })
        {
            var (all, work) = await CountBySidAsync(s, pub);
            Assert.Equal(count, all);
            workTotal += work;
        }

        Assert.Equal(count, workTotal); // the queue group got each message exactly once cluster-wide
    }

    /// <summary>Counts "all" and "work" messages up to a marker <paramref name="pub"/> sends on "all" after them over the same route.</summary>
    private static async Task<(int All, int Work)> CountBySidAsync(RawClient client, RawClient pub)
    {
        List<string> got = await Delivery.MessagesBeforeMarkerAsync(pub, "all", client);
        Assert.All(got, m => Assert.Matches(@"^MSG (all 1|work 2) ", m));
        return (got.Count(m => m.StartsWith("MSG all 1 ", StringComparison.Ordinal)), got.Count(m => m.StartsWith("MSG work 2 ", StringComparison.Ordinal)));
    }
}
