using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>
/// /connz for TLS clients, side by side with nats-server 2.9.10: <c>tls_version</c> and
/// <c>tls_cipher_suite</c> with Go's names, open and closed, and with auth=1 the client's certificate.
/// </summary>
public class MonitoringTlsSideBySideTests
{
    [Theory]
    [InlineData(SslProtocols.Tls13, false)]
    [InlineData(SslProtocols.Tls12, false)]
    [InlineData(SslProtocols.Tls12, true)]
    public async Task Connz_names_the_tls_version_and_cipher_suite_as_nats_server(SslProtocols protocol, bool rsa)
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer(rsa: rsa);
        string config = $"tls {{\n  cert_file: \"{cert}\"\n  key_file: \"{key}\"\n  ca_file: \"{certs.CaFile}\"\n  verify: true\n}}\n";
        using X509Certificate2 client = certs.IssueClient("CN=monitored,O=Acme");

        await using RealNatsServer real = await RealNatsServer.StartAsync("-c", ConfiguredServer.WriteConfig(config), "-m", "-1");
        await using NatsServer ours = await ConfiguredServer.StartAsync(config, o => o.HttpPort = ServerOptions.RandomPort);
        List<string> expected = await ScenarioAsync(real.Port, real.MonitorPort, certs.Ca, client, protocol);
        List<string> actual = await ScenarioAsync(ours.Port, ours.MonitorPort, certs.Ca, client, protocol);
        Assert.Contains(protocol == SslProtocols.Tls13 ? "open: 1.3" : "open: 1.2", expected[0], StringComparison.Ordinal);
        Assert.Equal(expected, actual);
    }

    /// <summary>One TLS client with a certificate: /connz, /connz?auth=1, then the same once it has left.</summary>
    private static async Task<List<string>> ScenarioAsync(int port, int monitorPort, X509Certificate2 ca, X509Certificate2 client, SslProtocols protocol)
    {
        using var http = new MonitorHttp(monitorPort);
        var seen = new List<string>();
        await using (TlsClient c = await TlsClient.ConnectAsync(port, ca, client, protocol))
        {
            await c.SendAsync("CONNECT {\"verbose\":false}\r\nPING\r\n");
            Assert.Equal("PONG", await c.ReadLineAsync());
            seen.Add("open: " + Tls((await http.JsonAsync("/connz")).GetProperty("connections")[0]));
            seen.Add("open auth: " + Tls((await http.JsonAsync("/connz?auth=1")).GetProperty("connections")[0]));
        }

        await Eventually.TrueAsync(
            () => http.JsonAsync("/connz?state=closed").GetAwaiter().GetResult().GetProperty("total").GetInt32() == 1,
            "the TLS client recorded as closed");
        seen.Add("closed auth: " + Tls((await http.JsonAsync("/connz?state=closed&auth=1")).GetProperty("connections")[0]));
        return seen;
    }

    private static string Tls(JsonElement conn) =>
        $"{Prop(conn, "tls_version")} {Prop(conn, "tls_cipher_suite")} certs={(conn.TryGetProperty("tls_peer_certs", out JsonElement certs) ? certs.GetRawText() : "(none)")}";

    private static string Prop(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) ? v.GetString() ?? "(null)" : "(none)";
}
