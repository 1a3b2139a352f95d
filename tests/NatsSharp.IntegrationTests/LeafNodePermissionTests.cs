using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Configuration;
using NatsSharp.Server.LeafNodes;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// A leaf that logs in to its hub as a client user with permissions may publish into the hub only
/// what the user may publish, and receives only what the user may subscribe to — the behaviour
/// observed on nats-server 2.9.10, checked for every pairing of NatsSharp and nats-server.
/// </summary>
public class LeafNodePermissionTests
{
    private static string HubConfig(int leafPort) => $$$"""
        authorization {
          users: [
            {user: lu, password: lu, permissions: {publish: ["up.>"], subscribe: ["down.>"]}}
            {user: c, password: c}
          ]
        }
        leafnodes { listen: "127.0.0.1:{{{leafPort}}}" }
        """;

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task A_leafs_user_permissions_limit_what_crosses(bool realHub, bool realLeaf)
    {
        int leafPort = FreePort.Next();
        string dir = Directory.CreateTempSubdirectory("lnperm-").FullName;
        string hubConf = Path.Combine(dir, "hub.conf");
        await File.WriteAllTextAsync(hubConf, HubConfig(leafPort));
        await using IAsyncDisposable hub = realHub
            ? await RealNatsServer.StartAsync("-c", hubConf)
            : await TestServer.StartAsync(o =>
            {
                ServerOptions loaded = ConfigBinder.Load(hubConf).Options;
                o.Users = loaded.Users;
                o.LeafNodes = loaded.LeafNodes;
            });
        int hubPort = hub is RealNatsServer r ? r.Port : ((TestServer)hub).Port;

        string leafConf = Path.Combine(dir, "leaf.conf");
        await File.WriteAllTextAsync(leafConf, $"leafnodes {{ reconnect: 1, remotes: [ {{ url: \"nats-leaf://lu:lu@127.0.0.1:{leafPort}\" }} ] }}\n");
        await using IAsyncDisposable leaf = realLeaf
            ? await RealNatsServer.StartAsync("-c", leafConf)
            : await TestServer.StartAsync(o => o.LeafNodes = new LeafNodeOptions
            {
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Remotes = [new LeafRemote { Urls = [new Uri($"nats-leaf://lu:lu@127.0.0.1:{leafPort}")] }],
            });
        int leafClientPort = leaf is RealNatsServer rl ? rl.Port : ((TestServer)leaf).Port;

        const string user = "{\"verbose\":false,\"user\":\"c\",\"pass\":\"c\"}";
        await using var onHub = await RawClient.ConnectedAsync(hubPort, user);
        await using var pubHub = await RawClient.ConnectedAsync(hubPort, user);
        await using var onLeaf = await RawClient.ConnectedAsync(leafClientPort);
        await using var pubLeaf = await RawClient.ConnectedAsync(leafClientPort);
        await onHub.SendAsync("SUB up.x 1\r\nSUB down.x 2\r\nSUB other.x 3\r\nPING\r\n");
        await onHub.ExpectAsync("PONG");
        await onLeaf.SendAsync("SUB up.x 1\r\nSUB down.x 2\r\nSUB other.x 3\r\nPING\r\n");
        await onLeaf.ExpectAsync("PONG");

        // Wait for the connection and the allowed interest in both directions.
        await Delivery.PublishUntilDeliveredAsync(pubHub, "down.x", onLeaf, attempts: 60, wait: TimeSpan.FromMilliseconds(250));
        await Delivery.SettleAsync(pubHub, "down.x", onHub); // the probes also reached the hub's own subscriber
        await Delivery.PublishUntilDeliveredAsync(pubLeaf, "up.x", onHub, attempts: 60, wait: TimeSpan.FromMilliseconds(250));
        await Delivery.SettleAsync(pubLeaf, "up.x", onLeaf);

        await pubLeaf.SendAsync("PUB up.x 1\r\nL\r\nPUB down.x 1\r\nL\r\nPUB other.x 1\r\nL\r\nPING\r\n");
        await pubLeaf.ExpectAsync("PONG");
        await pubHub.SendAsync("PUB up.x 1\r\nH\r\nPUB down.x 1\r\nH\r\nPUB other.x 1\r\nH\r\nPING\r\n");
        await pubHub.ExpectAsync("PONG");

        // The leaf may publish up.> into the hub, and receives only down.> from it. A marker from the other
        // side follows over the leaf connection (local messages were delivered before the publishers' PONGs),
        // so whatever is missing before it never crossed.
        Assert.Equal(["MSG down.x 2 1 H", "MSG other.x 3 1 H", "MSG up.x 1 1 H", "MSG up.x 1 1 L"], await Delivery.MessagesBeforeMarkerAsync(pubLeaf, "up.x", onHub));
        Assert.Equal(["MSG down.x 2 1 H", "MSG down.x 2 1 L", "MSG other.x 3 1 L", "MSG up.x 1 1 L"], await Delivery.MessagesBeforeMarkerAsync(pubHub, "down.x", onLeaf));
    }
}
