using System.Net.Sockets;
using System.Text;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Auth;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>
/// The threat model of docs/security.md, line by line: a raw-socket peer on the route and
/// leafnode ports that skips the handshake, lies, floods or stalls. Where nats-server 2.9.10 is
/// the reference, the same conversation runs against it and the outcome must be the same; where
/// we are stricter on purpose (docs/compatibility.md), only ours is checked.
/// </summary>
public class HostilePeerTests
{
    private static string Config(int clusterPort, int leafPort, string clusterAuth = "authorization { user: ruser, password: rpass, timeout: 1 }") =>
        $"cluster {{ listen: 127.0.0.1:{clusterPort}, {clusterAuth} }}\nleafnodes {{ listen: 127.0.0.1:{leafPort} }}\n";

    /// <summary>
    /// The same config for both servers, each on ports of its own. A port picked free may be taken
    /// by a parallel test before the server binds it: then the start is tried again (at most 3 times).
    /// </summary>
    private static async Task<(RealNatsServer Real, int RealCluster, int RealLeaf, NatsServer Ours)> StartBothAsync(Func<int, int, string> config)
    {
        for (int attempt = 1; ; attempt++)
        {
            int realCluster = FreePort.Next();
            int realLeaf = FreePort.Next();
            try
            {
                RealNatsServer real = await ConfiguredServer.StartRealAsync(config(realCluster, realLeaf));
                NatsServer ours = await ConfiguredServer.StartAsync(config(FreePort.Next(), FreePort.Next()));
                return (real, realCluster, realLeaf, ours);
            }
            catch (RealNatsServerExitedException ex) when (ex.PortTaken && attempt < 3)
            {
            }
        }
    }

    /// <summary>Sends <paramref name="text"/> right after the INFO and returns what came back until the server closed (keepalive PINGs left out).</summary>
    private static async Task<string> RefusedAsync(int port, string text)
    {
        await using RawClient peer = await RawClient.ConnectAsync(port);
        await peer.SendAsync(text);
        List<string> lines = await peer.ReadUntilClosedAsync();
        return string.Join(" | ", lines.Where(l => l != "PING")) + " <closed>";
    }

    /// <summary>Sends <paramref name="text"/> then PING; returns the lines up to PONG, or up to the close.</summary>
    private static async Task<string> AnsweredAsync(int port, string text)
    {
        await using RawClient peer = await RawClient.ConnectAsync(port);
        await peer.SendAsync(text + "PING\r\n");
        var lines = new List<string>();
        try
        {
            for (int i = 0; i < 20; i++)
            {
                string line = await peer.ReadLineAsync();
                if (line == "PONG")
                {
                    return string.Join(" | ", lines) + " PONG";
                }

                if (line != "PING" && !line.StartsWith("INFO ", StringComparison.Ordinal) && !line.StartsWith("LS+ ", StringComparison.Ordinal) && !line.StartsWith("RS+ ", StringComparison.Ordinal))
                {
                    lines.Add(line);
                }
            }
        }
        catch (Exception e) when (RawClient.IsClosedByServer(e))
        {
            return string.Join(" | ", lines) + " <closed>";
        }

        return string.Join(" | ", lines) + " <no PONG>";
    }

    private const string Violation = "-ERR 'Authorization Violation' <closed>";

    [Theory]
    [InlineData("RS+ $G >\r\n")]
    [InlineData("RMSG $G victim 5\r\nhello\r\n")]
    [InlineData("RS- $G foo\r\n")]
    [InlineData("PING\r\n")]
    [InlineData("INFO {\"server_id\":\"EVIL\"}\r\n")]
    [InlineData("RMSG $G victim 999999999\r\n")]
    [InlineData("RMSG $G victim 99999")] // refused at the first byte, before any newline
    public async Task Route_port_with_authorization_refuses_anything_before_CONNECT_like_nats_server(string attack)
    {
        var (real, realCluster, _, ours) = await StartBothAsync((c, l) => Config(c, l));
        await using (real)
        await using (ours)
        {
            Assert.Equal(Violation, await RefusedAsync(realCluster, attack));
            Assert.Equal(Violation, await RefusedAsync(ours.ClusterPort, attack));
        }
    }

    [Theory]
    [InlineData("LS+ foo\r\n")]
    [InlineData("LMSG victim 5\r\nhello\r\n")]
    [InlineData("PING\r\n")]
    [InlineData("LMSG victim 999999999\r\n")]
    public async Task Leafnode_port_refuses_anything_before_CONNECT_like_nats_server(string attack)
    {
        var (real, _, realLeaf, ours) = await StartBothAsync((c, l) => Config(c, l));
        await using (real)
        await using (ours)
        {
            Assert.Equal(Violation, await RefusedAsync(realLeaf, attack));
            Assert.Equal(Violation, await RefusedAsync(ours.LeafNodePort, attack));
        }
    }

    [Fact]
    public async Task Route_port_without_authorization_still_wants_CONNECT_first()
    {
        // nats-server processes RS+/RMSG before CONNECT here; real peers always send CONNECT first (docs/compatibility.md).
        await using NatsServer ours = await ConfiguredServer.StartAsync(Config(FreePort.Next(), FreePort.Next(), clusterAuth: "name: open"));
        Assert.Equal(Violation, await RefusedAsync(ours.ClusterPort, "RS+ $G >\r\n"));
        Assert.Equal(Violation, await RefusedAsync(ours.ClusterPort, "RMSG $G victim 5\r\nhello\r\n"));
        Assert.Equal(" PONG", await AnsweredAsync(ours.ClusterPort, "CONNECT {\"verbose\":false,\"name\":\"PEER\",\"cluster\":\"open\"}\r\n"));
    }

    [Fact]
    public async Task An_unauthenticated_route_peer_neither_hears_nor_injects_messages()
    {
        var (real, realCluster, _, ours) = await StartBothAsync((c, l) => Config(c, l));
        await using (real)
        await using (ours)
        {
            Assert.Equal(await LeakAsync(real.Port, realCluster), await LeakAsync(ours.Port, ours.ClusterPort));
        }
    }

    /// <summary>
    /// A peer asks for everything and injects a message; a client publishes a secret and then a
    /// marker. Returns what the peer saw and what the victim's subscriber got before the marker.
    /// </summary>
    private static async Task<string> LeakAsync(int clientPort, int clusterPort)
    {
        await using RawClient victim = await RawClient.ConnectedAsync(clientPort);
        await victim.SendAsync("SUB victim 1\r\nSUB marker 2\r\nPING\r\n");
        await victim.ExpectAsync("PONG");
        await using RawClient peer = await RawClient.ConnectAsync(clusterPort);
        await peer.SendAsync("RS+ $G >\r\nRMSG $G victim 5\r\nforge\r\n");
        await using RawClient publisher = await RawClient.ConnectedAsync(clientPort);
        await publisher.SendAsync("PUB secret.data 6\r\nsecret\r\nPUB marker 4\r\ndone\r\nPING\r\n");
        await publisher.ExpectAsync("PONG");
        List<string> peerSaw = await peer.ReadUntilClosedAsync();
        string first = await victim.ReadLineSkippingPingsAsync();
        return $"peer: {string.Join(" | ", peerSaw.Where(l => l != "PING"))}; victim's first message: {first}";
    }

    [Fact]
    public async Task Wrong_route_credentials_are_refused_like_nats_server()
    {
        var (real, realCluster, _, ours) = await StartBothAsync((c, l) => Config(c, l));
        await using (real)
        await using (ours)
        {
            foreach (string connect in new[] { "{\"user\":\"ruser\",\"pass\":\"wrong\"}", "{\"user\":\"other\",\"pass\":\"rpass\"}", "{}" })
            {
                string line = $"CONNECT {connect}\r\n";
                Assert.Equal(await AnsweredAsync(realCluster, line), await AnsweredAsync(ours.ClusterPort, line));
            }

            Assert.Equal(Violation, await AnsweredAsync(ours.ClusterPort, "CONNECT {\"user\":\"ruser\",\"pass\":\"wrong\"}\r\n"));
        }
    }

    [Fact]
    public async Task A_bcrypt_cluster_password_takes_the_real_password_and_refuses_the_hash_like_nats_server()
    {
        string hash = Bcrypt.Hash("s3cret", cost: 4);
        string auth = $"authorization {{ user: ruser, password: \"{hash}\", timeout: 1 }}";
        var (real, realCluster, _, ours) = await StartBothAsync((c, l) => Config(c, l, auth));
        await using (real)
        await using (ours)
        {
            string plain = "CONNECT {\"verbose\":false,\"user\":\"ruser\",\"pass\":\"s3cret\",\"name\":\"PEER\"}\r\n";
            string hashed = $"CONNECT {{\"verbose\":false,\"user\":\"ruser\",\"pass\":\"{hash}\",\"name\":\"PEER\"}}\r\n";
            Assert.Equal(" PONG", await AnsweredAsync(realCluster, plain));
            Assert.Equal(" PONG", await AnsweredAsync(ours.ClusterPort, plain));
            Assert.Equal(Violation, await AnsweredAsync(realCluster, hashed));
            Assert.Equal(Violation, await AnsweredAsync(ours.ClusterPort, hashed));
        }
    }

    [Fact]
    public async Task A_route_forms_against_a_bcrypt_cluster_password_with_the_plain_one_in_the_url()
    {
        string hash = Bcrypt.Hash("s3cret", cost: 4);
        int seedPort = FreePort.Next();
        await using NatsServer seed = await ConfiguredServer.StartAsync($"cluster {{ name: bc, listen: 127.0.0.1:{seedPort}, authorization {{ user: ruser, password: \"{hash}\" }} }}\n");
        await using NatsServer joiner = await ConfiguredServer.StartAsync(
            $"cluster {{ name: bc, listen: 127.0.0.1:{FreePort.Next()}, routes: [\"nats-route://ruser:s3cret@127.0.0.1:{seedPort}\"] }}\n");
        await Eventually.TrueAsync(() => seed.RouteCount == 1 && joiner.RouteCount == 1, "the route over a bcrypt password");
    }

    [Fact]
    public async Task A_peer_that_never_sends_CONNECT_is_timed_out_like_nats_server()
    {
        var (real, realCluster, realLeaf, ours) = await StartBothAsync((c, l) =>
            $"cluster {{ listen: 127.0.0.1:{c}, authorization {{ user: ruser, password: rpass, timeout: 0.5 }} }}\nleafnodes {{ listen: 127.0.0.1:{l}, authorization {{ timeout: 0.5 }} }}\n");
        await using (real)
        await using (ours)
        {
            string timedOut = "-ERR 'Authentication Timeout' <closed>";
            Assert.Equal(timedOut, await RefusedAsync(realCluster, ""));
            Assert.Equal(timedOut, await RefusedAsync(ours.ClusterPort, ""));
            Assert.Equal(timedOut, await RefusedAsync(realLeaf, ""));
            Assert.Equal(timedOut, await RefusedAsync(ours.LeafNodePort, ""));
        }
    }

    [Fact]
    public async Task A_silent_route_peer_is_timed_out_even_without_cluster_authorization()
    {
        await using NatsServer ours = await ConfiguredServer.StartAsync(Config(FreePort.Next(), FreePort.Next(), clusterAuth: "name: open"));
        Assert.Equal("-ERR 'Authentication Timeout' <closed>", await RefusedAsync(ours.ClusterPort, ""));
    }

    [Theory]
    [InlineData("cluster")]
    [InlineData("leaf")]
    public async Task An_endless_CONNECT_line_is_cut_off_before_authentication(string port)
    {
        // nats-server buffers such a line without bound; we stop at max(max_control_line, 16 KiB).
        await using NatsServer ours = await ConfiguredServer.StartAsync(Config(FreePort.Next(), FreePort.Next()));
        string attack = "CONNECT {\"pad\":\"" + new string('x', 40_000);
        Assert.Equal("-ERR 'maximum control line exceeded' <closed>", await RefusedAsync(port == "cluster" ? ours.ClusterPort : ours.LeafNodePort, attack));
    }

    [Theory]
    [InlineData("cluster", "CONNECT {\"verbose\":false,\"user\":\"ruser\",\"pass\":\"rpass\",\"name\":\"PEER\"}\r\nRMSG $G victim 999999999\r\n")]
    [InlineData("cluster", "CONNECT {\"verbose\":false,\"user\":\"ruser\",\"pass\":\"rpass\",\"name\":\"PEER\"}\r\nHMSG $G victim 10 999999999\r\n")]
    [InlineData("leaf", "CONNECT {\"verbose\":false,\"headers\":true}\r\nLMSG victim 999999999\r\n")]
    public async Task An_authenticated_peer_cannot_make_the_server_buffer_a_huge_message(string port, string attack)
    {
        // nats-server would buffer ~1 GB here; we refuse anything over max(64 MiB, max_payload).
        await using NatsServer ours = await ConfiguredServer.StartAsync(Config(FreePort.Next(), FreePort.Next()));
        await using RawClient bystander = await RawClient.ConnectedAsync(ours.Port);
        string got = await RefusedAsync(port == "cluster" ? ours.ClusterPort : ours.LeafNodePort, attack);
        Assert.EndsWith("-ERR 'Maximum Payload Violation' <closed>", got);
        await bystander.SendAsync("PING\r\n");
        await bystander.ExpectAsync("PONG");
    }

    [Fact]
    public async Task A_peer_flooding_garbage_is_closed_and_nobody_else_notices()
    {
        await using NatsServer ours = await ConfiguredServer.StartAsync(Config(FreePort.Next(), FreePort.Next()));
        await using RawClient bystander = await RawClient.ConnectedAsync(ours.Port);
        await bystander.SendAsync("SUB calm 1\r\nPING\r\n");
        await bystander.ExpectAsync("PONG");
        var rng = new Random(11);
        foreach (int port in new[] { ours.ClusterPort, ours.LeafNodePort })
        {
            byte[] garbage = new byte[64 * 1024];
            rng.NextBytes(garbage);
            garbage[0] = (byte)'X';
            await using RawClient peer = await RawClient.ConnectAsync(port);
            try
            {
                await peer.SendAsync(garbage);
            }
            catch (IOException)
            {
                // The server may close before the whole flood is written: that is the point.
            }

            // Closed at the first byte; the unread rest of the flood may reset the socket before the -ERR arrives.
            Assert.All(await peer.ReadUntilClosedAsync(), l => Assert.Equal("-ERR 'Authorization Violation'", l));
        }

        await using RawClient publisher = await RawClient.ConnectedAsync(ours.Port);
        await publisher.SendAsync("PUB calm 2\r\nok\r\n");
        await bystander.ExpectAsync("MSG calm 1 2");
        await bystander.ExpectAsync("ok");
    }

    [Fact]
    public async Task Route_and_leaf_CONNECT_secrets_are_redacted_in_the_trace()
    {
        var log = new LogCapture();
        await using TestServer ours = await TestServer.StartAsync(
            o =>
            {
                Server.ServerOptions parsed = Server.Configuration.ConfigBinder.Load(ConfiguredServer.WriteConfig(Config(FreePort.Next(), FreePort.Next()))).Options;
                o.Cluster = parsed.Cluster;
                o.LeafNodes = parsed.LeafNodes;
                o.Trace = true;
            },
            log);
        string routeConnect = "CONNECT {\"verbose\":false,\"user\":\"ruser\",\"pass\":\"rpass\",\"name\":\"PEER\"}\r\n";
        Assert.Equal(" PONG", await AnsweredAsync(ours.Server.ClusterPort, routeConnect));
        string leafConnect = "CONNECT {\"verbose\":false,\"pass\":\"leafpass\",\"jwt\":\"eyJhbGciOi.JWT.BODY\",\"sig\":\"SIGNATURE\",\"auth_token\":\"TOKEN\"}\r\n";
        await AnsweredAsync(ours.Server.LeafNodePort, leafConnect);
        await using (RawClient client = await RawClient.ConnectedAsync(ours.Port, "{\"verbose\":false,\"auth_token\":\"CLIENTTOKEN\",\"jwt\":\"CLIENTJWT\",\"sig\":\"CLIENTSIG\"}"))
        {
        }

        await Eventually.TrueAsync(() => log.Lines.Count(l => l.Contains("<<- [CONNECT", StringComparison.Ordinal)) >= 3, "three traced CONNECTs");
        string all = string.Join("\n", log.Lines);
        foreach (string secret in new[] { "rpass", "leafpass", "eyJhbGciOi", "SIGNATURE", "\"TOKEN", "CLIENTTOKEN", "CLIENTJWT", "CLIENTSIG" })
        {
            Assert.DoesNotContain(secret, all);
        }

        Assert.Contains(log.Lines, l => l.Contains("rid:", StringComparison.Ordinal) && l.Contains("\"pass\":\"[REDACTED]\"", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Contains("lid:", StringComparison.Ordinal) && l.Contains("\"jwt\":\"[REDACTED]\"", StringComparison.Ordinal));
    }
    [Theory]
    [InlineData("PUB victim 5\r\nhello\r\n")]
    [InlineData("SUB > 1\r\n")]
    [InlineData("PING\r\n")]
    public async Task Client_port_with_authorization_refuses_anything_before_CONNECT_like_nats_server(string attack)
    {
        const string config = "authorization { user: u, password: p, timeout: 1 }\n";
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(config);
        Assert.Equal(Violation, await RefusedAsync(real.Port, attack));
        Assert.Equal(Violation, await RefusedAsync(ours.Port, attack));
    }

    /// <summary>
    /// A client's start runs on the accept loop's thread up to its first wait (docs/architecture.md): peers that stall
    /// there (half a TLS ClientHello, or never reading their INFO) must not hold back the next client, which gets its
    /// INFO while they still hang (the TLS timeout is 30 s), as on nats-server.
    /// </summary>
    [Fact]
    public async Task Peers_stalled_in_their_start_do_not_hold_back_the_next_client_like_nats_server()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer();
        string config = $"tls {{\n  cert_file: \"{cert}\"\n  key_file: \"{key}\"\n  timeout: 30\n}}\n";
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(config);
        foreach (int port in new[] { real.Port, ours.Port })
        {
            var stalled = new List<RawClient>();
            try
            {
                for (int i = 0; i < 40; i++)
                {
                    RawClient peer = await RawClient.ConnectAsync(port, readInfo: i % 2 == 0);
                    stalled.Add(peer);
                    if (i % 2 == 0)
                    {
                        await peer.SendAsync([0x16, 0x03]); // half a ClientHello record header, then nothing
                    }
                }

                // The next client: its INFO (plaintext, before the handshake) comes while all 40 still hang.
                using var next = new TcpClient();
                await next.ConnectAsync("127.0.0.1", port);
                NetworkStream stream = next.GetStream();
                stream.ReadTimeout = 10_000;
                var line = new StringBuilder();
                for (int b = stream.ReadByte(); b != '\n' && b >= 0 && line.Length < 4096; b = stream.ReadByte())
                {
                    line.Append((char)b);
                }

                Assert.StartsWith("INFO {", line.ToString(), StringComparison.Ordinal);
                Assert.Contains("\"tls_required\":true", line.ToString(), StringComparison.Ordinal);
            }
            finally
            {
                foreach (RawClient peer in stalled)
                {
                    await peer.DisposeAsync();
                }
            }
        }
    }

    [Fact]
    public async Task Client_port_cuts_an_endless_line_before_CONNECT_like_nats_server()
    {
        string attack = "CONNECT {\"pad\":\"" + new string('x', 10_000);
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync("");
        await using NatsServer ours = await ConfiguredServer.StartAsync("");
        Assert.Equal(await RefusedAsync(real.Port, attack), await RefusedAsync(ours.Port, attack));
    }

    [Fact]
    public async Task Websocket_port_answers_garbage_like_nats_server_and_bounds_the_request_head()
    {
        int realWs = FreePort.Next();
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync($"websocket {{ listen: \"127.0.0.1:{realWs}\", no_tls: true }}\n");
        await using NatsServer ours = await ConfiguredServer.StartAsync($"websocket {{ listen: \"127.0.0.1:{FreePort.Next()}\", no_tls: true }}\n");
        await using RawClient bystander = await RawClient.ConnectedAsync(ours.Port);
        string garbage = "GARBAGE\r\n\r\n";
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", await HttpAsync(realWs, garbage), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", await HttpAsync(ours.WebSocketPort, garbage), StringComparison.Ordinal);

        // A request head past 64 KiB is not buffered: the connection is closed (nats-server reads up to 1 MB).
        string huge = "GET / HTTP/1.1\r\nX-Pad: " + new string('a', 200_000) + "\r\n\r\n";
        Assert.DoesNotContain("101 Switching Protocols", await HttpAsync(ours.WebSocketPort, huge), StringComparison.Ordinal);
        await bystander.SendAsync("PING\r\n");
        await bystander.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Monitoring_port_refuses_garbage_and_huge_headers_like_nats_server_and_keeps_serving()
    {
        int realHttp = FreePort.Next();
        int ourHttp = FreePort.Next();
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync($"http: 127.0.0.1:{realHttp}\n");
        await using NatsServer ours = await ConfiguredServer.StartAsync($"http: 127.0.0.1:{ourHttp}\n");
        foreach (int port in new[] { realHttp, ourHttp })
        {
            Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", await HttpAsync(port, "GARBAGE\r\n\r\n"), StringComparison.Ordinal);
            string huge = "GET /varz HTTP/1.1\r\nHost: x\r\nX-Pad: " + new string('a', 2_000_000) + "\r\n\r\n";
            Assert.StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n", await HttpAsync(port, huge), StringComparison.Ordinal);
            Assert.StartsWith("HTTP/1.1 200 OK\r\n", await HttpAsync(port, "GET /varz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), StringComparison.Ordinal);
        }
    }

    /// <summary>Writes a raw HTTP request (as much as the server takes) and reads until it closes; bounded by the raw client timeout.</summary>
    private static async Task<string> HttpAsync(int port, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(RawClient.DefaultTimeout);
        NetworkStream stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request)).AsTask().WaitAsync(RawClient.DefaultTimeout);
        }
        catch (IOException)
        {
            // closed while we were still writing: what it answered is still there to read
        }

        var received = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        try
        {
            using var cts = new CancellationTokenSource(RawClient.DefaultTimeout);
            int n;
            while ((n = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                received.Write(buffer, 0, n);
                if (Encoding.ASCII.GetString(received.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            // reset after the answer: keep what arrived
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }
}
