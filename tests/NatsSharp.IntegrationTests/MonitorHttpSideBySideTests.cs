using System.Net;
using System.Text;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Monitoring;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// The monitoring port's HTTP server over raw TCP, side by side with nats-server 2.9.10 (Go's net/http):
/// hostile peers (garbage, a header flood, a stalled head, many half-open connections) get the same answer
/// and close while a normal /varz poll keeps working; keep-alive serves several requests on one connection.
/// Where we differ on purpose (a smaller head limit, timeouts: docs/compatibility.md) only ours is checked.
/// </summary>
public class MonitorHttpSideBySideTests
{
    private static readonly string[] Refused =
    [
        "garbage\r\n\r\n",
        "GET /varz HTTP/1.1\r\n\r\n",
        "GET /varz HTTP/2.0\r\nHost: x\r\n\r\n",
        "GET /varz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
        "GET /varz HTTP/1.1\r\nHost : x\r\n\r\n",
        "GET /va%zzrz HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /varz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
        "GET /varz HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n",
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 a TLS hello on the plain port\r\n\r\n",
    ];

    [Fact]
    public async Task Garbage_and_malformed_heads_are_refused_and_closed_as_nats_server_does()
    {
        await using RealNatsServer real = await RealNatsServer.StartAsync("-m", "-1");
        await using TestServer ours = await StartOursAsync();
        foreach (string request in Refused)
        {
            string expected = await RefusalAsync(real.MonitorPort, request);
            string actual = await RefusalAsync(ours.Server.MonitorPort, request);
            Assert.StartsWith("HTTP/1.1 ", expected, StringComparison.Ordinal);
            Assert.Equal(expected, actual);
        }

        await PollVarzAsync(ours.Server.MonitorPort);
    }

    [Fact]
    public async Task A_header_flood_gets_431_and_a_close_while_varz_keeps_answering()
    {
        await using RealNatsServer real = await RealNatsServer.StartAsync("-m", "-1");
        await using TestServer ours = await StartOursAsync();
        foreach (int port in new[] { real.MonitorPort, ours.Server.MonitorPort })
        {
            // 2 MB of headers: past nats-server's 1 MB and our 64 KB. Sent from another task: the server stops reading.
            await using RawHttp flood = await RawHttp.ConnectAsync(port);
            var header = new StringBuilder("GET /varz HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; header.Length < 2 * 1024 * 1024; i++)
            {
                header.Append("X-Flood-").Append(i).Append(": ").Append('a', 100).Append("\r\n");
            }

            Task sending = Task.Run(async () =>
            {
                try
                {
                    await flood.SendAsync(header.ToString());
                }
                catch (IOException)
                {
                    // The server closed while we were still sending: the point of the test.
                }
            });
            HttpAnswer? answer = await flood.ReadResponseAsync();
            Assert.Equal("HTTP/1.1 431 Request Header Fields Too Large | Connection: close, Content-Type: text/plain; charset=utf-8 | 431 Request Header Fields Too Large", answer?.ToString());
            await PollVarzAsync(port);
            await sending.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task A_stalled_head_and_many_half_open_connections_do_not_hold_up_others()
    {
        await using RealNatsServer real = await RealNatsServer.StartAsync("-m", "-1");
        await using TestServer ours = await StartOursAsync();
        var outcomes = new List<string>();
        foreach (int port in new[] { real.MonitorPort, ours.Server.MonitorPort })
        {
            // 100 connections: half silent, half stopped in the middle of a head.
            var idle = new List<RawHttp>();
            try
            {
                for (int i = 0; i < 100; i++)
                {
                    RawHttp c = await RawHttp.ConnectAsync(port);
                    idle.Add(c);
                    if (i % 2 == 1)
                    {
                        await c.SendAsync("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Partial: ");
                    }
                }

                await PollVarzAsync(port);

                // A stalled head is answered once it is complete, however late.
                await idle[1].SendAsync("yes\r\n\r\n");
                outcomes.Add((await idle[1].ReadResponseAsync())!.ToString());

                // A head cut short by the peer's close gets 400 (Go answers a half-closed peer).
                idle[3].ShutdownSend();
                outcomes.Add((await idle[3].ReadResponseAsync())!.ToString());
                outcomes.Add($"closed: {await idle[3].ClosedByServerAsync()}");
            }
            finally
            {
                foreach (RawHttp c in idle)
                {
                    await c.DisposeAsync();
                }
            }
        }

        Assert.Equal(6, outcomes.Count);
        Assert.Equal(outcomes[..3], outcomes[3..]);
        Assert.Equal("HTTP/1.1 200 OK | Content-Length: 15, Content-Type: application/json | {\"status\":\"ok\"}", outcomes[0]);
    }

    [Fact]
    public async Task Idle_and_stalled_connections_time_out_on_ours()
    {
        // nats-server has no timeouts (Go's zero http.Server timeouts); ours closes such peers (docs/compatibility.md).
        await using TestServer ours = await StartOursAsync(new MonitorHttpLimits { IdleTimeout = TimeSpan.FromSeconds(1), HeaderTimeout = TimeSpan.FromSeconds(1) });
        int port = ours.Server.MonitorPort;
        await using RawHttp silent = await RawHttp.ConnectAsync(port);
        await using RawHttp stalled = await RawHttp.ConnectAsync(port);
        await stalled.SendAsync("GET /varz HTTP/1.1\r\nHost: x\r\n");
        await using RawHttp kept = await RawHttp.ConnectAsync(port);
        await kept.SendAsync("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("HTTP/1.1 200 OK", (await kept.ReadResponseAsync())!.StatusLine);

        Assert.True(await silent.ClosedByServerAsync(TimeSpan.FromSeconds(30)), "a silent connection is closed after the idle timeout");
        Assert.True(await stalled.ClosedByServerAsync(TimeSpan.FromSeconds(30)), "a stalled head is closed after the header timeout");
        Assert.True(await kept.ClosedByServerAsync(TimeSpan.FromSeconds(30)), "a kept-alive connection is closed after the idle timeout");
        await PollVarzAsync(port);
    }

    [Fact]
    public async Task Keep_alive_serves_requests_one_after_another_and_pipelined_as_nats_server_does()
    {
        await using RealNatsServer real = await RealNatsServer.StartAsync("-m", "-1");
        await using TestServer ours = await StartOursAsync();
        List<string> expected = await KeepAliveScenarioAsync(real.MonitorPort);
        List<string> actual = await KeepAliveScenarioAsync(ours.Server.MonitorPort);
        Assert.Equal(expected, actual);
        Assert.Equal("HTTP/1.1 200 OK | Content-Length: 15, Content-Type: application/json | {\"status\":\"ok\"}", expected[0]);
    }

    [Fact]
    public async Task Https_port_answers_plain_http_and_serves_tls_as_nats_server_does()
    {
        var ca = Security.TestCertificates.CreateAuthority();
        var (cert, key) = ca.IssueServer("localhost");
        string config = $"tls {{\n  cert_file: \"{cert}\"\n  key_file: \"{key}\"\n}}\n";
        await using RealNatsServer real = await RealNatsServer.StartAsync("-c", Security.ConfiguredServer.WriteConfig(config), "-ms", "-1");
        await using NatsServer ours = await Security.ConfiguredServer.StartAsync(config, o => o.HttpsPort = ServerOptions.RandomPort);
        var outcomes = new List<string>();
        foreach (int port in new[] { real.MonitorPort, ours.MonitorPort })
        {
            await using RawHttp plain = await RawHttp.ConnectAsync(port);
            await plain.SendAsync("GET /varz HTTP/1.1\r\nHost: x\r\n\r\n");
            outcomes.Add((await plain.ReadResponseAsync())!.ToString());

            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.Issuer == ca.Ca.Subject };
            using var https = new MonitorHttp(port, "https", handler);
            outcomes.Add((await https.GetAsync("/healthz")).ToString());
            outcomes.Add((await https.GetAsync("/nope")).Status.ToString());
        }

        Assert.Equal(outcomes[..3], outcomes[3..]);
        Assert.Contains("Client sent an HTTP request to an HTTPS server.", outcomes[0], StringComparison.Ordinal);
    }

    /// <summary>Two requests one after the other on one connection, then two in one write, then HTTP/1.0 and a close.</summary>
    private static async Task<List<string>> KeepAliveScenarioAsync(int port)
    {
        var seen = new List<string>();
        await using RawHttp c = await RawHttp.ConnectAsync(port);
        await c.SendAsync("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        seen.Add((await c.ReadResponseAsync())!.ToString());
        await c.SendAsync("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
        seen.Add((await c.ReadResponseAsync())!.ToString());
        await c.SendAsync("POST /healthz?callback=cb HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /connz?limit=x HTTP/1.1\r\nHost: x\r\n\r\n");
        seen.Add((await c.ReadResponseAsync())!.ToString());
        seen.Add((await c.ReadResponseAsync())!.ToString());
        await c.SendAsync("GET //healthz HTTP/1.1\r\nHost: x\r\n\r\nHEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        seen.Add((await c.ReadResponseAsync())!.ToString());
        HttpAnswer head = (await c.ReadResponseAsync(toHead: true))!;
        seen.Add(head.StatusLine + " " + head.Headers["Content-Length"]);
        await c.SendAsync("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        seen.Add((await c.ReadResponseAsync())!.ToString());
        seen.Add($"closed: {await c.ClosedByServerAsync()}");

        await using RawHttp old = await RawHttp.ConnectAsync(port);
        await old.SendAsync("GET /healthz HTTP/1.0\r\n\r\n");
        seen.Add((await old.ReadResponseAsync())!.ToString());
        seen.Add($"closed: {await old.ClosedByServerAsync()}");
        return seen;
    }

    private static Task<TestServer> StartOursAsync(MonitorHttpLimits? limits = null) =>
        TestServer.StartAsync(o =>
        {
            o.HttpPort = ServerOptions.RandomPort;
            o.MonitorHttpLimits = limits ?? MonitorHttpLimits.Default;
        });

    /// <summary>Sends <paramref name="request"/> on a fresh connection: the answer and whether the server then closed.</summary>
    private static async Task<string> RefusalAsync(int port, string request)
    {
        await using RawHttp c = await RawHttp.ConnectAsync(port);
        await c.SendAsync(request);
        HttpAnswer? answer = await c.ReadResponseAsync();
        return $"{answer} | closed: {await c.ClosedByServerAsync()}";
    }

    /// <summary>A normal poll on its own connection must work whatever other peers do.</summary>
    private static async Task PollVarzAsync(int port)
    {
        using var http = new MonitorHttp(port);
        var (status, type, body) = await http.GetAsync("/varz");
        Assert.Equal((HttpStatusCode.OK, "application/json"), (status, type));
        Assert.Contains("\"server_id\"", body, StringComparison.Ordinal);
    }
}
