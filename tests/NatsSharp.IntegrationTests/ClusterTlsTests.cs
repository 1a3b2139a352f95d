using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.Tls;

namespace NatsSharp.IntegrationTests;

/// <summary>Route TLS with verification in both directions, between NatsSharp nodes and with nats-server.</summary>
public class ClusterTlsTests
{
    private static TlsOptions RouteTls(TestCertificates ca, string name)
    {
        var (cert, key) = ca.IssueRoute(name);
        return new TlsOptions { CertFile = cert, KeyFile = key, CaFile = ca.CaFile, Verify = true };
    }

    private static Task<TestServer> StartAsync(TlsOptions tls, params int[] routePorts) => StartAsync(tls, null, routePorts);

    private static Task<TestServer> StartAsync(TlsOptions tls, LogCapture? logs, params int[] routePorts) =>
        TestServer.StartAsync(
            o => o.Cluster = new ClusterOptions
            {
                Host = "127.0.0.1",
                Port = ServerOptions.RandomPort,
                Name = "tls-cluster",
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Tls = tls,
                Routes = [.. routePorts.Select(p => new Uri($"nats-route://127.0.0.1:{p}"))],
            },
            logs);

    [Fact]
    public async Task Routes_speak_tls_with_certificates_verified_both_ways()
    {
        var ca = TestCertificates.CreateAuthority();
        await using var a = await StartAsync(RouteTls(ca, "a"));
        await using var b = await StartAsync(RouteTls(ca, "b"), a.Server.ClusterPort);
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1 && b.Server.RouteCount == 1, "a TLS route", TimeSpan.FromSeconds(10));
        await ClusterTests.ExpectDeliveryAsync(a.Port, b.Port, "over.tls");

        // Nothing readable comes from a TLS route port before the handshake (no plaintext INFO).
        await using var plain = await RawClient.ConnectAsync(a.Server.ClusterPort, readInfo: false);
        await plain.SendAsync("CONNECT {}\r\n");
        Assert.Empty(await plain.ReadUntilClosedAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_node_whose_key_is_not_pinned_gets_no_route()
    {
        var ca = TestCertificates.CreateAuthority();
        TlsOptions bTls = RouteTls(ca, "b");
        using var bCert = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(bTls.CertFile));
        string bKey = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bCert.PublicKey.ExportSubjectPublicKeyInfo()));
        TlsOptions aTls = RouteTls(ca, "a");
        aTls.PinnedCerts = [bKey]; // a admits b only
        using var xLogs = new LogCapture();
        await using var a = await StartAsync(aTls);
        await using var x = await StartAsync(RouteTls(ca, "x"), xLogs, a.Server.ClusterPort); // same CA, key not pinned
        await using var b = await StartAsync(bTls, a.Server.ClusterPort);
        await Eventually.TrueAsync(() => b.Server.RouteCount == 1, "the pinned node's route", TimeSpan.FromSeconds(10));
        bool refusedEnough = await Eventually.ReachedAsync(() => Task.FromResult(xLogs.Count("Router connection closed") >= 2), TimeSpan.FromSeconds(10));
        Assert.True(refusedEnough, "two route attempts by the unpinned node ended" + "; logged: " + string.Join("\n", xLogs.Lines));
        Assert.Equal(0, x.Server.RouteCount);
        Assert.Equal(1, a.Server.RouteCount);
    }

    [Fact]
    public async Task Reloading_route_tls_applies_to_routes_that_connect_later()
    {
        var ca = TestCertificates.CreateAuthority();
        await using var plain = await TestServer.StartAsync(o => o.Cluster = new ClusterOptions
        {
            Host = "127.0.0.1", Port = ServerOptions.RandomPort, Name = "tls-cluster", ReconnectDelay = TimeSpan.FromMilliseconds(200),
        });
        await using var secured = await StartAsync(RouteTls(ca, "b"), plain.Server.ClusterPort);

        // A plaintext route port cannot take the TLS node's route (its TLS hello is a parse error) ...
        Assert.Equal(0, plain.Server.RouteCount);

        // ... until reload turns route TLS on: the node's next attempt becomes a route.
        ServerOptions next = plain.Server.Options.Clone();
        next.Cluster!.Tls = RouteTls(ca, "a");
        plain.Server.Reload(next);
        await Eventually.TrueAsync(() => plain.Server.RouteCount == 1 && secured.Server.RouteCount == 1, "the TLS route after reload", TimeSpan.FromSeconds(10));
        await ClusterTests.ExpectDeliveryAsync(plain.Port, secured.Port, "after.tls.reload");

        // A certificate file that cannot be read refuses the reload and changes nothing.
        ServerOptions broken = plain.Server.Options.Clone();
        broken.Cluster!.Tls = RouteTls(ca, "a");
        broken.Cluster.Tls.CertFile += ".missing";
        Assert.Throws<NatsSharp.Server.NatsServerException>(() => plain.Server.Reload(broken));
        Assert.Equal(next.Cluster.Tls.CertFile, plain.Server.Options.Cluster!.Tls!.CertFile);
    }

    [Fact]
    public async Task A_node_with_a_certificate_from_another_ca_is_refused()
    {
        var ca = TestCertificates.CreateAuthority();
        var other = TestCertificates.CreateAuthority("Some Other CA");
        await using var a = await StartAsync(RouteTls(ca, "a"));
        TlsOptions stranger = RouteTls(other, "x");
        stranger.CaFile = ca.CaFile; // it trusts our CA, but its own certificate is not ours
        await using var x = await StartAsync(stranger, a.Server.ClusterPort);
        await using var b = await StartAsync(RouteTls(ca, "b"), a.Server.ClusterPort);
        // b counts its route as soon as its side is done; a counts it when its own side is (a moment apart).
        await Eventually.TrueAsync(() => b.Server.RouteCount == 1 && a.Server.RouteCount == 1, "the legitimate node's route", TimeSpan.FromSeconds(10));
        Assert.Equal(0, x.Server.RouteCount);
        Assert.Equal(1, a.Server.RouteCount);
    }

    [Fact]
    public async Task Tls_routes_interoperate_with_nats_server()
    {
        var ca = TestCertificates.CreateAuthority();
        var (cert, key) = ca.IssueRoute("real");
        int realCluster = FreePort.Next();
        string conf = Path.Combine(ca.Directory, "real.conf");
        await File.WriteAllTextAsync(conf, $$"""
            server_name: REAL
            cluster {
              name: tls-cluster
              listen: 127.0.0.1:{{realCluster}}
              tls { cert_file: "{{cert}}", key_file: "{{key}}", ca_file: "{{ca.CaFile}}", verify: true, timeout: 3 }
            }
            """);
        await using var real = await RealNatsServer.StartAsync("-c", conf);
        await using var ours = await StartAsync(RouteTls(ca, "ours"), realCluster);
        await Eventually.TrueAsync(() => ours.Server.RouteCount == 1, "our TLS route to nats-server", TimeSpan.FromSeconds(15));
        await ClusterTests.ExpectDeliveryAsync(ours.Port, real.Port, "real.to.ours");
        await ClusterTests.ExpectDeliveryAsync(real.Port, ours.Port, "ours.to.real");

        // And the other way round: a nats-server that dials us over TLS.
        var (cert2, key2) = ca.IssueRoute("real2");
        string conf2 = Path.Combine(ca.Directory, "real2.conf");
        await File.WriteAllTextAsync(conf2, $$"""
            server_name: REAL2
            cluster {
              name: tls-cluster
              listen: 127.0.0.1:{{FreePort.Next()}}
              tls { cert_file: "{{cert2}}", key_file: "{{key2}}", ca_file: "{{ca.CaFile}}", verify: true, timeout: 3 }
              routes: [ "nats-route://127.0.0.1:{{ours.Server.ClusterPort}}" ]
            }
            """);
        await using var real2 = await RealNatsServer.StartAsync("-c", conf2);
        await Eventually.TrueAsync(() => ours.Server.RouteCount == 2, "nats-server's TLS route to us", TimeSpan.FromSeconds(15));
        await ClusterTests.ExpectDeliveryAsync(ours.Port, real2.Port, "real2.to.ours");
    }
}
