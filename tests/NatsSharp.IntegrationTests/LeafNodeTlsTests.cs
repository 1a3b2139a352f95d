using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server;
using NatsSharp.Server.LeafNodes;
using NatsSharp.Server.Tls;

namespace NatsSharp.IntegrationTests;

/// <summary>Leafnode TLS: 2.9.10's INFO-then-TLS order, 2.10's handshake_first, verification both ways, interop with nats-server.</summary>
public class LeafNodeTlsTests
{
    private static TlsOptions HubTls(TestCertificates ca, bool handshakeFirst = false)
    {
        var (cert, key) = ca.IssueRoute("hub-" + Guid.NewGuid().ToString("N"));
        return new TlsOptions { CertFile = cert, KeyFile = key, CaFile = ca.CaFile, Verify = true, HandshakeFirst = handshakeFirst };
    }

    private static TlsOptions LeafTls(TestCertificates ca, bool handshakeFirst = false)
    {
        var (cert, key) = ca.IssueRoute("leaf-" + Guid.NewGuid().ToString("N"));
        return new TlsOptions { CertFile = cert, KeyFile = key, CaFile = ca.CaFile, HandshakeFirst = handshakeFirst };
    }

    private static Task<TestServer> StartHubAsync(TlsOptions tls) =>
        TestServer.StartAsync(o =>
        {
            o.ServerName = "HUB";
            o.HttpPort = ServerOptions.RandomPort;
            o.LeafNodes = new LeafNodeOptions { Host = "127.0.0.1", Port = ServerOptions.RandomPort, Tls = tls };
        });

    private static Task<TestServer> StartLeafAsync(string url, TlsOptions? tls, string name = "LEAF", LogCapture? logs = null) =>
        TestServer.StartAsync(
            o =>
            {
                o.ServerName = name;
                o.LeafNodes = new LeafNodeOptions
                {
                    ReconnectDelay = TimeSpan.FromMilliseconds(200),
                    Remotes = [new LeafRemote { Urls = [new Uri(url)], Tls = tls }],
                };
            },
            logs);

    [Fact]
    public async Task Hub_and_leaf_speak_tls_with_certificates_verified_both_ways()
    {
        var ca = TestCertificates.CreateAuthority();
        await using var hub = await StartHubAsync(HubTls(ca));
        await using var leaf = await StartLeafAsync($"nats-leaf://127.0.0.1:{hub.Server.LeafNodePort}", LeafTls(ca));
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 1 && leaf.Server.LeafNodeCount == 1, "the TLS leaf connection", TimeSpan.FromSeconds(10));
        await ClusterTests.ExpectDeliveryAsync(hub.Port, leaf.Port, "leaf.to.hub");
        await ClusterTests.ExpectDeliveryAsync(leaf.Port, hub.Port, "hub.to.leaf");

        // As nats-server 2.9.10: the INFO comes in plaintext and says TLS is required and verified.
        await using var plain = await RawClient.ConnectAsync(hub.Server.LeafNodePort);
        Assert.Contains("\"tls_required\":true", plain.Info);
        Assert.Contains("\"tls_verify\":true", plain.Info);
        Assert.Contains("\"leafnode_urls\"", plain.Info);

        using var http = new MonitorHttp(hub.Server.MonitorPort);
        var varzLeaf = (await http.JsonAsync("/varz")).GetProperty("leaf");
        Assert.True(varzLeaf.GetProperty("tls_required").GetBoolean());
        Assert.True(varzLeaf.GetProperty("tls_verify").GetBoolean());
        Assert.Equal(2, varzLeaf.GetProperty("tls_timeout").GetDouble());
    }

    [Fact]
    public async Task Pinned_certs_on_either_side_admit_only_the_pinned_key()
    {
        var ca = TestCertificates.CreateAuthority();
        TlsOptions leafTls = LeafTls(ca);
        TlsOptions hubTls = HubTls(ca);
        static string KeyOf(TlsOptions tls)
        {
            using var cert = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(tls.CertFile));
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(cert.PublicKey.ExportSubjectPublicKeyInfo()));
        }

        hubTls.PinnedCerts = [KeyOf(leafTls)];
        await using var hub = await StartHubAsync(hubTls);
        TlsOptions strangerTls = LeafTls(ca); // same CA, another key: the hub refuses it
        using var strangerLogs = new LogCapture();
        await using var stranger = await StartLeafAsync($"nats-leaf://127.0.0.1:{hub.Server.LeafNodePort}", strangerTls, "STRANGER", strangerLogs);
        TlsOptions wrongPin = LeafTls(ca);
        wrongPin.PinnedCerts = [new string('0', 64)]; // this leaf pins a key the hub does not have
        using var pickyLogs = new LogCapture();
        await using var picky = await StartLeafAsync($"nats-leaf://127.0.0.1:{hub.Server.LeafNodePort}", wrongPin, "PICKY", pickyLogs);
        leafTls.PinnedCerts = [KeyOf(hubTls)];
        await using var leaf = await StartLeafAsync($"nats-leaf://127.0.0.1:{hub.Server.LeafNodePort}", leafTls);
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1, "the pinned leaf", TimeSpan.FromSeconds(10));
        // Each refused leaf has tried (and been closed) at least twice by the time we look.
        bool refusedEnough = await Eventually.ReachedAsync(() => Task.FromResult(strangerLogs.Count("Leafnode connection closed") >= 2 && pickyLogs.Count("TLS leafnode handshake error: certificate not pinned") >= 2), TimeSpan.FromSeconds(10));
        Assert.True(refusedEnough, "two ended attempts by each refused leaf" + "; logged: " + string.Join("\n", strangerLogs.Lines) + "\n" + string.Join("\n", pickyLogs.Lines));
        Assert.Equal(0, stranger.Server.LeafNodeCount);
        Assert.Equal(0, picky.Server.LeafNodeCount);
        Assert.Equal(1, hub.Server.LeafNodeCount);
    }

    [Fact]
    public async Task Handshake_first_on_both_sides_starts_with_tls()
    {
        var ca = TestCertificates.CreateAuthority();
        await using var hub = await StartHubAsync(HubTls(ca, handshakeFirst: true));
        await using var leaf = await StartLeafAsync($"tls://127.0.0.1:{hub.Server.LeafNodePort}", LeafTls(ca, handshakeFirst: true));
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 1 && leaf.Server.LeafNodeCount == 1, "the TLS-first leaf connection", TimeSpan.FromSeconds(10));
        await ClusterTests.ExpectDeliveryAsync(hub.Port, leaf.Port, "first.leaf.to.hub");
        await ClusterTests.ExpectDeliveryAsync(leaf.Port, hub.Port, "first.hub.to.leaf");

        // Nothing readable comes before the handshake: the hub waits for a ClientHello, then gives up.
        await using var plain = await RawClient.ConnectAsync(hub.Server.LeafNodePort, readInfo: false);
        await plain.SendAsync("CONNECT {}\r\n");
        Assert.Empty(await plain.ReadUntilClosedAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_leaf_presenting_a_certificate_from_a_foreign_ca_is_refused()
    {
        var ca = TestCertificates.CreateAuthority();
        var foreign = TestCertificates.CreateAuthority("Some Other CA");
        using var logs = new LogCapture();
        await using var hub = await TestServer.StartAsync(
            o => o.LeafNodes = new LeafNodeOptions { Host = "127.0.0.1", Port = ServerOptions.RandomPort, Tls = HubTls(ca) },
            logs);
        TlsOptions stranger = LeafTls(foreign);
        stranger.CaFile = ca.CaFile; // it trusts the hub, but its own certificate is not from the hub's CA
        await using var x = await StartLeafAsync($"nats-leaf://127.0.0.1:{hub.Server.LeafNodePort}", stranger, "STRANGER");
        await using var good = await StartLeafAsync($"nats-leaf://127.0.0.1:{hub.Server.LeafNodePort}", LeafTls(ca));
        await Eventually.TrueAsync(() => good.Server.LeafNodeCount == 1, "the legitimate leaf", TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => logs.Contains("TLS leafnode handshake error"), "the hub logging the refused handshake", TimeSpan.FromSeconds(10));
        Assert.Equal(0, x.Server.LeafNodeCount);
        Assert.Equal(1, hub.Server.LeafNodeCount);
    }

    [Fact]
    public async Task A_leaf_refuses_a_hub_its_ca_does_not_vouch_for_unless_insecure()
    {
        var ca = TestCertificates.CreateAuthority();
        var foreign = TestCertificates.CreateAuthority("Some Other CA");
        TlsOptions hubTls = HubTls(ca);
        hubTls.Verify = false; // leafs need no certificate here
        await using var hub = await StartHubAsync(hubTls);

        // No certificate of its own, only a CA that did not sign the hub's certificate.
        await using var distrustful = await StartLeafAsync($"tls://127.0.0.1:{hub.Server.LeafNodePort}", new TlsOptions { CaFile = foreign.CaFile }, "DISTRUSTFUL");
        // No tls block at all: the hub's tls_required upgrades the connection, checked against the system store.
        await using var system = await StartLeafAsync($"nats-leaf://127.0.0.1:{hub.Server.LeafNodePort}", tls: null, "SYSTEM");
        // insecure: any certificate is accepted.
        await using var insecure = await StartLeafAsync($"nats-leaf://127.0.0.1:{hub.Server.LeafNodePort}", new TlsOptions { Insecure = true }, "INSECURE");
        // The right CA and no client certificate.
        await using var trusting = await StartLeafAsync($"tls://127.0.0.1:{hub.Server.LeafNodePort}", new TlsOptions { CaFile = ca.CaFile }, "TRUSTING");

        await Eventually.TrueAsync(() => insecure.Server.LeafNodeCount == 1 && trusting.Server.LeafNodeCount == 1, "the insecure and the trusting leaf", TimeSpan.FromSeconds(10));
        await ClusterTests.ExpectDeliveryAsync(trusting.Port, hub.Port, "to.trusting");
        Assert.Equal(0, distrustful.Server.LeafNodeCount);
        Assert.Equal(0, system.Server.LeafNodeCount);
        Assert.Equal(2, hub.Server.LeafNodeCount);
    }

    [Fact]
    public async Task NatsSharp_leaf_on_a_nats_server_hub_over_tls()
    {
        var ca = TestCertificates.CreateAuthority();
        var (cert, key) = ca.IssueRoute("realhub");
        int leafPort = FreePort.Next();
        string conf = Path.Combine(ca.Directory, "hub.conf");
        await File.WriteAllTextAsync(conf, $$"""
            server_name: REALHUB
            leafnodes {
              listen: 127.0.0.1:{{leafPort}}
              tls { cert_file: "{{cert}}", key_file: "{{key}}", ca_file: "{{ca.CaFile}}", verify: true, timeout: 3 }
            }
            """);
        await using var real = await RealNatsServer.StartAsync("-c", conf);
        await using var leaf = await StartLeafAsync($"nats-leaf://127.0.0.1:{leafPort}", LeafTls(ca));
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1, "our TLS leaf connection to nats-server", TimeSpan.FromSeconds(15));
        await ClusterTests.ExpectDeliveryAsync(real.Port, leaf.Port, "tls.leaf.to.real");
        await ClusterTests.ExpectDeliveryAsync(leaf.Port, real.Port, "tls.real.to.leaf");
    }

    [Fact]
    public async Task nats_server_leaf_on_a_NatsSharp_hub_over_tls()
    {
        var ca = TestCertificates.CreateAuthority();
        await using var hub = await StartHubAsync(HubTls(ca));
        var (cert, key) = ca.IssueRoute("realleaf");
        string conf = Path.Combine(ca.Directory, "leaf.conf");
        await File.WriteAllTextAsync(conf, $$"""
            server_name: REALLEAF
            leafnodes {
              reconnect: 1
              remotes = [ {
                url: "tls://127.0.0.1:{{hub.Server.LeafNodePort}}"
                tls { cert_file: "{{cert}}", key_file: "{{key}}", ca_file: "{{ca.CaFile}}", timeout: 3 }
              } ]
            }
            """);
        await using var real = await RealNatsServer.StartAsync("-c", conf);
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 1, "nats-server's TLS leaf connection to us", TimeSpan.FromSeconds(15));
        await ClusterTests.ExpectDeliveryAsync(hub.Port, real.Port, "tls.real.leaf.to.hub");
        await ClusterTests.ExpectDeliveryAsync(real.Port, hub.Port, "tls.hub.to.real.leaf");
    }
}
