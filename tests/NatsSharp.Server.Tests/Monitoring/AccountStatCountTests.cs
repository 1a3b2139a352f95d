using System.Buffers;
using System.Text;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Monitoring;

namespace NatsSharp.Server.Tests.Monitoring;

/// <summary>
/// The $SYS account-connections figures (<see cref="ServerMonitor.AccountStatOf"/>) come from each account's list of
/// clients, kept as clients join, move and leave. At every step they must be what a walk over every client gives
/// (/accstatz's <see cref="ServerMonitor.AccountStatz"/>).
/// </summary>
public sealed class AccountStatCountTests
{
    private static readonly string[] Accounts = ["$G", "A", "B"];

    [Fact]
    public async Task Counts_and_traffic_match_a_walk_through_connect_publish_move_and_close()
    {
        var options = new ServerOptions
        {
            Host = "127.0.0.1",
            Port = ServerOptions.RandomPort,
            Accounts =
            [
                new AccountOptions { Name = "A", Users = [new User { Username = "a", Password = "a" }] },
                new AccountOptions { Name = "B", Users = [new User { Username = "b", Password = "b" }] },
            ],
        };
        await using var server = new NatsServer(options);
        await server.StartAsync();
        ServerMonitor monitor = server.Monitor;

        ClientConnection a1 = Accept(server, 1001);
        AssertAsWalk(server, ("$G", 1), ("A", 0), ("B", 0)); // accepted, before CONNECT: in $G
        Connect(a1, "a");
        AssertAsWalk(server, ("$G", 0), ("A", 1), ("B", 0));

        ClientConnection a2 = Accept(server, 1002);
        Connect(a2, "a");
        ClientConnection b1 = Accept(server, 1003);
        Connect(b1, "b");
        a2.OnSubscribe("x.>"u8, default, "1"u8);
        Read(a1, "PUB x.1 5\r\nhello\r\nPUB x.2 2\r\nhi\r\n");
        AssertAsWalk(server, ("$G", 0), ("A", 2), ("B", 1));
        Assert.Equal((2L, 7L), (monitor.AccountStatOf("A").Received.Msgs, monitor.AccountStatOf("A").Received.Bytes));
        Assert.Equal(2L, monitor.AccountStatOf("A").Sent.Msgs);

        // Joins with no traffic in between.
        for (ulong id = 2000; id < 2010; id++)
        {
            Connect(Accept(server, id), "a");
            Assert.Equal(2L, monitor.AccountStatOf("A").Received.Msgs);
        }

        AssertAsWalk(server, ("$G", 0), ("A", 12), ("B", 1));
        Read(a1, "PUB x.3 3\r\nabc\r\n");
        AssertAsWalk(server, ("$G", 0), ("A", 12), ("B", 1));
        Assert.Equal(3L, monitor.AccountStatOf("A").Received.Msgs);

        // A close keeps its traffic in the account (closed totals) and leaves the count.
        server.RecordClosed(a1, ClosedReason.ClientClosed);
        server.ClientRegistry.Remove(a1);
        AssertAsWalk(server, ("$G", 0), ("A", 11), ("B", 1));
        Assert.Equal(3L, monitor.AccountStatOf("A").Received.Msgs);

        // A client without subscriptions takes its new identity's account (a reload's re-authentication).
        b1.ApplyIdentity(new ClientIdentity("a", "", null, "A"));
        AssertAsWalk(server, ("$G", 0), ("A", 12), ("B", 0));
        server.ClientRegistry.Remove(b1);
        server.ClientRegistry.Remove(b1); // twice: counted once
        AssertAsWalk(server, ("$G", 0), ("A", 11), ("B", 0));

        // A client refused for max_connections is never counted; one that never registered moves nothing.
        var refused = new ClientConnection(server, 3000, null!, Stream.Null);
        Assert.False(server.ClientRegistry.TryAdd(refused, 0));
        Connect(refused, "b");
        AssertAsWalk(server, ("$G", 0), ("A", 11), ("B", 0));
    }

    private static ClientConnection Accept(NatsServer server, ulong id)
    {
        var client = new ClientConnection(server, id, null!, Stream.Null);
        Assert.True(server.ClientRegistry.TryAdd(client, int.MaxValue));
        return client;
    }

    private static void Connect(ClientConnection client, string user)
    {
        client.OnConnect(Encoding.ASCII.GetBytes($"{{\"verbose\":false,\"pedantic\":false,\"user\":\"{user}\",\"pass\":\"{user}\"}}"));
        client.DiscardPendingOutbound();
    }

    private static void Read(ClientConnection client, string bytes)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(bytes));
        client.ProcessBuffer(ref buffer);
    }

    /// <summary>Each account's figures as counted, against the walk over every client; and the expected counts.</summary>
    private static void AssertAsWalk(NatsServer server, params (string Account, int Conns)[] expected)
    {
        Dictionary<string, AccountStat> walked = server.Monitor.AccountStatz(includeUnused: true).Accounts.ToDictionary(s => s.Account);
        foreach (string account in Accounts)
        {
            AccountStat kept = server.Monitor.AccountStatOf(account);
            AccountStat walk = walked[account];
            Assert.Equal(
                (walk.Conns, walk.LeafNodes, walk.TotalConns, walk.Sent.Msgs, walk.Sent.Bytes, walk.Received.Msgs, walk.Received.Bytes, walk.SlowConsumers),
                (kept.Conns, kept.LeafNodes, kept.TotalConns, kept.Sent.Msgs, kept.Sent.Bytes, kept.Received.Msgs, kept.Received.Bytes, kept.SlowConsumers));
        }

        foreach ((string account, int conns) in expected)
        {
            Assert.Equal(conns, server.Monitor.AccountStatOf(account).Conns);
        }
    }
}
