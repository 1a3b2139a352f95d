using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Cluster;

namespace NatsSharp.IntegrationTests;

/// <summary>Routes between NatsSharp nodes: handshake, gossip to a full mesh, interest, queue groups, failover.</summary>
public class ClusterTests
{
    internal static Task<TestServer> StartNodeAsync(string name, params int[] seedPorts) =>
        StartNodeAsync(name, static _ => { }, seedPorts);

    /// <summary>A node of a loopback cluster routed to <paramref name="seedPorts"/>; <paramref name="tweak"/> adjusts its cluster block.</summary>
    internal static Task<TestServer> StartNodeAsync(string name, Action<ClusterOptions> tweak, params int[] seedPorts) =>
        TestServer.StartAsync(o =>
        {
            o.ServerName = name;
            o.Cluster = new ClusterOptions
            {
                Host = "127.0.0.1",
                Port = ServerOptions.RandomPort,
                Name = "test-cluster",
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Routes = [.. seedPorts.Select(p => new Uri($"nats-route://127.0.0.1:{p}"))],
            };
            tweak(o.Cluster);
        });

    internal static async Task ExpectDeliveryAsync(int subPort, int pubPort, string subject)
    {
        await using var sub = await RawClient.ConnectedAsync(subPort);
        await sub.SendAsync($"SUB {subject} 1\r\nPING\r\n");
        await sub.ExpectAsync("PONG");
        await using var pub = await RawClient.ConnectedAsync(pubPort);
        // Interest crosses the route asynchronously: publish until the first message arrives.
        await Delivery.PublishUntilDeliveredAsync(pub, subject, sub, "hi");
    }

    [Fact]
    public async Task Two_nodes_route_messages_both_ways()
    {
        await using var a = await StartNodeAsync("A");
        await using var b = await StartNodeAsync("B", a.Server.ClusterPort);
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1 && b.Server.RouteCount == 1, "one route on each node");
        await ExpectDeliveryAsync(a.Port, b.Port, "from.b");
        await ExpectDeliveryAsync(b.Port, a.Port, "from.a");
    }

    [Fact]
    public async Task Three_nodes_with_one_seed_form_a_full_mesh_and_survive_a_restart()
    {
        await using var a = await StartNodeAsync("A");
        await using var b = await StartNodeAsync("B", a.Server.ClusterPort);
        var c = await StartNodeAsync("C", a.Server.ClusterPort);
        await Eventually.TrueAsync(() => a.Server.RouteCount == 2 && b.Server.RouteCount == 2 && c.Server.RouteCount == 2, "every node has 2 routes", TimeSpan.FromSeconds(10));

        await ExpectDeliveryAsync(b.Port, c.Port, "c.to.b");
        await ExpectDeliveryAsync(c.Port, b.Port, "b.to.c");
        await ExpectDeliveryAsync(a.Port, c.Port, "c.to.a");

        // Kill C: A and B keep serving each other.
        await c.DisposeAsync();
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1 && b.Server.RouteCount == 1, "C gone from A and B");
        await ExpectDeliveryAsync(a.Port, b.Port, "after.c.left");

        // C comes back (a new process in real life): it rejoins the full mesh.
        await using var c2 = await StartNodeAsync("C", a.Server.ClusterPort);
        await Eventually.TrueAsync(() => a.Server.RouteCount == 2 && b.Server.RouteCount == 2 && c2.Server.RouteCount == 2, "full mesh again", TimeSpan.FromSeconds(10));
        await ExpectDeliveryAsync(b.Port, c2.Port, "c2.to.b");
    }

    [Fact]
    public async Task A_queue_group_across_the_cluster_gets_each_message_once_and_prefers_local_members()
    {
        await using var a = await StartNodeAsync("A");
        await using var b = await StartNodeAsync("B", a.Server.ClusterPort);
        await using var c = await StartNodeAsync("C", a.Server.ClusterPort);
        await Eventually.TrueAsync(() => a.Server.RouteCount == 2 && b.Server.RouteCount == 2 && c.Server.RouteCount == 2, "full mesh", TimeSpan.FromSeconds(10));

        await using var onB = await RawClient.ConnectedAsync(b.Port);
        await using var onC = await RawClient.ConnectedAsync(c.Port);
        // Each member also subscribes to "done", where the publisher's marker follows its messages.
        await onB.SendAsync("SUB jobs workers 1\r\nSUB done 2\r\nPING\r\n");
        await onB.ExpectAsync("PONG");
        await onC.SendAsync("SUB jobs workers 1\r\nSUB done 2\r\nPING\r\n");
        await onC.ExpectAsync("PONG");
        await Eventually.TrueAsync(() => a.Server.GlobalAccount.Sublist.Count == 4, "A sees both remote members (and their markers)");

        // From A (no local member): each message goes to exactly one of B and C.
        const int count = 200;
        await using var pub = await RawClient.ConnectedAsync(a.Port);
        await pub.SendAsync(string.Concat(Enumerable.Repeat("PUB jobs 1\r\nj\r\n", count)) + "PING\r\n");
        await pub.ExpectAsync("PONG");
        int got = await CountMessagesAsync(onB, pub, "done") + await CountMessagesAsync(onC, pub, "done");
        Assert.Equal(count, got);

        // From B (a local member exists): all stay on B.
        await using var pubB = await RawClient.ConnectedAsync(b.Port);
        await Delivery.PublishUntilDeliveredAsync(pubB, "done", onC); // B knows C's marker subscription
        await pubB.SendAsync(string.Concat(Enumerable.Repeat("PUB jobs 1\r\nj\r\n", 50)) + "PING\r\n");
        await pubB.ExpectAsync("PONG");
        Assert.Equal(50, await CountMessagesAsync(onB, pubB, "done"));
        Assert.Equal(0, await CountMessagesAsync(onC, pubB, "done"));
    }

    /// <summary>
    /// Counts the messages <paramref name="client"/> receives before a marker that <paramref name="publisher"/>
    /// sends on <paramref name="markerSubject"/> (the client subscribes to it and its interest is known there):
    /// over one hop the marker comes after everything published before it, so nothing late is missed.
    /// </summary>
    internal static async Task<int> CountMessagesAsync(RawClient client, RawClient publisher, string markerSubject) =>
        (await Delivery.MessagesBeforeMarkerAsync(publisher, markerSubject, client)).Count;

    [Fact]
    public async Task Plain_subscribers_on_several_nodes_each_get_one_copy()
    {
        await using var a = await StartNodeAsync("A");
        await using var b = await StartNodeAsync("B", a.Server.ClusterPort);
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1 && b.Server.RouteCount == 1, "routes");
        await using var onB = await RawClient.ConnectedAsync(b.Port);
        await onB.SendAsync("SUB fan.* 1\r\nSUB fan.> 2\r\nSUB fan.x 3\r\nPING\r\n");
        await onB.ExpectAsync("PONG");
        await Eventually.TrueAsync(() => a.Server.GlobalAccount.Sublist.Count == 3, "A sees B's 3 subjects");
        await using var pub = await RawClient.ConnectedAsync(a.Port);
        await pub.SendAsync("PUB fan.x 1\r\nx\r\nPING\r\n");
        await pub.ExpectAsync("PONG");
        Assert.Equal(3, await CountMessagesAsync(onB, pub, "fan.x")); // one RMSG over the route, three local deliveries
        Assert.Equal(2, a.Server.Stats.OutMsgs); // one for the message and one for the marker
    }

    [Fact]
    public async Task Clients_learn_the_cluster_urls()
    {
        await using var a = await StartNodeAsync("A");
        await using var client = await RawClient.ConnectedAsync(a.Port, "{\"verbose\":false,\"protocol\":1}");
        Assert.Contains("\"cluster\":\"test-cluster\"", client.Info);
        Assert.DoesNotContain("connect_urls", client.Info); // alone: none yet, as nats-server
        await using var b = await StartNodeAsync("B", a.Server.ClusterPort);
        string info = await client.ReadLineAsync(TimeSpan.FromSeconds(10));
        while (info == "PING")
        {
            await client.SendAsync("PONG\r\n");
            info = await client.ReadLineAsync(TimeSpan.FromSeconds(10));
        }

        Assert.StartsWith("INFO ", info);
        Assert.Contains($"\"connect_urls\":[\"127.0.0.1:{a.Port}\",\"127.0.0.1:{b.Port}\"]", info);
    }

    [Fact]
    public async Task Interest_goes_away_when_the_subscriber_leaves()
    {
        await using var a = await StartNodeAsync("A");
        await using var b = await StartNodeAsync("B", a.Server.ClusterPort);
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1 && b.Server.RouteCount == 1, "routes");
        var sub = await RawClient.ConnectedAsync(b.Port);
        await sub.SendAsync("SUB gone 1\r\nSUB gone q 2\r\nPING\r\n");
        await sub.ExpectAsync("PONG");
        await Eventually.TrueAsync(() => a.Server.GlobalAccount.Sublist.Count == 2, "A sees the interest");
        await sub.DisposeAsync();
        await Eventually.TrueAsync(() => a.Server.GlobalAccount.Sublist.Count == 0, "A drops the interest");
    }

    [Fact]
    public async Task A_route_with_wrong_credentials_is_refused()
    {
        await using var a = await TestServer.StartAsync(o => o.Cluster = new ClusterOptions
        {
            Host = "127.0.0.1", Port = -1, Name = "secure", Username = "ruser", Password = "rpass",
        });
        await using var bad = await TestServer.StartAsync(o => o.Cluster = new ClusterOptions
        {
            Host = "127.0.0.1", Port = -1, Name = "secure", ReconnectDelay = TimeSpan.FromMilliseconds(200),
            Routes = [new Uri($"nats-route://ruser:wrong@127.0.0.1:{a.Server.ClusterPort}")],
        });
        await using var good = await TestServer.StartAsync(o => o.Cluster = new ClusterOptions
        {
            Host = "127.0.0.1", Port = -1, Name = "secure", ReconnectDelay = TimeSpan.FromMilliseconds(200),
            Routes = [new Uri($"nats-route://ruser:rpass@127.0.0.1:{a.Server.ClusterPort}")],
        });
        // Each side registers the route on the other's INFO, so wait for both ends.
        await Eventually.TrueAsync(() => good.Server.RouteCount == 1 && a.Server.RouteCount == 1, "the route with the right password");
        // The refused side registers A briefly on A's INFO, before A reads its CONNECT (nats-server
        // does the same), so what counts is that A only ever holds the good route.
        Assert.Equal([good.Server.ServerId], a.Server.Cluster!.Routes.Select(r => r.RemoteId));
        await Eventually.TrueAsync(() => bad.Server.RouteCount == 0, "the refused route is dropped");
    }

    [Fact]
    public async Task A_client_on_the_route_port_is_told_so()
    {
        await using var a = await StartNodeAsync("A");
        await using var c = await RawClient.ConnectAsync(a.Server.ClusterPort);
        await c.SendAsync("CONNECT {\"lang\":\"go\",\"verbose\":false}\r\n");
        Assert.Equal(["-ERR 'attempted to connect to route port'"], await c.ReadUntilClosedAsync());
    }

    [Fact]
    public async Task Cluster_names_that_differ_are_rejected()
    {
        await using var a = await TestServer.StartAsync(o => o.Cluster = new ClusterOptions { Host = "127.0.0.1", Port = -1, Name = "one" });
        await using var c = await RawClient.ConnectAsync(a.Server.ClusterPort);
        await c.SendAsync("CONNECT {\"verbose\":false,\"name\":\"NFAKE\",\"cluster\":\"two\"}\r\n");
        Assert.Equal(["-ERR 'Rejecting connection, cluster name \"two\" does not match \"one\"'"], await c.ReadUntilClosedAsync());
    }

    [Fact]
    public async Task Reload_adds_and_removes_routes_live()
    {
        await using var a = await StartNodeAsync("A");
        await using var b = await StartNodeAsync("B");
        Assert.Equal(0, b.Server.RouteCount);

        ServerOptions withRoute = b.Server.Options.Clone();
        withRoute.Cluster!.Routes = [new Uri($"nats-route://127.0.0.1:{a.Server.ClusterPort}")];
        b.Server.Reload(withRoute);
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1 && b.Server.RouteCount == 1, "the route added by reload");
        await ExpectDeliveryAsync(a.Port, b.Port, "after.reload");

        ServerOptions withoutRoute = b.Server.Options.Clone();
        withoutRoute.Cluster!.Routes = [];
        b.Server.Reload(withoutRoute);
        await Eventually.TrueAsync(() => a.Server.RouteCount == 0 && b.Server.RouteCount == 0, "the route removed by reload");
        await Task.Delay(500); // a removed route must not come back by itself
        Assert.Equal(0, b.Server.RouteCount);
    }

    [Fact]
    public async Task A_node_in_lame_duck_mode_is_dropped_from_its_peers_connect_urls()
    {
        await using var a = await StartNodeAsync("A");
        var b = await TestServer.StartAsync(o =>
        {
            o.ServerName = "B";
            o.LameDuckGracePeriod = TimeSpan.FromSeconds(5);
            o.LameDuckDuration = TimeSpan.FromSeconds(30);
            o.Cluster = new ClusterOptions
            {
                Host = "127.0.0.1", Port = -1, Name = "test-cluster",
                Routes = [new Uri($"nats-route://127.0.0.1:{a.Server.ClusterPort}")],
            };
        });
        await using var bClient = await RawClient.ConnectedAsync(b.Port); // keeps B in lame duck for a while
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1, "the route");
        await using (var before = await RawClient.ConnectAsync(a.Port))
        {
            Assert.Contains($"127.0.0.1:{b.Port}", before.Info);
        }

        Task ldm = b.Server.LameDuckAsync();
        await Eventually.TrueAsync(
            async () =>
            {
                await using var probe = await RawClient.ConnectAsync(a.Port);
                return !probe.Info.Contains($"127.0.0.1:{b.Port}", StringComparison.Ordinal);
            },
            "A no longer advertising the lame-duck node B");

        await b.DisposeAsync();
        await ldm.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
