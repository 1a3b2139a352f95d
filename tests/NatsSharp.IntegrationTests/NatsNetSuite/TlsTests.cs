using NATS.Client.Core;
using NatsSharp.IntegrationTests.Chaos;
using NatsSharp.IntegrationTests.Security;

namespace NatsSharp.IntegrationTests.NatsNetSuite;

/// <summary>
/// NATS.Net's TlsClientTest (client certificates with verify) and TlsFirstTest. nats-server 2.9.10 has no
/// handshake_first (TLS-first arrived in 2.10.0), so only Implicit_TLS_fails_when_disabled applies: a TLS-first
/// client is refused and a normal TLS client is not.
/// </summary>
public class TlsTests
{
    [Fact]
    public async Task Client_certificates_are_verified_and_a_tls_first_client_is_refused()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer();
        var (clientCert, clientKey) = certs.IssueClientFiles("CN=dotnet");
        string config = $"tls {{ cert_file: \"{cert}\", key_file: \"{key}\", ca_file: \"{certs.CaFile}\", verify: true, timeout: 10 }}";
        var withCert = new NatsTlsOpts { Mode = TlsMode.Require, CaFile = certs.CaFile, CertFile = clientCert, KeyFile = clientKey };

        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind, config);
            string url = $"tls://127.0.0.1:{node.ClientPort}";
            var lines = new List<string>();

            await using (NatsConnection c = await BothServers.ConnectAsync(url, o => o with { TlsOpts = withCert }))
            {
                await using INatsSub<string> sub = await c.SubscribeCoreAsync<string>("secure.>");
                await c.PingAsync();
                await c.PublishAsync("secure.hello", "over tls");
                Assert.Equal("over tls", (await BothServers.NextAsync(sub)).Data);
                lines.Add($"with a client certificate: tls_required={c.ServerInfo!.TlsRequired} tls_verify={c.ServerInfo.TlsVerify} round trip ok");
            }

            string[] refusals = await Task.WhenAll(
                RefusedAsync(url, withCert with { CertFile = null, KeyFile = null }),
                RefusedAsync(url, withCert with { Mode = TlsMode.Implicit }));
            lines.Add("without a client certificate: " + refusals[0]);
            lines.Add("tls first: " + refusals[1]);
            Assert.Equal(["refused", "refused"], lines.Skip(1).Select(l => l[(l.IndexOf(':') + 2)..]));
            return string.Join("\n", lines);
        });
    }

    /// <summary>"refused" when the connection (and a PING on it) fails within the suite's timeouts.</summary>
    private static async Task<string> RefusedAsync(string url, NatsTlsOpts tls)
    {
        try
        {
            // Bounded shorter than the suite's default: NATS.Net on Linux may only notice a refused client certificate by timing out.
            await using NatsConnection c = await BothServers.ConnectAsync(url, o => o with { TlsOpts = tls, ConnectTimeout = TimeSpan.FromSeconds(2) });
            using var cts = new CancellationTokenSource(BothServers.Timeout);
            await c.PingAsync(cts.Token);
            return "connected";
        }
        catch (Exception e) when (e is NatsException or OperationCanceledException or IOException)
        {
            return "refused";
        }
    }
}
