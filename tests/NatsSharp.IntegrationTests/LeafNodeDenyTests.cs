using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.LeafNodes;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// A remote's <c>deny_imports</c> (subjects the leaf will not receive) and <c>deny_exports</c>
/// (subjects it will not send), with a NatsSharp hub and with a nats-server hub.
/// </summary>
public class LeafNodeDenyTests
{
    [Fact]
    public async Task Denied_subjects_do_not_cross_a_leaf_to_a_NatsSharp_hub()
    {
        await using var hub = await TestServer.StartAsync(o => o.LeafNodes = new LeafNodeOptions { Host = "127.0.0.1", Port = ServerOptions.RandomPort });
        await using var leaf = await StartLeafAsync(hub.Server.LeafNodePort);
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 1, "the leaf connection");
        await CheckAsync(leaf.Port, hub.Port);
    }

    [Fact]
    public async Task Denied_subjects_do_not_cross_a_leaf_to_a_nats_server_hub()
    {
        int leafPort = FreePort.Next();
        string conf = Path.Combine(Directory.CreateTempSubdirectory("lndeny-").FullName, "hub.conf");
        await File.WriteAllTextAsync(conf, $"leafnodes {{ listen: 127.0.0.1:{leafPort} }}\n");
        await using var hub = await RealNatsServer.StartAsync("-c", conf);
        await using var leaf = await StartLeafAsync(leafPort);
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1, "the leaf connection", TimeSpan.FromSeconds(15));
        await CheckAsync(leaf.Port, hub.Port);
    }

    private static Task<TestServer> StartLeafAsync(int hubLeafPort) =>
        TestServer.StartAsync(o => o.LeafNodes = new LeafNodeOptions
        {
            ReconnectDelay = TimeSpan.FromMilliseconds(200),
            Remotes =
            [
                new LeafRemote
                {
                    Urls = [new Uri($"nats-leaf://127.0.0.1:{hubLeafPort}")],
                    DenyImports = ["secret.>"],
                    DenyExports = ["private.>"],
                },
            ],
        });

    private static async Task CheckAsync(int leafPort, int hubPort)
    {
        await using var onLeaf = await RawClient.ConnectedAsync(leafPort);
        await using var onHub = await RawClient.ConnectedAsync(hubPort);
        await using var pubLeaf = await RawClient.ConnectedAsync(leafPort);
        await using var pubHub = await RawClient.ConnectedAsync(hubPort);
        await onLeaf.SendAsync("SUB secret.a 1\r\nSUB > 2\r\nPING\r\n");
        await onLeaf.ExpectAsync("PONG");
        await onHub.SendAsync("SUB private.a 1\r\nSUB public.a 2\r\nPING\r\n");
        await onHub.ExpectAsync("PONG");

        // Wait until interest crossed both ways on allowed subjects.
        await Delivery.PublishUntilDeliveredAsync(pubHub, "news.a", onLeaf, attempts: 60, wait: TimeSpan.FromMilliseconds(300));
        await Delivery.PublishUntilDeliveredAsync(pubLeaf, "public.a", onHub, attempts: 60, wait: TimeSpan.FromMilliseconds(300));
        await onLeaf.DrainMessagesAsync(); // its ">" saw the leaf's own probes

        await pubHub.SendAsync("PUB secret.a 1\r\ns\r\nPUB news.a 1\r\nn\r\nPING\r\n");
        await pubHub.ExpectAsync("PONG");
        await pubLeaf.SendAsync("PUB private.a 1\r\np\r\nPUB public.a 1\r\nq\r\nPING\r\n");
        await pubLeaf.ExpectAsync("PONG");
        // deny_imports: secret.a never arrived, not even on ">" (which also sees the leaf's own publishes):
        // the hub's marker on news.a crosses the same leaf connection after it.
        Assert.Equal(["MSG news.a 2 1 n", "MSG private.a 2 1 p", "MSG public.a 2 1 q"], await Delivery.MessagesBeforeMarkerAsync(pubHub, "news.a", onLeaf));

        // deny_exports: private.a never left the leaf (the leaf's marker on public.a follows it).
        Assert.Equal(["MSG public.a 2 1 q"], await Delivery.MessagesBeforeMarkerAsync(pubLeaf, "public.a", onHub));
    }
}
