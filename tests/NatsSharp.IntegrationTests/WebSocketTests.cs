using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server;
using NatsSharp.Server.Configuration;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// The <c>websocket { }</c> client port, each conversation run against NatsSharp and the real
/// nats-server 2.9.10 with the same config: NATS over websocket frames (binary, text, fragmented)
/// to and from a plain TCP client, bad handshakes, unmasked frames, origins, allowed_connection_types, wss.
/// </summary>
public class WebSocketTests
{
    /// <summary>A started server of either kind: its client port and websocket port.</summary>
    private sealed record Target(string Name, int Port, int WsPort, IAsyncDisposable Server, LogCapture? Logs) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            Logs?.Dispose();
        }
    }

    /// <summary>Starts NatsSharp and nats-server with the same config; <c>{WS}</c> in it is each one's websocket port.</summary>
    private static async Task<Target[]> StartBothAsync(string config)
    {
        int ours = FreePort.Next();
        ServerOptions options = ConfigBinder.Load(ConfiguredServer.WriteConfig(config.Replace("{WS}", ours.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))).Options;
        options.Host = "127.0.0.1";
        options.Port = ServerOptions.RandomPort;
        var logs = new LogCapture();
        var server = new NatsServer(options, logs);
        await server.StartAsync();
        var natsSharp = new Target("natssharp", server.Port, server.WebSocketPort, server, logs);

        int theirs = FreePort.Next();
        RealNatsServer real = await ConfiguredServer.StartRealAsync("listen: 127.0.0.1:-1\n" + config.Replace("{WS}", theirs.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        return [natsSharp, new Target("nats-server", real.Port, theirs, real, null)];
    }

    private const string PlainConfig = "websocket { listen: \"127.0.0.1:{WS}\", no_tls: true }\n";

    [Fact]
    public async Task Websocket_client_talks_to_a_tcp_client_on_both_servers()
    {
        foreach (Target t in await StartBothAsync(PlainConfig))
        {
            await using var target = t;
            await using var ws = await WsClient.ConnectAsync($"ws://127.0.0.1:{t.WsPort}");
            string info = await ws.ReadLineAsync();
            Assert.StartsWith("INFO {", info);
            Assert.Contains("\"headers\":true", info, StringComparison.Ordinal);
            await ws.SendAsync("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB to.ws 1\r\nPING\r\n");
            await ws.ExpectAsync("PONG");

            await using var tcp = await RawClient.ConnectedAsync(t.Port);
            await tcp.SendAsync("SUB to.tcp 7\r\nPING\r\n");
            await tcp.ExpectAsync("PONG");

            await tcp.SendAsync("PUB to.ws 5\r\nhello\r\n");
            Assert.Equal("MSG to.ws 1 5", await ws.ExpectAsync("MSG "));
            Assert.Equal("hello", await ws.ReadLineAsync());

            // A PUB in a text frame, and one split over three fragments (a continuation in the middle).
            await ws.SendAsync("PUB to.tcp 4\r\ntext\r\nPING\r\n", WebSocketMessageType.Text);
            await ws.ExpectAsync("PONG");
            await ws.SendAsync("PUB to.tcp 1", endOfMessage: false);
            await ws.SendAsync("0\r\nfragm", endOfMessage: false);
            await ws.SendAsync("ented\r\nPING\r\n");
            await ws.ExpectAsync("PONG");

            Assert.Equal(["MSG to.tcp 7 10 fragmented", "MSG to.tcp 7 4 text"], await tcp.DrainMessagesAsync());

            // A payload bigger than one read and one frame header's short length.
            string big = new('x', 100_000);
            await tcp.SendAsync($"PUB to.ws {big.Length}\r\n{big}\r\n");
            Assert.Equal($"MSG to.ws 1 {big.Length}", await ws.ExpectAsync("MSG "));
            Assert.Equal(big, await ws.ReadLineAsync());
        }
    }

    [Fact]
    public async Task Websocket_client_is_named_wid_in_the_log()
    {
        Target[] both = await StartBothAsync(PlainConfig);
        await using var real = both[1];
        await using var ours = both[0];
        await using var ws = await WsClient.ConnectAsync($"ws://127.0.0.1:{ours.WsPort}");
        await ws.ReadLineAsync();
        await ws.SendAsync("CONNECT {\"verbose\":false}\r\nFOO\r\n");
        await Eventually.TrueAsync(() => ours.Logs!.Contains("- wid:") && ours.Logs.Contains("Unknown Protocol Operation"), "the error logged with wid");
        Assert.Contains(ours.Logs!.Lines, l => l.Contains($"Listening for websocket clients on ws://127.0.0.1:{ours.WsPort}", StringComparison.Ordinal));
        Assert.Contains(ours.Logs.Lines, l => l.Contains("Websocket not configured with TLS. DO NOT USE IN PRODUCTION!", StringComparison.Ordinal));
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { "POST / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", "HTTP/1.1 405 Method Not Allowed" },
        { "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", "HTTP/1.1 400 Bad Request" },
        { "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", "HTTP/1.1 400 Bad Request" },
        { "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n", "HTTP/1.1 400 Bad Request" },
        { "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n", "HTTP/1.1 400 Bad Request" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_handshakes_are_answered_as_nats_server_answers_them(string request, string status)
    {
        foreach (Target t in await StartBothAsync(PlainConfig))
        {
            await using var target = t;
            (string head, string body) = await HttpExchangeAsync(t.WsPort, request);
            Assert.StartsWith(status + "\r\n", head, StringComparison.Ordinal);
            Assert.Contains("\r\nSec-Websocket-Version: 13", head, StringComparison.Ordinal);
            Assert.Equal(status[13..] + "\n", body);
        }
    }

    [Fact]
    public async Task Origins_outside_allowed_origins_are_forbidden()
    {
        const string config = "websocket { listen: \"127.0.0.1:{WS}\", no_tls: true, allowed_origins: [\"http://good.example:8080\"] }\n";
        foreach (Target t in await StartBothAsync(config))
        {
            await using var target = t;
            string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: {0}\r\n\r\n";
            (string head, _) = await HttpExchangeAsync(t.WsPort, string.Format(System.Globalization.CultureInfo.InvariantCulture, request, "http://evil.example:8080"));
            Assert.StartsWith("HTTP/1.1 403 Forbidden\r\n", head, StringComparison.Ordinal);
            (head, _) = await HttpExchangeAsync(t.WsPort, string.Format(System.Globalization.CultureInfo.InvariantCulture, request, "http://good.example:8080"));
            Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", head, StringComparison.Ordinal);
        }

        Target[] again = await StartBothAsync(config);
        await using var ours = again[0];
        await using var theirs = again[1];
        await HttpExchangeAsync(ours.WsPort, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: https://evil.example\r\n\r\n");
        await Eventually.TrueAsync(() => ours.Logs!.Contains("websocket handshake error: origin not allowed: not in the allowed list"), "the refusal logged");
    }

    [Fact]
    public async Task An_unmasked_client_frame_is_a_protocol_error()
    {
        foreach (Target t in await StartBothAsync(PlainConfig))
        {
            await using var target = t;
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", t.WsPort).WaitAsync(RawClient.DefaultTimeout);
            NetworkStream stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
            byte[] all = await ReadUntilAsync(stream, b => IndexOf(b, "\r\n\r\n"u8) >= 0);
            Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", Encoding.ASCII.GetString(all), StringComparison.Ordinal);
            Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Encoding.ASCII.GetString(all), StringComparison.Ordinal);

            byte[] ping = [0x82, 6, .. "PING\r\n"u8]; // binary, final, no mask bit
            await stream.WriteAsync(ping);

            // The server's frames: the INFO (binary), then a close frame 1002 "mask bit missing" and the end.
            // nats-server closes the socket right after queueing it, so there the frame may be lost to the reset.
            byte[] frames = await ReadUntilAsync(stream, _ => false, closedIsDone: true);
            if (FindClose(frames) is (int code, string reason))
            {
                Assert.Equal(1002, code);
                Assert.Equal("mask bit missing", reason);
            }
            else
            {
                Assert.True(t.Name == "nats-server", $"{t.Name}: no close frame in {Convert.ToHexString(frames)}");
            }
        }
    }

    [Fact]
    public async Task Nats_no_masking_is_confirmed_and_then_unmasked_frames_are_taken()
    {
        foreach (Target t in await StartBothAsync(PlainConfig))
        {
            await using var target = t;
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", t.WsPort).WaitAsync(RawClient.DefaultTimeout);
            NetworkStream stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nNats-No-Masking: true\r\n\r\n"));
            byte[] head = await ReadUntilAsync(stream, b => IndexOf(b, "\r\n\r\n"u8) >= 0);
            Assert.Contains("\r\nNats-No-Masking: true\r\n", Encoding.ASCII.GetString(head), StringComparison.Ordinal);

            byte[] ping = [0x82, 6, .. "PING\r\n"u8]; // unmasked, as agreed
            await stream.WriteAsync(ping);
            byte[] frames = await ReadUntilAsync(stream, b => Encoding.ASCII.GetString(b).Contains("PONG\r\n", StringComparison.Ordinal));
            Assert.Contains("PONG\r\n", Encoding.ASCII.GetString(frames), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Permessage_deflate_is_negotiated_and_large_messages_cross_compressed()
    {
        const string config = "websocket { listen: \"127.0.0.1:{WS}\", no_tls: true, compression: true }\n";
        foreach (Target t in await StartBothAsync(config))
        {
            await using var target = t;
            (string head, _) = await HttpExchangeAsync(t.WsPort, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n");
            Assert.Contains("\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover", head, StringComparison.Ordinal);

            await using var ws = await WsClient.ConnectAsync($"ws://127.0.0.1:{t.WsPort}", o => o.DangerousDeflateOptions = new WebSocketDeflateOptions
            {
                ClientContextTakeover = false,
                ServerContextTakeover = false,
            });
            await ws.ReadLineAsync();
            string big = string.Concat(Enumerable.Repeat("compressible ", 5000));
            await ws.SendAsync($"CONNECT {{\"verbose\":false}}\r\nSUB big 1\r\nPUB big {big.Length}\r\n{big}\r\n");
            Assert.Equal($"MSG big 1 {big.Length}", await ws.ExpectAsync("MSG "));
            Assert.Equal(big, await ws.ReadLineAsync());
        }
    }

    [Fact]
    public async Task Allowed_connection_types_separate_websocket_from_plain_clients()
    {
        const string config = """
            websocket { listen: "127.0.0.1:{WS}", no_tls: true }
            authorization {
              users: [
                { user: plain, password: p, allowed_connection_types: ["STANDARD"] }
                { user: web, password: w, allowed_connection_types: ["WEBSOCKET"] }
              ]
            }
            """;
        foreach (Target t in await StartBothAsync(config))
        {
            await using var target = t;
            await using (var ws = await WsClient.ConnectAsync($"ws://127.0.0.1:{t.WsPort}"))
            {
                await ws.ReadLineAsync();
                await ws.SendAsync("CONNECT {\"verbose\":false,\"user\":\"web\",\"pass\":\"w\"}\r\nPING\r\n");
                await ws.ExpectAsync("PONG");
            }

            await using (var ws = await WsClient.ConnectAsync($"ws://127.0.0.1:{t.WsPort}"))
            {
                await ws.ReadLineAsync();
                await ws.SendAsync("CONNECT {\"verbose\":false,\"user\":\"plain\",\"pass\":\"p\"}\r\nPING\r\n");
                Assert.Equal("-ERR 'Authorization Violation'", await ws.ReadLineAsync());
            }

            await using var tcp = await RawClient.ConnectAsync(t.Port);
            await tcp.SendAsync("CONNECT {\"verbose\":false,\"user\":\"web\",\"pass\":\"w\"}\r\nPING\r\n");
            Assert.Equal("-ERR 'Authorization Violation'", await tcp.ReadLineAsync());
        }
    }

    [Fact]
    public async Task Websocket_authorization_overrides_the_servers_for_websocket_clients_only()
    {
        const string config = "websocket { listen: \"127.0.0.1:{WS}\", no_tls: true, authorization { token: wstok } }\n";
        foreach (Target t in await StartBothAsync(config))
        {
            await using var target = t;
            await using (var ws = await WsClient.ConnectAsync($"ws://127.0.0.1:{t.WsPort}"))
            {
                Assert.Contains("\"auth_required\":true", await ws.ReadLineAsync(), StringComparison.Ordinal);
                await ws.SendAsync("CONNECT {\"verbose\":false,\"auth_token\":\"wstok\"}\r\nPING\r\n");
                await ws.ExpectAsync("PONG");
            }

            await using (var ws = await WsClient.ConnectAsync($"ws://127.0.0.1:{t.WsPort}"))
            {
                await ws.ReadLineAsync();
                await ws.SendAsync("CONNECT {\"verbose\":false,\"auth_token\":\"wrong\"}\r\nPING\r\n");
                Assert.Equal("-ERR 'Authorization Violation'", await ws.ReadLineAsync());
            }

            await using var tcp = await RawClient.ConnectedAsync(t.Port); // the NATS port needs nothing
            Assert.DoesNotContain("auth_required", tcp.Info, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Websocket_no_auth_user_lets_websocket_clients_in_without_credentials()
    {
        const string config = """
            websocket { listen: "127.0.0.1:{WS}", no_tls: true, no_auth_user: anon }
            authorization { users: [ { user: a, password: a }, { user: anon, password: x } ] }
            """;
        foreach (Target t in await StartBothAsync(config))
        {
            await using var target = t;
            await using (var ws = await WsClient.ConnectAsync($"ws://127.0.0.1:{t.WsPort}"))
            {
                await ws.ReadLineAsync();
                await ws.SendAsync("CONNECT {\"verbose\":false}\r\nPING\r\n");
                await ws.ExpectAsync("PONG");
            }

            await using var tcp = await RawClient.ConnectAsync(t.Port);
            await tcp.SendAsync("CONNECT {\"verbose\":false}\r\nPING\r\n");
            Assert.Equal("-ERR 'Authorization Violation'", await tcp.ReadLineAsync());
        }
    }

    [Fact]
    public async Task Varz_websocket_section_matches_nats_server()
    {
        const string config = """
            http: "127.0.0.1:-1"
            websocket {
              listen: "127.0.0.1:{WS}", no_tls: true, compression: true, same_origin: true
              allowed_origins: ["https://a.example"], handshake_timeout: "3s", no_auth_user: anon
              authorization { timeout: 4 }
            }
            authorization { users: [ { user: anon, password: x } ] }
            """;
        Target[] both = await StartBothAsync(config);
        await using var ours = both[0];
        await using var theirs = both[1];
        using var ourHttp = new MonitorHttp(((NatsServer)ours.Server).MonitorPort);
        using var realHttp = new MonitorHttp(((RealNatsServer)theirs.Server).MonitorPort);
        string Section(System.Text.Json.JsonElement varz, int wsPort) =>
            System.Text.Json.JsonSerializer.Serialize(varz.GetProperty("websocket")).Replace(wsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "PORT", StringComparison.Ordinal);
        string expected = Section(await realHttp.JsonAsync("/varz"), theirs.WsPort);
        Assert.Contains("\"compression\":true", expected, StringComparison.Ordinal);
        Assert.Equal(expected, Section(await ourHttp.JsonAsync("/varz"), ours.WsPort));
    }

    [Fact]
    public async Task Wss_needs_tls_from_the_first_byte()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        (string cert, string key) = certs.IssueServer("localhost");
        string config = $$"""
            websocket {
              listen: "127.0.0.1:{WS}"
              tls { cert_file: "{{cert}}", key_file: "{{key}}" }
            }
            """;
        foreach (Target t in await StartBothAsync(config))
        {
            await using var target = t;
            await using var ws = await WsClient.ConnectAsync($"wss://localhost:{t.WsPort}", ca: certs.Ca);
            Assert.StartsWith("INFO {", await ws.ReadLineAsync());
            await ws.SendAsync("CONNECT {\"verbose\":false}\r\nSUB s 1\r\nPUB s 2\r\nhi\r\n");
            Assert.Equal("MSG s 1 2", await ws.ExpectAsync("MSG "));

            // Plain ws:// on a wss port gets no HTTP answer.
            await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(async () => await WsClient.ConnectAsync($"ws://127.0.0.1:{t.WsPort}"));
        }
    }

    [Fact]
    public async Task Websocket_without_tls_or_no_tls_is_refused_at_start()
    {
        string path = ConfiguredServer.WriteConfig("websocket {\n  listen: 127.0.0.1:-1\n}\n");
        ServerOptions options = ConfigBinder.Load(path).Options;
        options.Port = ServerOptions.RandomPort;
        await using var server = new NatsServer(options, new LogCapture());
        var ex = await Assert.ThrowsAsync<NatsServerException>(() => server.StartAsync());
        Assert.Equal("websocket requires TLS configuration", ex.Message);

        // nats-server finds it when starting (its -t only parses), and exits.
        var check = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(RealNatsServer.Binary, ["-c", path]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        string output = await check.StandardError.ReadToEndAsync() + await check.StandardOutput.ReadToEndAsync();
        await check.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("websocket requires TLS configuration", output, StringComparison.Ordinal);
    }

    /// <summary>Sends a raw HTTP request; returns the response head and its Content-Length body.</summary>
    private static async Task<(string Head, string Body)> HttpExchangeAsync(int port, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(RawClient.DefaultTimeout);
        NetworkStream stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        byte[] all = await ReadUntilAsync(stream, b =>
        {
            int end = IndexOf(b, "\r\n\r\n"u8);
            if (end < 0)
            {
                return false;
            }

            string head = Encoding.ASCII.GetString(b, 0, end);
            var m = System.Text.RegularExpressions.Regex.Match(head, "Content-Length: (\\d+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
            return !m.Success || b.Length >= end + 4 + int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        });
        int headEnd = IndexOf(all, "\r\n\r\n"u8);
        string text = Encoding.ASCII.GetString(all);
        string responseHead = text[..headEnd];
        return (responseHead, responseHead.StartsWith("HTTP/1.1 101", StringComparison.Ordinal) ? "" : text[(headEnd + 4)..]);
    }

    private static async Task<byte[]> ReadUntilAsync(NetworkStream stream, Func<byte[], bool> done, bool closedIsDone = false)
    {
        var got = new List<byte>();
        byte[] buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(RawClient.DefaultTimeout);
        while (!done(got.ToArray()))
        {
            int n;
            try
            {
                n = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (Exception e) when (closedIsDone && RawClient.IsClosedByServer(e))
            {
                break;
            }

            if (n == 0)
            {
                break;
            }

            got.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        return got.ToArray();
    }

    private static int IndexOf(byte[] data, ReadOnlySpan<byte> what) => data.AsSpan().IndexOf(what);

    /// <summary>Walks unmasked server frames; the status and reason of the first close frame.</summary>
    private static (int Code, string Reason)? FindClose(byte[] data)
    {
        int i = 0;
        while (i + 2 <= data.Length)
        {
            int opcode = data[i] & 0x0F;
            long length = data[i + 1] & 0x7F;
            int header = 2;
            if (length == 126)
            {
                if (i + 4 > data.Length)
                {
                    return null;
                }

                length = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(i + 2));
                header = 4;
            }
            else if (length == 127)
            {
                if (i + 10 > data.Length)
                {
                    return null;
                }

                length = (long)BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(i + 2));
                header = 10;
            }

            if (i + header + length > data.Length)
            {
                return null;
            }

            if (opcode == 8 && length >= 2)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(i + header)), Encoding.UTF8.GetString(data, i + header + 2, (int)length - 2));
            }

            i += header + (int)length;
        }

        return null;
    }
}
