using System.Buffers;
using System.Text;
using System.Text.Json;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Monitoring;
using NatsSharp.Server.Tests.Connections;

namespace NatsSharp.Server.Tests.Monitoring;

/// <summary>
/// A closed connection is kept as its values at close and formatted only when /connz asks: the entry must
/// be the one formatting it at close gave (<see cref="ServerMonitor.Describe"/> with a stop time).
/// </summary>
public sealed class ClosedConnectionTests
{
    [Theory]
    [InlineData(ClosedReason.ClientClosed)]
    [InlineData(ClosedReason.SlowConsumerPendingBytes)]
    [InlineData(ClosedReason.ReadError)]
    public async Task A_closed_entry_is_the_one_formatted_at_close(ClosedReason reason)
    {
        await using var server = new NatsServer(new ServerOptions());
        var client = new ClientConnection(server, 7, null!, Stream.Null);
        client.OnConnect("{\"verbose\":false,\"pedantic\":false,\"name\":\"n1\",\"lang\":\"go\",\"version\":\"1.2.3\"}"u8);
        client.OnSubscribe("a.b"u8, "q"u8, "1"u8);
        client.OnSubscribe("c.>"u8, default, "2"u8);
        Read(client, "UNSUB 2 5\r\nPUB a.b 2\r\nhi\r\nPUB c.d 3\r\nabc\r\n");
        client.DiscardPendingOutbound();
        Assert.Equal(2, client.InMsgs);

        DateTime stop = DateTime.UtcNow;
        ConnInfo atClose = ServerMonitor.Describe(client, stop, stop, reason, withSubs: true);
        var kept = new ClosedConnection(client, stop, reason);
        Read(client, "PUB a.b 1\r\nx\r\n"); // what happens after the close is not in the entry
        ConnInfo later = kept.ToConnInfo();

        Assert.Equal(Json(atClose), Json(later));
        Assert.Equal(2, later.Subs.Count);
        Assert.Equal(
            (atClose.StartTime, atClose.LastActivityTime, atClose.StopTime, atClose.User, atClose.AuthUser, atClose.AccountName),
            (later.StartTime, later.LastActivityTime, later.StopTime, later.User, later.AuthUser, later.AccountName));
        Assert.Equal(atClose.Subs.Select(s => s.AccountName), later.Subs.Select(s => s.AccountName));
        Assert.Equal(reason is ClosedReason.SlowConsumerPendingBytes, kept.SlowConsumer);
        Assert.Equal((2L, 5L), (kept.InMsgs, kept.InBytes));
    }

    [Fact]
    public async Task A_client_without_subscriptions_keeps_an_empty_list()
    {
        await using var server = new NatsServer(new ServerOptions());
        ClientConnection client = InProcessClient.Connect(server, 9);
        DateTime stop = DateTime.UtcNow;
        ConnInfo atClose = ServerMonitor.Describe(client, stop, stop, ClosedReason.ClientClosed, withSubs: true);
        ConnInfo later = new ClosedConnection(client, stop, ClosedReason.ClientClosed).ToConnInfo();
        Assert.Equal(Json(atClose), Json(later));
        Assert.Empty(later.Subs);
    }

    private static void Read(ClientConnection client, string bytes)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(bytes));
        client.ProcessBuffer(ref buffer);
    }

    /// <summary>The JSON /connz?subs=detail would show, subscription details included.</summary>
    private static string Json(ConnInfo info)
    {
        info.SubscriptionsListDetail = info.Subs;
        return JsonSerializer.Serialize(new Connz { Connections = [info] }, MonitorJson.Default.Connz);
    }
}
