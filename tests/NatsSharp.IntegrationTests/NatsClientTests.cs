using System.Text;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>The official .NET client of today (NATS.Net, NATS.Client.Core 3.x) against NatsSharp.</summary>
public class NatsClientTests
{
    [Fact]
    public async Task Publish_and_subscribe()
    {
        await using var server = await TestServer.StartAsync();
        await using NatsConnection sub = await NatsNetClient.ConnectAsync(server.Url);
        await using NatsConnection pub = await NatsNetClient.ConnectAsync(server.Url);
        await using INatsSub<string> s = await sub.SubscribeCoreAsync<string>("greet.*");
        await sub.PingAsync(); // the server has the SUB
        await pub.PublishAsync("greet.joe", "hello");
        NatsMsg<string> msg = await NatsNetClient.NextAsync(s);
        Assert.Equal("greet.joe", msg.Subject);
        Assert.Equal("hello", msg.Data);
    }

    [Fact]
    public async Task Request_and_reply()
    {
        await using var server = await TestServer.StartAsync();
        await using NatsConnection responder = await NatsNetClient.ConnectAsync(server.Url);
        await using NatsConnection requester = await NatsNetClient.ConnectAsync(server.Url);
        await using INatsSub<string> service = await responder.SubscribeCoreAsync<string>("svc.echo");
        Task serving = Task.Run(async () =>
        {
            await foreach (NatsMsg<string> m in service.Msgs.ReadAllAsync())
            {
                await m.ReplyAsync("echo:" + m.Data);
            }
        });
        await responder.PingAsync();
        for (int i = 0; i < 20; i++)
        {
            NatsMsg<string> reply = await requester.RequestAsync<string, string>("svc.echo", $"m{i}");
            Assert.Equal($"echo:m{i}", reply.Data);
        }

        await service.UnsubscribeAsync();
        await serving.WaitAsync(NatsNetClient.Timeout);
    }

    [Fact]
    public async Task Queue_subscribers_share_the_work()
    {
        await using var server = await TestServer.StartAsync();
        await using NatsConnection a = await NatsNetClient.ConnectAsync(server.Url);
        await using NatsConnection b = await NatsNetClient.ConnectAsync(server.Url);
        await using NatsConnection pub = await NatsNetClient.ConnectAsync(server.Url);
        await using INatsSub<byte[]> sa = await a.SubscribeCoreAsync<byte[]>("jobs", queueGroup: "workers");
        await using INatsSub<byte[]> sb = await b.SubscribeCoreAsync<byte[]>("jobs", queueGroup: "workers");
        await a.PingAsync();
        await b.PingAsync();
        for (int i = 0; i < 200; i++)
        {
            await pub.PublishAsync("jobs", new byte[] { 1 });
        }

        await pub.PingAsync();
        int gotA = 0;
        int gotB = 0;
        await Eventually.TrueAsync(
            () =>
            {
                while (sa.Msgs.TryRead(out _))
                {
                    gotA++;
                }

                while (sb.Msgs.TryRead(out _))
                {
                    gotB++;
                }

                return gotA + gotB >= 200;
            },
            "200 deliveries in total");
        Assert.Equal(200, gotA + gotB);
        Assert.True(gotA > 0 && gotB > 0, $"both members should work: {gotA}/{gotB}");
    }

    [Fact]
    public async Task Many_messages_arrive_in_order()
    {
        await using var server = await TestServer.StartAsync();
        await using NatsConnection sub = await NatsNetClient.ConnectAsync(server.Url);
        await using NatsConnection pub = await NatsNetClient.ConnectAsync(server.Url);
        await using INatsSub<byte[]> s = await sub.SubscribeCoreAsync<byte[]>("seq", opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 20_000 } });
        await sub.PingAsync();
        const int count = 10_000;
        for (int i = 0; i < count; i++)
        {
            await pub.PublishAsync("seq", BitConverter.GetBytes(i));
        }

        await pub.PingAsync();
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32((await NatsNetClient.NextAsync(s)).Data));
        }
    }

    [Fact]
    public async Task Auto_unsubscribe_stops_after_max()
    {
        await using var server = await TestServer.StartAsync();
        await using NatsConnection c = await NatsNetClient.ConnectAsync(server.Url);
        await using INatsSub<byte[]> s = await c.SubscribeCoreAsync<byte[]>("limited", opts: new NatsSubOpts { MaxMsgs = 3 }); // SUB, then UNSUB <sid> 3
        await c.PingAsync();
        for (int i = 0; i < 10; i++)
        {
            await c.PublishAsync("limited", new[] { (byte)i });
        }

        await c.PingAsync();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(i, (await NatsNetClient.NextAsync(s)).Data![0]);
        }

        // NATS.Net also holds its request inbox (_INBOX.<id>.*) from the start: only "limited" must go.
        await Eventually.TrueAsync(
            () => !server.Server.GlobalAccount.Sublist.All().Any(x => Encoding.ASCII.GetString(x.Subject) == "limited"),
            "the subscription removed after 3 messages");
    }

    [Fact]
    public async Task User_and_password_from_the_url()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Username = "derek";
            o.Password = "s3cret";
        });
        await using NatsConnection c = await NatsNetClient.ConnectAsync($"nats://derek:s3cret@127.0.0.1:{server.Port}");
        await c.PingAsync();
        var refused = await Assert.ThrowsAnyAsync<NatsException>(() => NatsNetClient.ConnectAsync($"nats://derek:wrong@127.0.0.1:{server.Port}"));
        Assert.Contains("Authorization Violation", refused.ToString(), StringComparison.Ordinal);
    }
}
