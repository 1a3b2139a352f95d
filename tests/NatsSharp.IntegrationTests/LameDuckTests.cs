using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>Lame-duck mode through the embedding API: stop accepting, tell, wait, drain, stop.</summary>
public class LameDuckTests
{
    [Fact]
    public async Task Lame_duck_tells_protocol_1_clients_then_closes_everyone_and_stops()
    {
        var log = new LogCapture();
        await using var server = await TestServer.StartAsync(
            o =>
            {
                o.LameDuckGracePeriod = TimeSpan.FromMilliseconds(300);
                o.LameDuckDuration = TimeSpan.FromSeconds(1);
            },
            log);
        await using var modern = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"protocol\":1}");
        await using var legacy = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"protocol\":0}");
        int port = server.Port;

        Task lameDuck = server.Server.LameDuckAsync();

        string info = await modern.ReadLineSkippingPingsAsync();
        Assert.StartsWith("INFO {", info);
        Assert.Contains("\"ldm\":true", info);
        Assert.All(await modern.ReadUntilClosedAsync(), line => Assert.Equal("PING", line)); // only the keepalive, no error
        Assert.All(await legacy.ReadUntilClosedAsync(), line => Assert.Equal("PING", line)); // no async INFO for protocol 0, no error
        await lameDuck.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(server.Server.Stopped.IsCompleted);
        var refused = await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => RawClient.ConnectAsync(port));
        Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, refused.SocketErrorCode); // the listener is closed

        string[] order = ["[INF] Entering lame duck mode, stop accepting new clients", "[INF] Closing existing clients", "[INF] Initiating Shutdown...", "[INF] Server Exiting.."];
        Assert.Equal(order, log.Lines.Where(l => order.Contains(l)));
    }

    [Fact]
    public async Task Lame_duck_with_no_clients_stops_at_once()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.LameDuckDuration = TimeSpan.FromMinutes(10);
            o.LameDuckGracePeriod = TimeSpan.FromMinutes(5); // the grace period must stay below the duration, as in nats-server
        });
        await server.Server.LameDuckAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(server.Server.Stopped.IsCompleted);
    }
}
