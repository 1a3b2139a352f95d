using System.Security.Authentication;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>
/// <c>allow_non_tls</c> and a <c>tls { }</c> block without a certificate, run against the real nats-server
/// 2.9.10 and NatsSharp: what INFO says, whether a plaintext client is served, whether a TLS handshake works.
/// </summary>
public class AllowNonTlsSideBySideTests
{
    [Fact]
    public async Task Allow_non_tls_serves_plaintext_and_tls_clients_on_one_port()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer();
        string config = $"tls {{ cert_file: \"{cert}\", key_file: \"{key}\" }}\nallow_non_tls: true\n";
        await AssertBothAsync(config, certs, "info tls_required=- tls_available=True | plaintext: PONG | tls: PONG | plaintext got: MSG tls.to.plain 1 2");
    }

    [Fact]
    public async Task Tls_block_without_certificate_serves_plaintext_and_fails_handshakes()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        await AssertBothAsync("tls {}\nallow_non_tls: true\n", certs, "info tls_required=- tls_available=True | plaintext: PONG | tls: AuthenticationException");
    }

    [Fact]
    public async Task Tls_block_without_certificate_and_without_allow_non_tls_serves_nobody()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        await AssertBothAsync("tls { timeout: 1 }\n", certs, "info tls_required=True tls_available=- | plaintext: closed | tls: AuthenticationException");
    }

    /// <summary>nats-server gives <paramref name="expected"/> with <paramref name="config"/>, and so do we.</summary>
    private static async Task AssertBothAsync(string config, TestCertificates certs, string expected)
    {
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(config);
        Assert.Equal(expected, await Conversation(real.Port, certs));
        Assert.Equal(expected, await Conversation(ours.Port, certs));
    }

    /// <summary>A plaintext client subscribes and PINGs; a TLS client PINGs and publishes to it.</summary>
    private static async Task<string> Conversation(int port, TestCertificates certs)
    {
        await using RawClient plain = await RawClient.ConnectAsync(port);
        string info = InfoFlags(plain.Info);
        await plain.SendAsync("CONNECT {\"verbose\":false}\r\nSUB tls.to.plain 1\r\nPING\r\n");
        string plainReply = await ReadOrClosed(plain);

        string tlsReply;
        TlsClient? tls = null;
        try
        {
            tls = await TlsClient.ConnectAsync(port, certs.Ca);
            await tls.SendAsync("CONNECT {\"verbose\":false}\r\nPUB tls.to.plain 2\r\nhi\r\nPING\r\n");
            tlsReply = await tls.ReadLineAsync() ?? "closed";
        }
        catch (AuthenticationException)
        {
            tlsReply = nameof(AuthenticationException);
        }
        finally
        {
            if (tls is not null)
            {
                await tls.DisposeAsync();
            }
        }

        string result = $"info {info} | plaintext: {plainReply} | tls: {tlsReply}";
        if (plainReply == "PONG" && tlsReply == "PONG")
        {
            result += $" | plaintext got: {await plain.ReadLineSkippingPingsAsync()}";
        }

        return result;
    }

    private static string InfoFlags(string infoLine)
    {
        using JsonDocument info = JsonDocument.Parse(infoLine["INFO ".Length..]);
        string Flag(string name) => info.RootElement.TryGetProperty(name, out JsonElement v) ? v.GetBoolean().ToString() : "-";
        return $"tls_required={Flag("tls_required")} tls_available={Flag("tls_available")}";
    }

    /// <summary>PONG (skipping keepalive PINGs), or "closed" when the server hangs up first.</summary>
    private static async Task<string> ReadOrClosed(RawClient client)
    {
        try
        {
            return await client.ReadLineSkippingPingsAsync();
        }
        catch (Exception e) when (RawClient.IsClosedByServer(e))
        {
            return "closed";
        }
    }
}
