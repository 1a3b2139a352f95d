using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using NatsSharp.Server;
using NatsSharp.Server.Configuration;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>
/// <c>tls.pinned_certs</c>: only clients whose key is pinned get in; a reload that unpins a key
/// disconnects its clients. Key ids are computed with the openssl tool (as an operator would), and
/// the same config is checked on nats-server.
/// </summary>
public class PinnedCertTests
{
    /// <summary>The key id nats-server expects: sha256 over the DER SubjectPublicKeyInfo, lower-case hex, via openssl.</summary>
    private static string KeyId(X509Certificate2 cert)
    {
        string pem = Path.Combine(Directory.CreateTempSubdirectory("pin-").FullName, "cert.pem");
        File.WriteAllText(pem, cert.ExportCertificatePem());
        var psi = new ProcessStartInfo("/bin/sh", ["-c", $"openssl x509 -in '{pem}' -pubkey -noout | openssl pkey -pubin -outform der | sha256sum"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("MISSING PEER: the openssl tool (apt-get install -y openssl)");
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit(10_000);
        string id = output.Split(' ')[0].Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);
        return id;
    }

    private static string Config(TestCertificates certs, string cert, string key, params string[] pins) => $$"""
        tls {
          cert_file: "{{cert}}"
          key_file: "{{key}}"
          ca_file: "{{certs.CaFile}}"
          verify: true
          pinned_certs: [{{string.Join(", ", pins.Select(p => $"\"{p}\""))}}]
        }
        """;

    [Fact]
    public async Task Only_pinned_keys_connect_and_a_reload_disconnects_unpinned_clients()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer();
        using X509Certificate2 first = certs.IssueClient("CN=first");
        using X509Certificate2 second = certs.IssueClient("CN=second");
        string firstId = KeyId(first), secondId = KeyId(second);

        await using NatsServer server = await ConfiguredServer.StartAsync(Config(certs, cert, key, firstId));
        await using TlsClient ok = await ConnectedAsync(server.Port, certs, first);
        await TlsTests.AssertRefusedAsync(server.Port, certs.Ca, second);

        // Pin the second key instead: the first client is cut off, the second gets in.
        ServerOptions next = ConfigBinder.Load(ConfiguredServer.WriteConfig(Config(certs, cert, key, secondId))).Options;
        next.Host = "127.0.0.1";
        next.Port = server.Options.Port;
        server.Reload(next);
        Assert.Null(await ok.ReadLineAsync());
        await using TlsClient now = await ConnectedAsync(server.Port, certs, second);
    }

    [Fact]
    public async Task nats_server_admits_and_refuses_the_same_keys()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer();
        using X509Certificate2 first = certs.IssueClient("CN=first");
        using X509Certificate2 second = certs.IssueClient("CN=second");
        await using var real = await ConfiguredServer.StartRealAsync(Config(certs, cert, key, KeyId(first)));
        await using TlsClient ok = await ConnectedAsync(real.Port, certs, first);
        await TlsTests.AssertRefusedAsync(real.Port, certs.Ca, second);
    }

    private static async Task<TlsClient> ConnectedAsync(int port, TestCertificates certs, X509Certificate2 cert)
    {
        TlsClient c = await TlsClient.ConnectAsync(port, certs.Ca, cert);
        await c.SendAsync("CONNECT {\"verbose\":false}\r\nPING\r\n");
        Assert.Equal("PONG", await c.ReadLineAsync());
        return c;
    }
}
