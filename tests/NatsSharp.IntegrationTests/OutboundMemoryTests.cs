using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server.Connections;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// What an idle connection keeps of its outbound buffers (docs/benchmarks.md, RSS per idle connection):
/// nothing after a small reply, and a busy one's buffers only until it has been idle for a whole
/// IdleTrim tick. nats-server shrinks its outbound buffer the same way (client.go, flushOutbound).
/// </summary>
public class OutboundMemoryTests
{
    [Fact]
    public async Task An_idle_client_holds_no_outbound_buffer_once_its_pong_is_written()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawClient.ConnectedAsync(server.Port);
        await client.SendAsync("PING\r\n");
        await client.ExpectAsync("PONG");

        ClientConnection connection = Assert.Single(server.Server.ClientRegistry.All);
        await Eventually.TrueAsync(() => connection.PendingBytes == 0 && connection.HeldOutboundBytes == 0, "the PONG's 4 KB chunk back in the pool");

        // It still answers and delivers.
        await client.SendAsync("SUB idle 1\r\nPUB idle 2\r\nhi\r\n");
        await client.ExpectAsync("MSG idle 1 2");
        await client.ExpectAsync("hi");
    }

    [Fact]
    public async Task A_connection_that_wrote_a_large_batch_gives_its_buffers_back_after_a_whole_idle_tick()
    {
        await using var server = await TestServer.StartAsync();
        await using var sub = await RawClient.ConnectedAsync(server.Port);
        await sub.SendAsync("SUB big 1\r\nPING\r\n");
        await sub.ExpectAsync("PONG");
        ClientConnection subscriber = Assert.Single(server.Server.ClientRegistry.All);

        await using var pub = await RawClient.ConnectedAsync(server.Port);
        string payload = new('x', 60_000); // one frame in one 64 KB chunk, kept for the next batch
        await pub.SendAsync($"PUB big {payload.Length}\r\n{payload}\r\nPING\r\n");
        await pub.ExpectAsync("PONG");
        await sub.ExpectAsync($"MSG big 1 {payload.Length}");
        Assert.Equal(payload, await sub.ReadPayloadAsync(payload.Length));
        await Eventually.TrueAsync(() => subscriber.PendingBytes == 0, "the subscriber's write loop done");

        int idleSince = subscriber.IdleSinceTick;
        Assert.True(
            subscriber.HeldOutboundBytes > 0 || IdleTrim.CurrentTick >= idleSince + 2,
            "a busy connection keeps its chunk for the next batch (unless the server's own ticks already took it back)");
        Assert.False(subscriber.TrimIdleOutbound(idleSince + 1, out _), "idle for less than a whole tick: kept");
        Assert.True(subscriber.TrimIdleOutbound(idleSince + 2, out _), "idle for a whole tick: given back");
        Assert.Equal(0, subscriber.HeldOutboundBytes);

        // Given back, it still delivers (a new chunk is rented).
        await pub.SendAsync($"PUB big {payload.Length}\r\n{payload}\r\nPUB big 6\r\nmarker\r\n");
        await sub.ExpectAsync($"MSG big 1 {payload.Length}");
        Assert.Equal(payload, await sub.ReadPayloadAsync(payload.Length));
        await sub.ExpectAsync("MSG big 1 6");
        await sub.ExpectAsync("marker");
    }
}
