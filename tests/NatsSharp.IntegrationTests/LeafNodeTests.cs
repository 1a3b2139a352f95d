using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.LeafNodes;

namespace NatsSharp.IntegrationTests;

/// <summary>Leafnodes: NatsSharp as hub and as leaf, with each other and with the real nats-server.</summary>
public class LeafNodeTests
{
    private static Task<TestServer> StartHubAsync(int port = ServerOptions.RandomPort, string user = "", string password = "") =>
        TestServer.StartAsync(o =>
        {
            o.ServerName = "HUB";
            o.LeafNodes = new LeafNodeOptions { Host = "127.0.0.1", Port = port, Username = user, Password = password };
        });

    private static Task<TestServer> StartLeafAsync(string url) =>
        TestServer.StartAsync(o =>
        {
            o.ServerName = "LEAF";
            o.LeafNodes = new LeafNodeOptions
            {
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Remotes = [new LeafRemote { Urls = [new Uri(url)] }],
            };
        });

    [Fact]
    public async Task Hub_and_leaf_exchange_messages_both_ways_with_request_reply()
    {
        await using var hub = await StartHubAsync();
        await using var leaf = await StartLeafAsync($"nats-leaf://127.0.0.1:{hub.Server.LeafNodePort}");
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 1 && leaf.Server.LeafNodeCount == 1, "the leaf connection", TimeSpan.FromSeconds(10));

        await ClusterTests.ExpectDeliveryAsync(hub.Port, leaf.Port, "leaf.to.hub");
        await ClusterTests.ExpectDeliveryAsync(leaf.Port, hub.Port, "hub.to.leaf");

        // A service on the hub answers a requester on the leaf (the reply inbox crosses back).
        await using var service = await RawClient.ConnectedAsync(hub.Port);
        await service.SendAsync("SUB svc 1\r\nPING\r\n");
        await service.ExpectAsync("PONG");
        await using var requester = await RawClient.ConnectedAsync(leaf.Port);
        await requester.SendAsync("SUB _INBOX.r 9\r\nPING\r\n");
        await requester.ExpectAsync("PONG");
        await Eventually.TrueAsync(() => hub.Server.GlobalAccount.Sublist.Count == 3 && leaf.Server.GlobalAccount.Sublist.Count == 3, "interest (and each other's $LDS) on both sides");
        await requester.SendAsync("PUB svc _INBOX.r 4\r\nping\r\n");
        await service.ExpectAsync("MSG svc 1 _INBOX.r 4");
        await service.ExpectAsync("ping");
        await service.SendAsync("PUB _INBOX.r 4\r\npong\r\n");
        await requester.ExpectAsync("MSG _INBOX.r 9 4");
        await requester.ExpectAsync("pong");
    }

    [Fact]
    public async Task Queue_groups_prefer_local_members_and_cross_when_none_is_local()
    {
        await using var hub = await StartHubAsync();
        await using var leaf = await StartLeafAsync($"nats-leaf://127.0.0.1:{hub.Server.LeafNodePort}");
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 1, "the leaf connection", TimeSpan.FromSeconds(10));
        await using var onHub = await RawClient.ConnectedAsync(hub.Port);
        await using var onLeaf = await RawClient.ConnectedAsync(leaf.Port);
        // Each member also subscribes to "done", where the publisher's marker follows its messages.
        await onHub.SendAsync("SUB work grp 1\r\nSUB done 2\r\nPING\r\n");
        await onHub.ExpectAsync("PONG");
        await onLeaf.SendAsync("SUB work grp 1\r\nSUB done 2\r\nPING\r\n");
        await onLeaf.ExpectAsync("PONG");
        // Each side also holds the other's $LDS.<id> loop-detection subject.
        await Eventually.TrueAsync(() => hub.Server.GlobalAccount.Sublist.Count == 5 && leaf.Server.GlobalAccount.Sublist.Count == 5, "both members (and markers) known on both sides");

        await using var pubHub = await RawClient.ConnectedAsync(hub.Port);
        await pubHub.SendAsync(string.Concat(Enumerable.Repeat("PUB work 1\r\nw\r\n", 50)) + "PING\r\n");
        await pubHub.ExpectAsync("PONG");
        Assert.Equal(50, await ClusterTests.CountMessagesAsync(onHub, pubHub, "done"));
        Assert.Equal(0, await ClusterTests.CountMessagesAsync(onLeaf, pubHub, "done"));

        // The hub's member leaves: the leaf's member now gets the hub's messages, each exactly once.
        await onHub.SendAsync("UNSUB 1\r\n");
        await onHub.DrainMessagesAsync(); // up to its PONG; the last marker also reached it
        await Eventually.TrueAsync(() => hub.Server.GlobalAccount.Sublist.Count == 4, "only the leaf's member (and the markers and $LDS) left");
        await pubHub.SendAsync(string.Concat(Enumerable.Repeat("PUB work 1\r\nw\r\n", 50)) + "PING\r\n");
        await pubHub.ExpectAsync("PONG");
        Assert.Equal(50, await ClusterTests.CountMessagesAsync(onLeaf, pubHub, "done"));
    }

    [Fact]
    public async Task A_leaf_with_wrong_credentials_is_refused()
    {
        await using var hub = await StartHubAsync(user: "leafuser", password: "lp");
        await using var bad = await StartLeafAsync($"nats-leaf://leafuser:wrong@127.0.0.1:{hub.Server.LeafNodePort}");
        await using var good = await StartLeafAsync($"nats-leaf://leafuser:lp@127.0.0.1:{hub.Server.LeafNodePort}");
        await Eventually.TrueAsync(() => good.Server.LeafNodeCount == 1, "the leaf with the right password", TimeSpan.FromSeconds(10));
        Assert.Equal(0, bad.Server.LeafNodeCount);
        Assert.Equal(1, hub.Server.LeafNodeCount);
    }

    [Fact]
    public async Task The_leaf_reconnects_after_the_hub_restarts()
    {
        int port = FreePort.Next();
        var hub = await StartHubAsync(port);
        await using var leaf = await StartLeafAsync($"nats-leaf://127.0.0.1:{port}");
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1, "the first connection", TimeSpan.FromSeconds(10));
        await hub.DisposeAsync();
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 0, "the leaf noticing the hub is gone");
        await using var hub2 = await StartHubAsync(port);
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1 && hub2.Server.LeafNodeCount == 1, "the reconnection", TimeSpan.FromSeconds(10));
        await ClusterTests.ExpectDeliveryAsync(hub2.Port, leaf.Port, "after.restart");
    }

    [Fact]
    public async Task A_client_on_the_leafnode_port_is_told_so()
    {
        await using var hub = await StartHubAsync();
        await using var c = await RawClient.ConnectAsync(hub.Server.LeafNodePort);
        Assert.Contains("\"leafnode_urls\"", c.Info);
        await c.SendAsync("CONNECT {\"lang\":\"go\"}\r\n");
        Assert.Equal(["-ERR 'attempted to connect to leaf node port'"], await c.ReadUntilClosedAsync());
    }

    [Fact]
    public async Task NatsSharp_leaf_on_a_nats_server_hub()
    {
        int leafPort = FreePort.Next();
        string conf = Path.Combine(Directory.CreateTempSubdirectory("leaf-hub-").FullName, "hub.conf");
        await File.WriteAllTextAsync(conf, $"server_name: REALHUB\nleafnodes {{ listen: 127.0.0.1:{leafPort} }}\n");
        await using var real = await RealNatsServer.StartAsync("-c", conf);
        await using var leaf = await StartLeafAsync($"nats-leaf://127.0.0.1:{leafPort}");
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1, "our leaf connection to nats-server", TimeSpan.FromSeconds(15));
        await ClusterTests.ExpectDeliveryAsync(real.Port, leaf.Port, "leaf.to.real");
        await ClusterTests.ExpectDeliveryAsync(leaf.Port, real.Port, "real.to.leaf");
    }

    [Fact]
    public async Task nats_server_leaf_on_a_NatsSharp_hub()
    {
        await using var hub = await StartHubAsync();
        string conf = Path.Combine(Directory.CreateTempSubdirectory("leaf-spoke-").FullName, "leaf.conf");
        await File.WriteAllTextAsync(conf, $"server_name: REALLEAF\nleafnodes {{ reconnect: 1, remotes = [ {{ url: \"nats-leaf://127.0.0.1:{hub.Server.LeafNodePort}\" }} ] }}\n");
        await using var real = await RealNatsServer.StartAsync("-c", conf);
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 1, "nats-server's leaf connection to us", TimeSpan.FromSeconds(15));
        await ClusterTests.ExpectDeliveryAsync(hub.Port, real.Port, "real.leaf.to.hub");
        await ClusterTests.ExpectDeliveryAsync(real.Port, hub.Port, "hub.to.real.leaf");
    }

    [Fact]
    public async Task A_leaf_behind_a_cluster_gets_each_message_once()
    {
        await using var a = await TestServer.StartAsync(o =>
        {
            o.ServerName = "A";
            o.Cluster = new Server.Cluster.ClusterOptions { Host = "127.0.0.1", Port = -1, Name = "test-cluster" };
            o.LeafNodes = new LeafNodeOptions { Host = "127.0.0.1", Port = -1 };
        });
        await using var b = await ClusterTests.StartNodeAsync("B", a.Server.ClusterPort);
        await using var leaf = await StartLeafAsync($"nats-leaf://127.0.0.1:{a.Server.LeafNodePort}");
        await Eventually.TrueAsync(() => b.Server.RouteCount == 1 && leaf.Server.LeafNodeCount == 1, "route and leaf", TimeSpan.FromSeconds(10));

        await using var sub = await RawClient.ConnectedAsync(leaf.Port);
        await sub.SendAsync("SUB edge.> 1\r\nPING\r\n");
        await sub.ExpectAsync("PONG");
        await using var pub = await RawClient.ConnectedAsync(b.Port);

        // B learns the leaf's interest through A asynchronously: probe until it arrives.
        await Delivery.PublishUntilDeliveredAsync(pub, "edge.probe", sub, "p");

        await pub.SendAsync(string.Concat(Enumerable.Repeat("PUB edge.x 1\r\nx\r\n", 100)) + "PING\r\n");
        await pub.ExpectAsync("PONG");
        Assert.Equal(100, await ClusterTests.CountMessagesAsync(sub, pub, "edge.done"));
    }

    [Fact]
    public async Task Echoing_the_hubs_loop_detection_subject_is_a_loop()
    {
        await using var hub = await StartHubAsync();
        await using var fake = await RawClient.ConnectAsync(hub.Server.LeafNodePort);
        await fake.SendAsync("CONNECT {\"name\":\"FAKE\",\"headers\":true}\r\n");
        string lds = "";
        while (lds.Length == 0)
        {
            string line = await fake.ReadLineAsync();
            if (line.StartsWith("LS+ $LDS.", StringComparison.Ordinal))
            {
                lds = line["LS+ ".Length..];
            }
        }

        await fake.SendAsync($"LS+ {lds}\r\n");
        List<string> rest = await fake.ReadUntilClosedAsync();
        Assert.Contains("-ERR 'Loop detected for leafnode account=\"$G\". Delaying attempt to reconnect for 30s'", rest);
    }

    [Fact]
    public async Task Leafz_and_varz_report_the_leaf_connection()
    {
        await using var hub = await TestServer.StartAsync(o =>
        {
            o.HttpPort = ServerOptions.RandomPort;
            o.LeafNodes = new LeafNodeOptions { Host = "127.0.0.1", Port = -1 };
        });
        await using var leaf = await StartLeafAsync($"nats-leaf://127.0.0.1:{hub.Server.LeafNodePort}");
        await using var sub = await RawClient.ConnectedAsync(leaf.Port);
        await sub.SendAsync("SUB orders.> 1\r\nPING\r\n");
        await sub.ExpectAsync("PONG");
        await Eventually.TrueAsync(() => hub.Server.GlobalAccount.Sublist.Count == 2, "the leaf's interest (and its $LDS) on the hub", TimeSpan.FromSeconds(10));

        using var http = new MonitorHttp(hub.Server.MonitorPort);
        var leafz = await http.JsonAsync("/leafz?subs=1");
        Assert.Equal(1, leafz.GetProperty("leafnodes").GetInt32());
        var entry = leafz.GetProperty("leafs")[0];
        Assert.Equal("$G", entry.GetProperty("account").GetString());
        Assert.Equal(2, entry.GetProperty("subscriptions").GetInt32());
        Assert.Contains("orders.>", entry.GetProperty("subscriptions_list").EnumerateArray().Select(e => e.GetString()));

        var varz = await http.JsonAsync("/varz");
        Assert.Equal(1, varz.GetProperty("leafnodes").GetInt32());
        Assert.Equal(hub.Server.LeafNodePort, varz.GetProperty("leaf").GetProperty("port").GetInt32());
    }
}
