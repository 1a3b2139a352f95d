using System.Net.Sockets;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests;

/// <summary>Connection limits and liveness: each misbehaving client is closed, the server carries on.</summary>
public class LimitsTests
{
    [Fact]
    public async Task Max_connections_sends_info_then_the_error()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxConnections = 1);
        await using var first = await RawClient.ConnectedAsync(server.Port);
        await using var second = await RawClient.ConnectAsync(server.Port);
        Assert.Equal(["-ERR 'maximum connections exceeded'"], await second.ReadUntilClosedAsync());
        await first.SendAsync("PING\r\n");
        await first.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Max_subscriptions_errs_and_keeps_the_connection()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxSubscriptions = 2);
        await using var c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync("SUB a 1\r\nSUB b 2\r\nSUB c 3\r\n");
        await c.ExpectAsync("-ERR 'maximum subscriptions exceeded'");
        await c.SendAsync("PING\r\n");
        await c.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Stale_connection_is_pinged_then_closed()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(300);
            o.PingMax = 2;
        });
        await using var c = await RawClient.ConnectAsync(server.Port);
        await c.SendAsync("CONNECT {\"verbose\":false}\r\n");
        List<string> lines = await c.ReadUntilClosedAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["PING", "PING", "-ERR 'Stale Connection'"], lines);
    }

    [Fact]
    public async Task A_client_that_answers_pings_stays()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMilliseconds(200);
            o.PingMax = 1;
        });
        await using var c = await RawClient.ConnectedAsync(server.Port);
        for (int i = 0; i < 4; i++)
        {
            await c.ExpectAsync("PING", TimeSpan.FromSeconds(5));
            await c.SendAsync("PONG\r\n");
        }

        await c.SendAsync("PING\r\n");
        string line = await c.ReadLineAsync();
        while (line == "PING")
        {
            await c.SendAsync("PONG\r\n");
            line = await c.ReadLineAsync();
        }

        Assert.Equal("PONG", line);
    }

    [Fact]
    public async Task Auth_timeout_closes_a_client_that_never_connects()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Username = "alice";
            o.Password = "secret";
            o.AuthTimeout = TimeSpan.FromMilliseconds(300);
        });
        await using var c = await RawClient.ConnectAsync(server.Port);
        Assert.Contains("\"auth_required\":true", c.Info);
        Assert.Equal(["-ERR 'Authentication Timeout'"], await c.ReadUntilClosedAsync());
    }

    [Fact]
    public async Task Auth_required_refuses_ops_before_connect_and_bad_credentials()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Username = "alice";
            o.Password = "secret";
        });
        await using (var early = await RawClient.ConnectAsync(server.Port))
        {
            await early.SendAsync("PING\r\n");
            Assert.Equal(["-ERR 'Authorization Violation'"], await early.ReadUntilClosedAsync());
        }

        await using (var wrong = await RawClient.ConnectAsync(server.Port))
        {
            await wrong.SendAsync("CONNECT {\"user\":\"alice\",\"pass\":\"nope\"}\r\n");
            Assert.Equal(["-ERR 'Authorization Violation'"], await wrong.ReadUntilClosedAsync());
        }

        await using var right = await RawClient.ConnectAsync(server.Port);
        await right.SendAsync("CONNECT {\"verbose\":false,\"user\":\"alice\",\"pass\":\"secret\"}\r\nPING\r\n");
        await right.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Token_auth()
    {
        await using var server = await TestServer.StartAsync(o => o.AuthToken = "s3cr3t");
        await using (var wrong = await RawClient.ConnectAsync(server.Port))
        {
            await wrong.SendAsync("CONNECT {\"auth_token\":\"nope\"}\r\n");
            Assert.Equal(["-ERR 'Authorization Violation'"], await wrong.ReadUntilClosedAsync());
        }

        await using var right = await RawClient.ConnectAsync(server.Port);
        await right.SendAsync("CONNECT {\"verbose\":false,\"auth_token\":\"s3cr3t\"}\r\nPING\r\n");
        await right.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Slow_consumer_over_max_pending_is_closed_and_others_are_unaffected()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxPending = 256 * 1024;
            o.MaxPayload = 64 * 1024;
        });

        // The slow consumer subscribes and then never reads; its socket buffers fill up.
        using var slow = new TcpClient();
        slow.ReceiveBufferSize = 4096;
        await slow.ConnectAsync("127.0.0.1", server.Port);
        var slowStream = slow.GetStream();
        await slowStream.WriteAsync("CONNECT {\"verbose\":false}\r\nSUB firehose 1\r\nPING\r\n"u8.ToArray());

        await using var healthy = await RawClient.ConnectedAsync(server.Port);
        await healthy.SendAsync("SUB other 1\r\nPING\r\n");
        await healthy.ExpectAsync("PONG");
        await Eventually.TrueAsync(() => server.Server.GlobalAccount.Sublist.Count == 2, "both subscriptions registered");

        await using var publisher = await RawClient.ConnectedAsync(server.Port);
        string payload = new('p', 32 * 1024);
        for (int i = 0; i < 200 && server.Server.Stats.SlowConsumers == 0; i++)
        {
            await publisher.SendAsync($"PUB firehose {payload.Length}\r\n{payload}\r\n");
        }

        await Eventually.TrueAsync(() => server.Server.Stats.SlowConsumers == 1, "the slow consumer to be detected");
        await Eventually.TrueAsync(() => server.Server.GlobalAccount.Sublist.Count == 1, "the slow consumer's subscription removed");

        await publisher.SendAsync("PUB other 2\r\nok\r\nPING\r\n");
        await publisher.ExpectAsync("PONG");
        await healthy.ExpectAsync("MSG other 1 2");
        await healthy.ExpectAsync("ok");
    }

    [Fact]
    public async Task Max_payload_above_max_pending_refuses_to_start()
    {
        var options = new ServerOptions { Host = "127.0.0.1", Port = -1, MaxPayload = 2 * 1024 * 1024, MaxPending = 1024 * 1024 };
        var server = new NatsServer(options);
        var ex = await Assert.ThrowsAsync<NatsServerException>(() => server.StartAsync());
        Assert.Equal("max_payload (2097152) cannot be higher than max_pending (1048576)", ex.Message);
    }

    [Fact]
    public async Task Port_in_use_is_a_clear_start_up_error()
    {
        await using var first = await TestServer.StartAsync();
        var server = new NatsServer(new ServerOptions { Host = "127.0.0.1", Port = first.Port });
        var ex = await Assert.ThrowsAsync<NatsServerException>(() => server.StartAsync());
        Assert.Equal($"Error listening on port: 127.0.0.1:{first.Port}, \"listen tcp 127.0.0.1:{first.Port}: bind: address already in use\"", ex.Message);
    }

    [Fact]
    public async Task A_write_blocked_past_the_write_deadline_is_a_slow_consumer()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.WriteDeadline = TimeSpan.FromMilliseconds(200);
            o.MaxPending = 512L * 1024 * 1024; // never the limit here: only the deadline can trip
        });

        using var stuck = new TcpClient();
        stuck.ReceiveBufferSize = 4096;
        await stuck.ConnectAsync("127.0.0.1", server.Port);
        await stuck.GetStream().WriteAsync("CONNECT {\"verbose\":false}\r\nSUB firehose 1\r\nPING\r\n"u8.ToArray());
        await Eventually.TrueAsync(() => server.Server.GlobalAccount.Sublist.Count == 1, "the subscription");

        await using var publisher = await RawClient.ConnectedAsync(server.Port);
        string payload = new('w', 60 * 1024);
        for (int i = 0; i < 2000 && server.Server.Stats.SlowConsumers == 0; i++)
        {
            await publisher.SendAsync($"PUB firehose {payload.Length}\r\n{payload}\r\n");
        }

        await Eventually.TrueAsync(() => server.Server.Stats.SlowConsumers == 1, "the write deadline to expire", TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => server.Server.GlobalAccount.Sublist.Count == 0, "the stuck subscriber removed");
        await publisher.SendAsync("PING\r\n");
        await publisher.ExpectAsync("PONG");
    }
}
