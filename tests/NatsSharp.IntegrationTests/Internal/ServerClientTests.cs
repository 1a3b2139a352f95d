using System.Collections.Concurrent;
using System.Text;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Internal;

namespace NatsSharp.IntegrationTests.Internal;

/// <summary>
/// The server's own client (system services and JetStream are built on it): a handler subscribed in an
/// account gets client publishes, also across a route, and what it publishes reaches clients.
/// </summary>
public class ServerClientTests
{
    [Fact]
    public async Task A_handler_gets_a_client_request_and_its_reply_reaches_the_client()
    {
        await using var server = await TestServer.StartAsync();
        ServerClient me = server.Server.Internal;
        Account global = server.Server.GlobalAccount;
        me.Subscribe(global, "svc.echo", (Account account, in InternalMessage m) =>
        {
            // Published from inside the delivery: the send queue delivers it after this read.
            string header = Encoding.ASCII.GetString(m.Header);
            me.Publish(account, Encoding.UTF8.GetString(m.Reply), null, Encoding.UTF8.GetBytes($"{header.Length}:{Encoding.UTF8.GetString(m.Data)}"));
        });

        await using var client = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"headers\":true}");
        await client.SendAsync("SUB _INBOX.1 1\r\nPUB svc.echo _INBOX.1 5\r\nhello\r\nPING\r\n");
        Assert.Equal(["MSG _INBOX.1 1 7", "0:hello"], await ReplyAroundPongAsync(client));

        const string hdr = "NATS/1.0\r\nA: b\r\n\r\n";
        await client.SendAsync($"HPUB svc.echo _INBOX.1 {hdr.Length} {hdr.Length + 2}\r\n{hdr}hi\r\nPING\r\n");
        Assert.Equal([$"MSG _INBOX.1 1 {$"{hdr.Length}:hi".Length}", $"{hdr.Length}:hi"], await ReplyAroundPongAsync(client));
    }

    /// <summary>
    /// The reply's two lines, which the send queue's loop may deliver before or after the PONG of the read that
    /// carried the request (as nats-server's send queue: the PING's answer is written by the reader meanwhile).
    /// </summary>
    private static async Task<string[]> ReplyAroundPongAsync(RawClient client)
    {
        string first = await client.ReadLineSkippingPingsAsync();
        if (first == "PONG")
        {
            return [await client.ReadLineSkippingPingsAsync(), await client.ReadLineAsync()];
        }

        string[] reply = [first, await client.ReadLineAsync()];
        await client.ExpectAsync("PONG");
        return reply;
    }

    [Fact]
    public async Task A_handler_in_one_account_sees_nothing_published_in_another()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Accounts =
            [
                new AccountOptions { Name = "A", Users = [new User { Username = "a", Password = "a" }] },
                new AccountOptions { Name = "B", Users = [new User { Username = "b", Password = "b" }] },
            ];
        });
        var seen = new ConcurrentQueue<string>();
        server.Server.Internal.Subscribe(server.Server.FindAccount("A")!, "x.>", (Account _, in InternalMessage m) => seen.Enqueue(Encoding.UTF8.GetString(m.Data)));

        await using var b = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"user\":\"b\",\"pass\":\"b\"}");
        await using var a = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"user\":\"a\",\"pass\":\"a\"}");
        await b.SendAsync("PUB x.1 4\r\nfrom\r\nPING\r\n");
        await b.ExpectAsync("PONG");
        // Handlers run on the publisher's read loop: once A's PONG is back, A's marker was handled.
        await a.SendAsync("PUB x.2 6\r\nmarker\r\nPING\r\n");
        await a.ExpectAsync("PONG");
        Assert.Equal(["marker"], seen.ToArray());
    }

    [Fact]
    public async Task A_handler_on_one_node_gets_publishes_from_another_and_unsubscribe_stops_it()
    {
        await using var a = await ClusterTests.StartNodeAsync("A");
        await using var b = await ClusterTests.StartNodeAsync("B", a.Server.ClusterPort);
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1 && b.Server.RouteCount == 1, "one route on each node");

        var seen = new ConcurrentQueue<string>();
        InternalSubscriber sub = a.Server.Internal.Subscribe(a.Server.GlobalAccount, "over.route", (Account _, in InternalMessage m) => seen.Enqueue(Encoding.UTF8.GetString(m.Data)));
        await using var pub = await RawClient.ConnectedAsync(b.Port);
        // Interest crosses the route asynchronously: publish until the handler has seen one.
        await Eventually.TrueAsync(async () =>
        {
            await pub.SendAsync("PUB over.route 1\r\n.\r\nPING\r\n");
            await pub.ExpectAsync("PONG");
            return !seen.IsEmpty;
        }, "the handler on A sees a publish on B");

        a.Server.Internal.Unsubscribe(sub);
        await Eventually.TrueAsync(() => b.Server.Accounts.Global.Sublist.Match("over.route"u8).Plain.Length == 0, "B drops A's interest");
    }
}
