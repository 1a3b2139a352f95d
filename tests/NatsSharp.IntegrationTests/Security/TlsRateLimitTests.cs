using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>
/// <c>tls.connection_rate_limit</c>: TLS handshakes beyond the limit in one second are refused in
/// plaintext with nats-server's -ERR, and counted in a warning — the same on NatsSharp and nats-server.
/// </summary>
public class TlsRateLimitTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Handshakes_over_the_limit_are_refused_with_nats_servers_error(bool real)
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer();
        string config = $"tls {{\n  cert_file: \"{cert}\"\n  key_file: \"{key}\"\n  connection_rate_limit: 1\n}}\n";
        await using IAsyncDisposable server = real
            ? await ConfiguredServer.StartRealAsync(config)
            : new AsyncServer(await ConfiguredServer.StartAsync(config));
        int port = server is RealNatsServer r ? r.Port : ((AsyncServer)server).Port;

        // Ten clients at once each start a handshake (a TLS record byte after the INFO); with a limit of
        // one per second, nearly all are told to come back later (a slow machine may span a window or two).
        Task<string>[] attempts = [.. Enumerable.Range(0, 10).Select(_ => StartHandshakeAsync(port))];
        string[] answers = await Task.WhenAll(attempts);
        int throttled = answers.Count(a => a == "-ERR 'Connection throttling is active. Please try again later.'");
        Assert.True(throttled >= 6, $"only {throttled} of 10 throttled: {string.Join(" | ", answers)}");
    }

    /// <summary>Reads INFO, sends the first byte of a TLS ClientHello, returns the first line the server answers ("" when it just waits, "&lt;closed&gt;" when it closes without a word).</summary>
    private static async Task<string> StartHandshakeAsync(int port)
    {
        await using RawClient c = await RawClient.ConnectAsync(port);
        await c.SendAsync([0x16]);
        try
        {
            return await c.ReadLineAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            return ""; // admitted: the server waits for the rest of the handshake
        }
        catch (Exception e) when (RawClient.IsClosedByServer(e))
        {
            return "<closed>"; // admitted, then closed by the TLS timeout (which can beat our 2 s read on a loaded machine)
        }
    }

    private sealed class AsyncServer(NatsSharp.Server.NatsServer server) : IAsyncDisposable
    {
        public int Port => server.Port;

        public ValueTask DisposeAsync() => server.DisposeAsync();
    }
}
