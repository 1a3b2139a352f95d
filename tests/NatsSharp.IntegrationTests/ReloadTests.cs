using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// NatsServer.Reload, the embedder-facing half of SIGHUP: what nats-server 2.9.10 applies
/// live reaches existing connections; what it refuses is refused with its message and
/// nothing changes.
/// </summary>
public class ReloadTests
{
    private static ServerOptions Next(TestServer server, Action<ServerOptions> change)
    {
        ServerOptions next = server.Server.Options.Clone();
        change(next);
        return next;
    }

    [Fact]
    public async Task New_credentials_are_accepted_and_clients_with_old_ones_are_closed()
    {
        var log = new LogCapture();
        await using var server = await TestServer.StartAsync(o => { o.Username = "alice"; o.Password = "one"; }, log);
        await using var old = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"user\":\"alice\",\"pass\":\"one\"}");

        server.Server.Reload(Next(server, o => { o.Username = "bob"; o.Password = "two"; }));

        Assert.Equal(["-ERR 'Authorization Violation'"], await old.ReadUntilClosedAsync());
        await using (var bob = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"user\":\"bob\",\"pass\":\"two\"}"))
        {
            await bob.SendAsync("PING\r\n");
            await bob.ExpectAsync("PONG");
        }

        await using var alice = await RawClient.ConnectAsync(server.Port);
        await alice.SendAsync("CONNECT {\"verbose\":false,\"user\":\"alice\",\"pass\":\"one\"}\r\n");
        Assert.Equal(["-ERR 'Authorization Violation'"], await alice.ReadUntilClosedAsync());
        Assert.Contains("[INF] Reloaded: authorization username", log.Lines);
        Assert.Contains("[INF] Reloaded: authorization password", log.Lines);
        Assert.Contains("[INF] Reloaded server configuration", log.Lines);
    }

    [Fact]
    public async Task Turning_on_a_token_closes_clients_without_it()
    {
        await using var server = await TestServer.StartAsync();
        await using var open = await RawClient.ConnectedAsync(server.Port);
        Assert.DoesNotContain("auth_required", open.Info);

        server.Server.Reload(Next(server, o => o.AuthToken = "s3cret"));

        Assert.Equal(["-ERR 'Authorization Violation'"], await open.ReadUntilClosedAsync());
        await using var withToken = await RawClient.ConnectAsync(server.Port);
        Assert.Contains("\"auth_required\":true", withToken.Info);
        await withToken.SendAsync("CONNECT {\"verbose\":false,\"auth_token\":\"s3cret\"}\r\nPING\r\n");
        await withToken.ExpectAsync("PONG");
    }

    [Theory]
    [InlineData("MaxPending", "config reload not supported for MaxPending: old=67108864, new=33554432")]
    [InlineData("LameDuckDuration", "config reload not supported for LameDuckDuration: old=2m0s, new=1m0s")]
    [InlineData("HTTPPort", "config reload not supported for HTTPPort: old=0, new=8240")]
    [InlineData("ServerName", "config reload not supported for ServerName: old=, new=newname")]
    [InlineData("MaxSubs", "config reload not supported for MaxSubs: old=0, new=5")]
    [InlineData("Host", "config reload not supported for Host: old=127.0.0.1, new=0.0.0.0")]
    [InlineData("LogSizeLimit", "config reload not supported for LogSizeLimit: old=0, new=1024")]
    public async Task A_non_reloadable_change_is_refused_with_nats_server_message_and_nothing_changes(string field, string message)
    {
        var log = new LogCapture();
        await using var server = await TestServer.StartAsync(loggerFactory: log);
        ServerOptions next = Next(server, o =>
        {
            o.MaxConnections = 7; // reloadable, must not be applied either
            switch (field)
            {
                case "MaxPending": o.MaxPending = 33554432; break;
                case "LameDuckDuration": o.LameDuckDuration = TimeSpan.FromMinutes(1); break;
                case "HTTPPort": o.HttpPort = 8240; break;
                case "ServerName": o.ServerName = "newname"; break;
                case "MaxSubs": o.MaxSubscriptions = 5; break;
                case "Host": o.Host = "0.0.0.0"; break;
                case "LogSizeLimit": o.LogSizeLimit = 1024; break;
            }
        });

        var ex = Assert.Throws<NatsServerException>(() => server.Server.Reload(next));
        Assert.Equal(message, ex.Message);
        Assert.Equal(64 * 1024, server.Server.Options.MaxConnections);
        Assert.DoesNotContain(log.Lines, l => l.Contains("Reloaded", StringComparison.Ordinal));
        await using var c = await RawClient.ConnectedAsync(server.Port);
    }

    [Fact]
    public async Task Reloaded_lines_follow_nats_server_order_and_wording()
    {
        var log = new LogCapture();
        await using var server = await TestServer.StartAsync(loggerFactory: log);
        server.Server.Reload(Next(server, o =>
        {
            o.PingInterval = TimeSpan.FromSeconds(30);
            o.MaxConnections = 100;
            o.MaxControlLine = 8192;
            o.WriteDeadline = TimeSpan.FromSeconds(3);
        }));

        string[] expected =
        [
            "[INF] Reloaded: max_connections = 100",
            "[INF] Reloaded: authorization users",
            "[INF] Reloaded: accounts",
            "[INF] Reloaded: ping_interval = 30s",
            "[INF] Reloaded: max_control_line = 8192",
            "[INF] Reloaded: write_deadline = 3s",
            "[INF] Reloaded server configuration",
        ];
        Assert.Equal(expected, log.Lines.SkipWhile(l => !l.Contains("Reloaded", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Max_payload_applies_to_existing_clients_without_a_new_info()
    {
        await using var server = await TestServer.StartAsync();
        await using var early = await RawClient.ConnectAsync(server.Port);
        await early.SendAsync("CONNECT {\"verbose\":false,\"protocol\":1}\r\n");
        await using var pinged = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"protocol\":1}");

        server.Server.Reload(Next(server, o => o.MaxPayload = 10));

        // Observed from nats-server 2.9.10: existing clients get no INFO for it, not even at their first PING.
        await early.SendAsync("PING\r\n");
        await early.ExpectAsync("PONG");
        await early.SendAsync("PUB foo 11\r\nhello world\r\n");
        Assert.Equal(["-ERR 'Maximum Payload Violation'"], await early.ReadUntilClosedAsync());

        await pinged.SendAsync("PUB foo 10\r\nhello worl\r\nPING\r\n");
        await pinged.ExpectAsync("PONG");
        await using var fresh = await RawClient.ConnectAsync(server.Port);
        Assert.Contains("\"max_payload\":10,", fresh.Info);
    }

    [Fact]
    public async Task Max_payload_above_max_pending_is_refused()
    {
        await using var server = await TestServer.StartAsync();
        var ex = Assert.Throws<NatsServerException>(() => server.Server.Reload(Next(server, o => o.MaxPayload = 128 * 1024 * 1024)));
        Assert.Equal("max_payload (134217728) cannot be higher than max_pending (67108864)", ex.Message);
        Assert.Equal(1024 * 1024, server.Server.Options.MaxPayload);
    }

    [Fact]
    public async Task Lowering_max_connections_closes_the_excess_clients()
    {
        await using var server = await TestServer.StartAsync();
        var clients = new List<RawClient>();
        for (int i = 0; i < 3; i++)
        {
            clients.Add(await RawClient.ConnectedAsync(server.Port));
        }

        server.Server.Reload(Next(server, o => o.MaxConnections = 1));

        int closed = 0;
        foreach (RawClient c in clients)
        {
            await c.SendAsync("PING\r\n").ContinueWith(_ => { }, TaskScheduler.Default);
            List<string> lines = await ReadSomeAsync(c);
            if (lines.Contains("-ERR 'maximum connections exceeded'"))
            {
                closed++;
            }
            else
            {
                Assert.Equal(["PONG"], lines);
            }

            await c.DisposeAsync();
        }

        Assert.Equal(2, closed);
    }

    /// <summary>Lines until the connection closes, or the first PONG.</summary>
    private static async Task<List<string>> ReadSomeAsync(RawClient c)
    {
        var lines = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            string line;
            try
            {
                line = await c.ReadLineAsync();
            }
            catch (Exception ex) when (RawClient.IsClosedByServer(ex))
            {
                return lines;
            }

            lines.Add(line);
            if (line == "PONG")
            {
                return lines;
            }
        }

        return lines;
    }

    [Fact]
    public async Task Max_control_line_applies_to_existing_clients()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectedAsync(server.Port);
        server.Server.Reload(Next(server, o => o.MaxControlLine = 16));
        await c.SendAsync("SUB a.very.long.subject.beyond.the.limit 1\r\n");
        Assert.Equal(["-ERR 'maximum control line exceeded'"], await c.ReadUntilClosedAsync());
    }

    [Fact]
    public async Task Debug_and_trace_switch_on_live()
    {
        var log = new LogCapture();
        await using var server = await TestServer.StartAsync(loggerFactory: log);
        await using var c = await RawClient.ConnectedAsync(server.Port);
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("[TRC]", StringComparison.Ordinal));

        server.Server.Reload(Next(server, o => { o.Debug = true; o.Trace = true; }));
        await c.SendAsync("SUB traced 1\r\nPING\r\n");
        await c.ExpectAsync("PONG");

        Assert.Contains("[INF] Reloaded: trace = true", log.Lines);
        Assert.Contains("[INF] Reloaded: debug = true", log.Lines);
        Assert.Contains(log.Lines, l => l.StartsWith("[TRC]", StringComparison.Ordinal) && l.EndsWith("<<- [SUB traced 1]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reloads_during_traffic_lose_no_message()
    {
        await using var server = await TestServer.StartAsync();
        await using var sub = await RawClient.ConnectedAsync(server.Port);
        await sub.SendAsync("SUB load 1\r\nPING\r\n");
        await sub.ExpectAsync("PONG");
        await using var pub = await RawClient.ConnectedAsync(server.Port);

        const int Messages = 2000;
        Task publishing = Task.Run(async () =>
        {
            for (int i = 0; i < Messages; i++)
            {
                await pub.SendAsync($"PUB load 5\r\nhello\r\n");
            }
        });
        for (int i = 0; i < 50 && !publishing.IsCompleted; i++)
        {
            int n = i;
            server.Server.Reload(Next(server, o =>
            {
                o.Trace = n % 2 == 0;
                o.MaxConnections = 1000 + n;
                o.PingInterval = TimeSpan.FromSeconds(30 + n);
                o.MaxPayload = 1024 * 1024 - n;
            }));
        }

        await publishing.WaitAsync(TimeSpan.FromSeconds(30));
        for (int i = 0; i < Messages; i++)
        {
            Assert.Equal("MSG load 1 5", await sub.ReadLineSkippingPingsAsync());
            Assert.Equal("hello", await sub.ReadLineAsync());
        }
    }
}
