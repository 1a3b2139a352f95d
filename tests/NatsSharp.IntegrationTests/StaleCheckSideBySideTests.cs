using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Stale detection counts unanswered PINGs only when a PING is due: a client that once left a PING unanswered
/// and then keeps publishing (so no PING is due) stays connected on nats-server, and must on NatsSharp.
/// </summary>
public class StaleCheckSideBySideTests
{
    // 2 s, not 1: a pause of the test host longer than the interval between two publishes makes a PING due, and a
    // stale close right (CI saw one such close at 1 s).
    private const string Config = "ping_interval: \"2s\"\nping_max: 1\n";

    [Fact]
    public async Task A_client_that_stops_answering_pings_but_keeps_publishing_stays_connected()
    {
        string dir = Directory.CreateTempSubdirectory("stale-").FullName;
        string conf = Path.Combine(dir, "stale.conf");
        await File.WriteAllTextAsync(conf, Config);
        try
        {
            await using var reference = await RealNatsServer.StartAsync("-c", conf);
            await using var ours = await TestServer.StartAsync(o =>
            {
                o.PingInterval = TimeSpan.FromSeconds(2);
                o.PingMax = 1;
            });
            Assert.True(await StaysConnected(reference.Port), "nats-server closed the publishing client");
            Assert.True(await StaysConnected(ours.Port), "NatsSharp closed the publishing client");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Answers the first (RTT) PING, leaves the next one unanswered, then publishes for three intervals.</summary>
    private static async Task<bool> StaysConnected(int port)
    {
        await using var c = await RawClient.ConnectAsync(port);
        await c.SendAsync("CONNECT {\"verbose\":false}\r\n");
        Assert.Equal("PING", await c.ReadLineAsync(TimeSpan.FromSeconds(10)));
        await c.SendAsync("PONG\r\n");
        Assert.Equal("PING", await c.ReadLineAsync(TimeSpan.FromSeconds(10))); // idle for an interval: left unanswered
        try
        {
            for (int i = 0; i < 70; i++)
            {
                await c.SendAsync("PUB stale.check 0\r\n\r\n");
                await Task.Delay(100); // the traffic itself, spaced well inside the 2 s interval
            }

            await c.SendAsync("PING\r\n");

            // Stray server PINGs are fine (NatsSharp may still be owed an RTT); a close is not.
            return await c.ReadLineSkippingPingsAsync(TimeSpan.FromSeconds(10)) == "PONG";
        }
        catch (Exception e) when (RawClient.IsClosedByServer(e))
        {
            return false;
        }
    }
}
