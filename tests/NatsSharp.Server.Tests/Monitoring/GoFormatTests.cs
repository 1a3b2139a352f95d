using NatsSharp.Server.Connections;
using NatsSharp.Server.Monitoring;

namespace NatsSharp.Server.Tests.Monitoring;

public class GoFormatTests
{
    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(8L, "800ns")]
    [InlineData(7_030L, "703µs")]
    [InlineData(91_717L, "9.1717ms")]
    [InlineData(15_000_000L, "1.5s")]
    [InlineData(600_000_000L, "1m0s")]
    [InlineData(1_232_500_000L, "2m3.25s")]
    [InlineData(36_000_000_000L, "1h0m0s")]
    [InlineData(-15_000_000L, "-1.5s")]
    public void Duration_prints_like_go(long ticks, string expected) =>
        Assert.Equal(expected, GoFormat.Duration(TimeSpan.FromTicks(ticks)));

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(7, "7s")]
    [InlineData(62, "1m2s")]
    [InlineData(3723, "1h2m3s")]
    [InlineData(93784, "1d2h3m4s")]
    [InlineData(365 * 86400 + 2 * 86400 + 5, "1y2d0h0m5s")]
    public void Uptime_prints_like_nats_server(int seconds, string expected) =>
        Assert.Equal(expected, GoFormat.Uptime(TimeSpan.FromSeconds(seconds) + TimeSpan.FromMilliseconds(900)));

    [Fact]
    public void Time_is_rfc3339_utc_with_trailing_zeros_trimmed()
    {
        Assert.Equal("2026-11-22T02:32:33.7962361Z", GoFormat.Time(new DateTime(2026, 11, 22, 2, 32, 33, DateTimeKind.Utc).AddTicks(7_962_361)));
        Assert.Equal("2026-11-22T02:32:33.5Z", GoFormat.Time(new DateTime(2026, 11, 22, 2, 32, 33, 500, DateTimeKind.Utc)));
        Assert.Equal("2026-11-22T02:32:33Z", GoFormat.Time(new DateTime(2026, 11, 22, 2, 32, 33, DateTimeKind.Utc)));
    }

    [Theory]
    [InlineData("1", true, true)]
    [InlineData("True", true, true)]
    [InlineData("F", true, false)]
    [InlineData("yes", false, false)]
    [InlineData("tRUE", false, false)]
    public void ParseBool_accepts_what_go_accepts(string text, bool ok, bool value)
    {
        Assert.Equal(ok, GoFormat.TryParseBool(text, out bool parsed));
        Assert.Equal(value, parsed);
    }

    [Fact]
    public void Json_escapes_angle_brackets_and_ampersand_like_go()
    {
        byte[] escaped = MonitorHttpServer.GoEscape("{\"s\": \"a.> <b> & µ\"}"u8.ToArray());
        Assert.Equal("{\"s\": \"a.\\u003e \\u003cb\\u003e \\u0026 µ\"}", System.Text.Encoding.UTF8.GetString(escaped));
    }

    [Fact]
    public async Task Closed_ring_keeps_the_newest_oldest_first()
    {
        await using var server = new NatsServer(new ServerOptions());
        var ring = new ClosedConnections(3);
        for (ulong i = 1; i <= 5; i++)
        {
            ring.Add(new ClosedConnection(new ClientConnection(server, i, null!, Stream.Null), DateTime.UtcNow, ClosedReason.ClientClosed));
        }

        Assert.Equal([3UL, 4UL, 5UL], ring.Snapshot().Select(c => c.Cid));
        string[] given = ["", "nats/", "/nats"];
        Assert.Equal(["/", "/nats", "/nats"], given.Select(MonitorHttpServer.NormalizeBasePath));
    }
}
