using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server;
using NatsSharp.Server.LeafNodes;
using NatsSharp.Server.Tls;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Websocket remotes (<c>ws://</c>, <c>wss://</c>) against a real nats-server 2.9.10 hub's websocket
/// port: masking (the hub refuses unmasked frames it did not agree to), no-masking, permessage-deflate.
/// </summary>
public class LeafNodeWebSocketTests
{
    /// <summary>A nats-server hub with a websocket listener (plain or TLS) and a leafnode listener (required for websocket leafs).</summary>
    private static async Task<(RealNatsServer Hub, int WsPort)> StartRealHubAsync(string dir, string websocketExtra)
    {
        int wsPort = FreePort.Next();
        string conf = Path.Combine(dir, "hub.conf");
        await File.WriteAllTextAsync(conf, $$"""
            server_name: REALHUB
            websocket {
              listen: 127.0.0.1:{{wsPort}}
              {{websocketExtra}}
            }
            leafnodes { listen: 127.0.0.1:{{FreePort.Next()}} }
            """);
        return (await RealNatsServer.StartAsync("-c", conf), wsPort);
    }

    private static Task<TestServer> StartLeafAsync(LeafRemote remote, LogCapture? logs = null) =>
        TestServer.StartAsync(
            o =>
            {
                o.ServerName = "WSLEAF";
                o.Debug = logs is not null;
                o.LeafNodes = new LeafNodeOptions { ReconnectDelay = TimeSpan.FromMilliseconds(200), Remotes = [remote] };
            },
            logs);

    /// <summary>Small and large messages (several frames' worth, compressible) both ways.</summary>
    private static async Task ExpectTrafficAsync(int hubPort, int leafPort, string prefix)
    {
        await ClusterTests.ExpectDeliveryAsync(hubPort, leafPort, prefix + ".to.hub");
        await ClusterTests.ExpectDeliveryAsync(leafPort, hubPort, prefix + ".to.leaf");
        await ExpectLargeAsync(hubPort, leafPort, prefix + ".big.to.hub");
        await ExpectLargeAsync(leafPort, hubPort, prefix + ".big.to.leaf");
    }

    private static async Task ExpectLargeAsync(int subPort, int pubPort, string subject)
    {
        string payload = string.Concat(Enumerable.Range(0, 20_000).Select(i => (char)('a' + (i * 7 % 26))));
        await using var sub = await RawClient.ConnectedAsync(subPort);
        await sub.SendAsync($"SUB {subject} 1\r\nPING\r\n");
        await sub.ExpectAsync("PONG");
        await using var pub = await RawClient.ConnectedAsync(pubPort);
        await ClusterTests.ExpectDeliveryAsync(subPort, pubPort, subject + ".probe"); // interest has crossed by now
        await Delivery.PublishUntilDeliveredAsync(pub, subject, sub, payload, attempts: 20, wait: TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task NatsSharp_leaf_over_ws_to_a_nats_server_hub_masks_its_frames()
    {
        string dir = Directory.CreateTempSubdirectory("leaf-ws-").FullName;
        var (real, wsPort) = await StartRealHubAsync(dir, "no_tls: true");
        await using var _ = real;
        using var logs = new LogCapture();
        await using var leaf = await StartLeafAsync(new LeafRemote { Urls = [new Uri($"ws://127.0.0.1:{wsPort}")] }, logs);
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1, "our websocket leaf connection", TimeSpan.FromSeconds(15));
        Assert.True(logs.Contains("Leafnode compression=false masking=true"));
        await ExpectTrafficAsync(real.Port, leaf.Port, "ws");
    }

    [Fact]
    public async Task No_masking_and_compression_are_used_when_the_hub_agrees()
    {
        string dir = Directory.CreateTempSubdirectory("leaf-ws-").FullName;
        var (real, wsPort) = await StartRealHubAsync(dir, "no_tls: true\n  compression: true");
        await using var _ = real;
        using var logs = new LogCapture();
        var remote = new LeafRemote { Urls = [new Uri($"ws://127.0.0.1:{wsPort}")], WebSocketCompression = true, WebSocketNoMasking = true };
        await using var leaf = await StartLeafAsync(remote, logs);
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1, "our websocket leaf connection", TimeSpan.FromSeconds(15));
        Assert.True(logs.Contains("Leafnode compression=true masking=false"));
        await ExpectTrafficAsync(real.Port, leaf.Port, "wsz");
    }

    [Fact]
    public async Task Compression_asked_of_a_hub_without_it_is_simply_off()
    {
        string dir = Directory.CreateTempSubdirectory("leaf-ws-").FullName;
        var (real, wsPort) = await StartRealHubAsync(dir, "no_tls: true");
        await using var _ = real;
        using var logs = new LogCapture();
        var remote = new LeafRemote { Urls = [new Uri($"ws://127.0.0.1:{wsPort}")], WebSocketCompression = true };
        await using var leaf = await StartLeafAsync(remote, logs);
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1, "our websocket leaf connection", TimeSpan.FromSeconds(15));
        Assert.True(logs.Contains("Leafnode compression=false masking=true"));
        await ClusterTests.ExpectDeliveryAsync(real.Port, leaf.Port, "wsoff.to.hub");
    }

    [Fact]
    public async Task NatsSharp_leaf_over_wss_to_a_nats_server_hub()
    {
        var ca = TestCertificates.CreateAuthority();
        var (cert, key) = ca.IssueServer("wss-" + Guid.NewGuid().ToString("N"));
        var (real, wsPort) = await StartRealHubAsync(ca.Directory, $"tls {{ cert_file: \"{cert}\", key_file: \"{key}\" }}\n  compression: true");
        await using var _ = real;
        var remote = new LeafRemote
        {
            Urls = [new Uri($"wss://127.0.0.1:{wsPort}")],
            Tls = new TlsOptions { CaFile = ca.CaFile },
            WebSocketCompression = true,
        };
        await using var leaf = await StartLeafAsync(remote);
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1, "our wss leaf connection", TimeSpan.FromSeconds(15));
        await ExpectTrafficAsync(real.Port, leaf.Port, "wss");

        // The same hub's certificate is refused by a leaf that trusts another CA.
        var foreign = TestCertificates.CreateAuthority("Some Other CA");
        using var logs = new LogCapture();
        await using var distrustful = await StartLeafAsync(new LeafRemote { Urls = [new Uri($"wss://127.0.0.1:{wsPort}")], Tls = new TlsOptions { CaFile = foreign.CaFile } }, logs);
        await Eventually.TrueAsync(() => logs.Lines.Count(l => l.Contains("TLS leafnode handshake error", StringComparison.Ordinal)) >= 2, "two refused handshakes", TimeSpan.FromSeconds(10));
        Assert.Equal(0, distrustful.Server.LeafNodeCount);
    }
}
