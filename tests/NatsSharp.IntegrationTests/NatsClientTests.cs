using System.Text;
using NATS.Client;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>The official .NET client of the gnatsd era (NATS.Client 0.8.0) against NatsSharp.</summary>
public class NatsClientTests
{
    private static IConnection Connect(TestServer server, Action<Options>? configure = null)
    {
        Options options = ConnectionFactory.GetDefaultOptions();
        options.Url = server.Url;
        options.Timeout = 5000;
        configure?.Invoke(options);
        return new ConnectionFactory().CreateConnection(options);
    }

    [Fact]
    public async Task Publish_and_subscribe()
    {
        await using var server = await TestServer.StartAsync();
        using IConnection sub = Connect(server);
        using IConnection pub = Connect(server);
        using ISyncSubscription s = sub.SubscribeSync("greet.*");
        sub.Flush();
        pub.Publish("greet.joe", Encoding.UTF8.GetBytes("hello"));
        pub.Flush();
        Msg msg = s.NextMessage(5000);
        Assert.Equal("greet.joe", msg.Subject);
        Assert.Equal("hello", Encoding.UTF8.GetString(msg.Data));
    }

    [Fact]
    public async Task Request_and_reply()
    {
        await using var server = await TestServer.StartAsync();
        using IConnection responder = Connect(server);
        using IConnection requester = Connect(server);
        using IAsyncSubscription service = responder.SubscribeAsync("svc.echo", (_, e) =>
            responder.Publish(e.Message.Reply, Encoding.UTF8.GetBytes("echo:" + Encoding.UTF8.GetString(e.Message.Data))));
        responder.Flush();
        for (int i = 0; i < 20; i++)
        {
            Msg reply = requester.Request("svc.echo", Encoding.UTF8.GetBytes($"m{i}"), 5000);
            Assert.Equal($"echo:m{i}", Encoding.UTF8.GetString(reply.Data));
        }
    }

    [Fact]
    public async Task Queue_subscribers_share_the_work()
    {
        await using var server = await TestServer.StartAsync();
        using IConnection a = Connect(server);
        using IConnection b = Connect(server);
        using IConnection pub = Connect(server);
        int gotA = 0;
        int gotB = 0;
        using IAsyncSubscription sa = a.SubscribeAsync("jobs", "workers", (_, _) => Interlocked.Increment(ref gotA));
        using IAsyncSubscription sb = b.SubscribeAsync("jobs", "workers", (_, _) => Interlocked.Increment(ref gotB));
        a.Flush();
        b.Flush();
        for (int i = 0; i < 200; i++)
        {
            pub.Publish("jobs", [1]);
        }

        pub.Flush();
        await Eventually.TrueAsync(() => Volatile.Read(ref gotA) + Volatile.Read(ref gotB) == 200, "200 deliveries in total");
        Assert.True(gotA > 0 && gotB > 0, $"both members should work: {gotA}/{gotB}");
    }

    [Fact]
    public async Task Many_messages_arrive_in_order()
    {
        await using var server = await TestServer.StartAsync();
        using IConnection sub = Connect(server);
        using IConnection pub = Connect(server);
        using ISyncSubscription s = sub.SubscribeSync("seq");
        sub.Flush();
        const int count = 10_000;
        for (int i = 0; i < count; i++)
        {
            pub.Publish("seq", BitConverter.GetBytes(i));
        }

        pub.Flush();
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32(s.NextMessage(5000).Data));
        }
    }

    [Fact]
    public async Task Auto_unsubscribe_stops_after_max()
    {
        await using var server = await TestServer.StartAsync();
        using IConnection c = Connect(server);
        using ISyncSubscription s = c.SubscribeSync("limited");
        s.AutoUnsubscribe(3);
        c.Flush();
        for (int i = 0; i < 10; i++)
        {
            c.Publish("limited", [(byte)i]);
        }

        c.Flush();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(i, s.NextMessage(5000).Data[0]);
        }

        await Eventually.TrueAsync(() => server.Server.GlobalAccount.Sublist.Count == 0, "the subscription removed after 3 messages");
    }

    [Fact]
    public async Task User_and_password_from_the_url()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Username = "derek";
            o.Password = "s3cret";
        });
        using IConnection c = Connect(server, o => o.Url = $"nats://derek:s3cret@127.0.0.1:{server.Port}");
        c.Flush();
        Assert.Throws<NATSConnectionException>(() => Connect(server, o => o.Url = $"nats://derek:wrong@127.0.0.1:{server.Port}"));
    }
}
