using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsServerException = NatsSharp.Server.NatsServerException;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>Client TLS: the upgrade after plaintext INFO, client verification, verify_and_map, and the failures.</summary>
public class TlsTests
{
    private static string TlsBlock(string certFile, string keyFile, string extra = "") =>
        $"tls {{\n  cert_file: \"{certFile}\"\n  key_file: \"{keyFile}\"\n{extra}\n}}\n";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Client_upgrades_after_plaintext_info(bool rsa)
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer(rsa: rsa);
        await using NatsServer server = await ConfiguredServer.StartAsync(TlsBlock(cert, key));
        await using TlsClient c = await TlsClient.ConnectAsync(server.Port, certs.Ca);
        Assert.StartsWith("INFO {", c.Info);
        Assert.Contains("\"tls_required\":true", c.Info);
        Assert.DoesNotContain("tls_verify", c.Info);
        await c.SendAsync("CONNECT {\"verbose\":false}\r\nSUB a 1\r\nPUB a 5\r\nhello\r\nPING\r\n");
        Assert.Equal("MSG a 1 5", await c.ReadLineAsync());
        Assert.Equal("hello", await c.ReadLineAsync());
        Assert.Equal("PONG", await c.ReadLineAsync());
    }

    [Fact]
    public async Task Plaintext_client_on_a_tls_port_is_closed_without_a_readable_error()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer();
        await using NatsServer server = await ConfiguredServer.StartAsync(TlsBlock(cert, key));
        await using RawClient c = await RawClient.ConnectAsync(server.Port);
        Assert.Contains("\"tls_required\":true", c.Info);
        await c.SendAsync("CONNECT {\"verbose\":false}\r\nPING\r\n");
        Assert.Empty(await c.ReadUntilClosedAsync());
    }

    [Fact]
    public async Task Handshake_that_never_starts_is_closed_after_the_tls_timeout()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer();
        await using NatsServer server = await ConfiguredServer.StartAsync(TlsBlock(cert, key, "  timeout: 0.5"));
        await using RawClient c = await RawClient.ConnectAsync(server.Port);
        Assert.Empty(await c.ReadUntilClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Verify_requires_a_client_certificate_from_the_configured_ca()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        TestCertificates other = TestCertificates.CreateAuthority("Some Other CA");
        var (cert, key) = certs.IssueServer();
        await using NatsServer server = await ConfiguredServer.StartAsync(TlsBlock(cert, key, $"  ca_file: \"{certs.CaFile}\"\n  verify: true"));

        using X509Certificate2 good = certs.IssueClient("CN=good");
        await using (TlsClient ok = await TlsClient.ConnectAsync(server.Port, certs.Ca, good))
        {
            Assert.Contains("\"tls_verify\":true", ok.Info);
            await ok.SendAsync("CONNECT {\"verbose\":false}\r\nPING\r\n");
            Assert.Equal("PONG", await ok.ReadLineAsync());
        }

        await AssertRefusedAsync(server.Port, certs.Ca, null);
        using X509Certificate2 foreign = other.IssueClient("CN=foreign");
        await AssertRefusedAsync(server.Port, certs.Ca, foreign);
        using X509Certificate2 expired = certs.IssueClient("CN=expired", expired: true);
        await AssertRefusedAsync(server.Port, certs.Ca, expired);
    }

    /// <summary>Refused either during the handshake or right after it (TLS 1.3 reports the client certificate verdict late).</summary>
    internal static async Task AssertRefusedAsync(int port, X509Certificate2 ca, X509Certificate2? clientCert)
    {
        TlsClient c;
        try
        {
            c = await TlsClient.ConnectAsync(port, ca, clientCert);
        }
        catch (AuthenticationException)
        {
            return; // refused in the handshake
        }

        await using (c)
        {
            try
            {
                await c.SendAsync("CONNECT {\"verbose\":false}\r\nPING\r\n");
            }
            catch (Exception e) when (RawClient.IsClosedByServer(e))
            {
                return;
            }

            Assert.Null(await c.ReadLineAsync()); // closed right after the handshake: no PONG
        }
    }

    [Fact]
    public async Task Verify_and_map_takes_the_user_from_the_certificate()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer();
        string config = TlsBlock(cert, key, $"  ca_file: \"{certs.CaFile}\"\n  verify_and_map: true") + """
            authorization {
              users = [
                { user: "alice@example.com", permissions: { publish: "alice.>" } }
                { user: "CN=bob,O=Acme", permissions: { publish: "bob.>" } }
              ]
            }
            """;
        await using NatsServer server = await ConfiguredServer.StartAsync(config);

        using X509Certificate2 alice = certs.IssueClient("CN=Alice Example", email: "alice@example.com");
        await using (TlsClient c = await TlsClient.ConnectAsync(server.Port, certs.Ca, alice))
        {
            await c.SendAsync("CONNECT {\"verbose\":false}\r\nPUB bob.x 1\r\nx\r\nPUB alice.x 1\r\nx\r\nPING\r\n");
            Assert.Equal("-ERR 'Permissions Violation for Publish to \"bob.x\"'", await c.ReadLineAsync());
            Assert.Equal("PONG", await c.ReadLineAsync());
        }

        using X509Certificate2 bob = certs.IssueClient("O=Acme, CN=bob", rsa: true);
        await using (TlsClient c = await TlsClient.ConnectAsync(server.Port, certs.Ca, bob))
        {
            await c.SendAsync("CONNECT {\"verbose\":false}\r\nPUB alice.x 1\r\nx\r\nPING\r\n");
            Assert.Equal("-ERR 'Permissions Violation for Publish to \"alice.x\"'", await c.ReadLineAsync());
            Assert.Equal("PONG", await c.ReadLineAsync());
        }

        using X509Certificate2 nobody = certs.IssueClient("CN=nobody");
        await using (TlsClient c = await TlsClient.ConnectAsync(server.Port, certs.Ca, nobody))
        {
            await c.SendAsync("CONNECT {\"verbose\":false,\"user\":\"alice@example.com\"}\r\nPING\r\n");
            Assert.Equal("-ERR 'Authorization Violation'", await c.ReadLineAsync());
            Assert.Null(await c.ReadLineAsync());
        }
    }

    [Fact]
    public async Task Nats_client_connects_over_tls_with_a_client_certificate()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer();
        await using NatsServer server = await ConfiguredServer.StartAsync(TlsBlock(cert, key, $"  ca_file: \"{certs.CaFile}\"\n  verify: true"));
        var (clientCert, clientKey) = certs.IssueClientFiles("CN=dotnet");
        await using NatsConnection conn = await NatsNetClient.ConnectAsync(
            $"tls://127.0.0.1:{server.Port}",
            o => o with { TlsOpts = new NatsTlsOpts { Mode = TlsMode.Require, CaFile = certs.CaFile, CertFile = clientCert, KeyFile = clientKey } });
        await using INatsSub<string> s = await conn.SubscribeCoreAsync<string>("secure.>");
        await conn.PublishAsync("secure.hello", "over tls");
        Assert.Equal("over tls", (await NatsNetClient.NextAsync(s)).Data);
    }

    [Fact]
    public void Missing_certificate_file_is_named_in_the_config_error()
    {
        string missing = Path.Combine(Path.GetTempPath(), "natssharp-no-such-cert.pem");
        var e = Assert.Throws<NatsSharp.Server.Configuration.ConfigException>(() =>
            NatsSharp.Server.Configuration.ConfigBinder.Load(ConfiguredServer.WriteConfig(TlsBlock(missing, missing))));
        Assert.Contains($"error parsing X509 certificate/key pair: open {missing}: no such file or directory", e.Message);
    }

    [Fact]
    public async Task Garbage_key_file_is_reported_with_the_file_name_at_start()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, _) = certs.IssueServer();
        string bad = Path.Combine(certs.Directory, "bad-key.pem");
        await File.WriteAllTextAsync(bad, "not a key");
        var options = new ServerOptions { Host = "127.0.0.1", Port = ServerOptions.RandomPort, TlsCertFile = cert, TlsKeyFile = bad };
        await using var server = new NatsServer(options);
        var e = await Assert.ThrowsAsync<NatsServerException>(() => server.StartAsync());
        Assert.StartsWith("error parsing X509 certificate/key pair: ", e.Message);
        Assert.Contains(bad, e.Message);
    }

    [Fact]
    public async Task Plain_server_info_has_no_tls_fields()
    {
        await using TestServer server = await TestServer.StartAsync();
        await using RawClient c = await RawClient.ConnectAsync(server.Port);
        Assert.DoesNotContain("tls_required", c.Info);
    }

    [Fact]
    public async Task Go_client_connects_with_tls_and_a_client_certificate()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer(rsa: true);
        await using NatsServer server = await ConfiguredServer.StartAsync(TlsBlock(cert, key, $"  ca_file: \"{certs.CaFile}\"\n  verify: true"));
        var (clientCert, clientKey) = certs.IssueClientFiles("CN=go");
        var env = new Dictionary<string, string> { ["CA_FILE"] = certs.CaFile, ["CERT_FILE"] = clientCert, ["KEY_FILE"] = clientKey };
        Assert.Equal("OK", await GoClient.RunAsync($"tls://localhost:{server.Port}", env));

        // Without a client certificate the Go client is refused.
        string refused = await GoClient.RunAsync($"tls://localhost:{server.Port}", new Dictionary<string, string> { ["CA_FILE"] = certs.CaFile });
        Assert.StartsWith("ERR", refused);
    }

    [Fact]
    public async Task Reload_picks_up_a_renewed_certificate_for_new_connections()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert1, key1) = certs.IssueServer("first");
        var (cert2, key2) = certs.IssueServer("second");
        await using NatsServer server = await ConfiguredServer.StartAsync(TlsBlock(cert1, key1));
        string first;
        await using (TlsClient c = await TlsClient.ConnectAsync(server.Port, certs.Ca))
        {
            first = c.ServerCertificate!.Thumbprint;
        }

        server.ReloadTls(NatsSharp.Server.Configuration.ConfigBinder.Load(ConfiguredServer.WriteConfig(TlsBlock(cert2, key2))).Options);
        await using (TlsClient c = await TlsClient.ConnectAsync(server.Port, certs.Ca))
        {
            Assert.NotEqual(first, c.ServerCertificate!.Thumbprint);
            using var expected = X509Certificate2.CreateFromPemFile(cert2, key2);
            Assert.Equal(expected.Thumbprint, c.ServerCertificate!.Thumbprint);
            await c.SendAsync("CONNECT {\"verbose\":false}\r\nPING\r\n");
            Assert.Equal("PONG", await c.ReadLineAsync());
        }

        var bad = new ServerOptions { TlsCertFile = Path.Combine(certs.Directory, "missing.pem"), TlsKeyFile = key2 };
        Assert.Throws<NatsServerException>(() => server.ReloadTls(bad));
        await using TlsClient still = await TlsClient.ConnectAsync(server.Port, certs.Ca);
    }

    [Fact]
    public async Task Max_connections_refusal_comes_before_the_handshake_in_plaintext()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer();
        await using NatsServer server = await ConfiguredServer.StartAsync(TlsBlock(cert, key) + "max_connections: 1\n");
        await using TlsClient first = await TlsClient.ConnectAsync(server.Port, certs.Ca);
        await using RawClient second = await RawClient.ConnectAsync(server.Port);
        Assert.Contains("\"tls_required\":true", second.Info);
        Assert.Equal(["-ERR 'maximum connections exceeded'"], await second.ReadUntilClosedAsync());
    }
}
