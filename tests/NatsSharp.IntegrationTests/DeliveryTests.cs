using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server.Subjects;

namespace NatsSharp.IntegrationTests;

/// <summary>Fan-out, queue groups, headers and no-responders across connections.</summary>
public class DeliveryTests
{
    [Fact]
    public async Task Queue_group_delivers_each_message_to_exactly_one_member()
    {
        await using var server = await TestServer.StartAsync();
        var members = new List<RawClient>();
        for (int i = 0; i < 3; i++)
        {
            var m = await RawClient.ConnectedAsync(server.Port);
            await m.SendAsync("SUB work q1 1\r\nPING\r\n");
            await m.ExpectAsync("PONG");
            members.Add(m);
        }

        await using var plain = await RawClient.ConnectedAsync(server.Port);
        await plain.SendAsync("SUB work 9\r\nPING\r\n");
        await plain.ExpectAsync("PONG");

        const int count = 300;
        await using var pub = await RawClient.ConnectedAsync(server.Port);
        var batch = new System.Text.StringBuilder();
        for (int i = 0; i < count; i++)
        {
            batch.Append("PUB work 1\r\nx\r\n");
        }

        await pub.SendAsync(batch + "PING\r\n");
        await pub.ExpectAsync("PONG");

        for (int i = 0; i < count; i++)
        {
            await plain.ExpectAsync("MSG work 9 1");
            await plain.ExpectAsync("x");
        }

        int total = 0;
        foreach (RawClient m in members)
        {
            await m.SendAsync("PING\r\n");
            int got = 0;
            while (await m.ReadLineAsync() is var line && line != "PONG")
            {
                Assert.Equal("MSG work 1 1", line);
                await m.ExpectAsync("x");
                got++;
            }

            Assert.True(got > 0, "every member should get some of 300 random picks");
            total += got;
            await m.DisposeAsync();
        }

        Assert.Equal(count, total);
    }

    [Fact]
    public async Task Headers_reach_header_clients_and_are_stripped_for_others()
    {
        await using var server = await TestServer.StartAsync();
        await using var modern = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"headers\":true}");
        await using var old = await RawClient.ConnectedAsync(server.Port);
        await modern.SendAsync("SUB h 1\r\nPING\r\n");
        await modern.ExpectAsync("PONG");
        await old.SendAsync("SUB h 2\r\nPING\r\n");
        await old.ExpectAsync("PONG");

        await modern.SendAsync("HPUB h r 18 20\r\nNATS/1.0\r\nA: b\r\n\r\nhi\r\nPING\r\n");
        await modern.ExpectAsync("HMSG h 1 r 18 20");
        await modern.ExpectAsync("NATS/1.0");
        await modern.ExpectAsync("A: b");
        await modern.ExpectAsync("");
        await modern.ExpectAsync("hi");
        await modern.ExpectAsync("PONG");
        await old.ExpectAsync("MSG h 2 r 2");
        await old.ExpectAsync("hi");
    }

    [Fact]
    public async Task Plain_pub_reaches_header_clients_as_plain_msg()
    {
        await using var server = await TestServer.StartAsync();
        await using var modern = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"headers\":true}");
        await modern.SendAsync("SUB p 1\r\nPUB p 2\r\nhi\r\nPING\r\n");
        await modern.ExpectAsync("MSG p 1 2");
        await modern.ExpectAsync("hi");
        await modern.ExpectAsync("PONG");
    }

    [Fact]
    public async Task No_responders_sends_503_to_the_requester()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"headers\":true,\"no_responders\":true}");
        await c.SendAsync("SUB _INBOX.x 1\r\nPUB nobody _INBOX.x 2\r\nhi\r\nPUB nobody 2\r\nhi\r\nPING\r\n");
        await c.ExpectAsync("HMSG _INBOX.x 1 16 16");
        await c.ExpectAsync("NATS/1.0 503");
        await c.ExpectAsync("");
        await c.ExpectAsync("");
        await c.ExpectAsync("PONG"); // the publish without a reply got nothing
    }

    [Fact]
    public async Task A_subscriber_gets_one_message_per_matching_subscription()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync("SUB a.b 1\r\nSUB a.* 2\r\nPUB a.b 1\r\nx\r\nPING\r\n");
        var lines = new List<string> { await c.ReadLineAsync() };
        await c.ExpectAsync("x");
        lines.Add(await c.ReadLineAsync());
        await c.ExpectAsync("x");
        await c.ExpectAsync("PONG");
        lines.Sort(StringComparer.Ordinal);
        Assert.Equal(["MSG a.b 1 1", "MSG a.b 2 1"], lines);
    }

    [Fact]
    public async Task Large_payloads_arrive_intact()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectedAsync(server.Port);
        var random = new Random(7);
        char[] chars = new char[1024 * 1024];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)('a' + random.Next(26));
        }

        string payload = new(chars);
        await c.SendAsync("SUB big 1\r\nPING\r\n");
        await c.ExpectAsync("PONG");
        await c.SendAsync($"PUB big {payload.Length}\r\n{payload}\r\n");
        await c.ExpectAsync($"MSG big 1 {payload.Length}");
        Assert.Equal(payload, await c.ReadPayloadAsync(payload.Length));
    }

    [Fact]
    public async Task Closing_a_client_removes_its_subscriptions()
    {
        await using var server = await TestServer.StartAsync();
        var c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync("SUB a 1\r\nSUB b 2\r\nSUB c q 3\r\nPING\r\n");
        await c.ExpectAsync("PONG");
        Assert.Equal(3, server.Server.GlobalAccount.Sublist.Count);
        await c.DisposeAsync();
        await Eventually.TrueAsync(() => server.Server.GlobalAccount.Sublist.Count == 0 && server.Server.ClientCount == 0, "subscriptions and client removed");
    }

    [Fact]
    public async Task Unsub_max_delivers_exactly_max_while_publishers_on_several_connections_race()
    {
        const int publishers = 4;
        const int each = 1500;
        const int max = 1000;
        await using var server = await TestServer.StartAsync();
        var pubs = new List<RawClient>();
        for (int i = 0; i < publishers; i++)
        {
            pubs.Add(await RawClient.ConnectedAsync(server.Port));
        }

        string batch = string.Concat(Enumerable.Repeat("PUB race 1\r\nx\r\n", each)) + "PING\r\n";
        for (int round = 0; round < 3; round++)
        {
            await using var limited = await RawClient.ConnectedAsync(server.Port);
            await limited.SendAsync($"SUB race 1\r\nUNSUB 1 {max}\r\nSUB race q 2\r\nUNSUB 2 {max}\r\nPING\r\n");
            await limited.ExpectAsync("PONG");
            await using var counted = await RawClient.ConnectedAsync(server.Port);
            await counted.SendAsync("SUB race 3\r\nPING\r\n");
            await counted.ExpectAsync("PONG");
            Subscription all = server.Server.GlobalAccount.Sublist.Match("race"u8).Plain.Single(s => s.Sid.AsSpan().SequenceEqual("3"u8));

            // Every publisher's read loop delivers to the same subscriptions at once.
            await Task.WhenAll(pubs.Select(async p =>
            {
                await p.SendAsync(batch);
                await p.ExpectAsync("PONG");
            }));

            List<string> got = await limited.DrainMessagesAsync(); // all queued before this PONG
            Assert.Equal(max, got.Count(m => m.StartsWith("MSG race 1 ", StringComparison.Ordinal)));
            Assert.Equal(max, got.Count(m => m.StartsWith("MSG race 2 ", StringComparison.Ordinal)));
            Assert.Equal(publishers * each, Interlocked.Read(ref all.Delivered)); // no increment lost
            Assert.Equal(1, server.Server.GlobalAccount.Sublist.Count); // both limited ones removed
        }

        foreach (RawClient p in pubs)
        {
            await p.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_reply_to_the_last_message_of_a_burst_never_overtakes_the_burst_to_someone_else()
    {
        // A publisher's burst alternates between a and b (staged for both at once); b answers the burst's last
        // message by publishing to a. a must get the whole burst before that answer, as from nats-server.
        await using var ours = await TestServer.StartAsync();
        await using RealNatsServer real = await RealNatsServer.StartAsync();
        foreach (int port in new[] { ours.Port, real.Port })
        {
            await using var a = await RawClient.ConnectedAsync(port);
            await a.SendAsync("SUB job 1\r\nPING\r\n");
            await a.ExpectAsync("PONG");
            await using var b = await RawClient.ConnectedAsync(port);
            await b.SendAsync("SUB ask 1\r\nPING\r\n");
            await b.ExpectAsync("PONG");
            await using var publisher = await RawClient.ConnectedAsync(port);
            for (int round = 0; round < 5; round++)
            {
                var burst = new System.Text.StringBuilder();
                for (int i = 0; i < 300; i++)
                {
                    burst.Append($"PUB job 5\r\nj{i:D4}\r\nPUB ask 1\r\nx\r\n");
                }

                await publisher.SendAsync(burst + "PUB ask 2\r\ngo\r\n");
                for (int i = 0; i < 300; i++)
                {
                    await b.ExpectAsync("MSG ask 1 1");
                    await b.ExpectAsync("x");
                }

                await b.ExpectAsync("MSG ask 1 2");
                await b.ExpectAsync("go");
                await b.SendAsync("PUB job 4\r\ndone\r\n");

                for (int i = 0; i < 300; i++)
                {
                    await a.ExpectAsync("MSG job 1 5");
                    await a.ExpectAsync($"j{i:D4}");
                }

                await a.ExpectAsync("MSG job 1 4");
                await a.ExpectAsync("done");
            }
        }
    }
}
