using System.Text;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Tests.Connections;

/// <summary>
/// A read loop stages small MSG frames for several subscribers at once and queues them under one lock per
/// connection per commit (DeliveryBatch.Owner, DeliveryStaging): what each subscriber gets, and in what order, is
/// what it got one message at a time, and nothing queued directly overtakes what was staged before it.
/// </summary>
public sealed class DeliveryStagingTests
{
    [Fact]
    public async Task Runs_to_two_subscribers_keep_each_ones_order_around_large_messages()
    {
        await using var server = new NatsServer(new ServerOptions());
        ClientConnection publisher = InProcessClient.Connect(server, 1);
        ClientConnection a = InProcessClient.Connect(server, 2);
        ClientConnection b = InProcessClient.Connect(server, 3);
        a.OnSubscribe("s.a"u8, default, "1"u8);
        b.OnSubscribe("s.*"u8, default, "8"u8);

        string large = new('x', 5000); // over the staging limit: queued directly, after what was staged before it
        var read = new StringBuilder();
        var expectA = new StringBuilder();
        var expectB = new StringBuilder();
        for (int i = 0; i < 300; i++)
        {
            string body = i % 50 == 49 ? large : $"m{i}";
            string subject = i % 3 == 0 ? "s.b" : "s.a";
            read.Append($"PUB {subject} {body.Length}\r\n{body}\r\n");
            if (subject == "s.a")
            {
                expectA.Append($"MSG s.a 1 {body.Length}\r\n{body}\r\n");
                expectB.Append($"MSG s.a 8 {body.Length}\r\n{body}\r\n");
            }
            else
            {
                expectB.Append($"MSG s.b 8 {body.Length}\r\n{body}\r\n");
            }
        }

        InProcessClient.Publish(publisher, Encoding.ASCII.GetBytes(read.ToString()));
        Assert.Equal(expectA.ToString(), Encoding.ASCII.GetString(a.PendingOutboundCopy()));
        Assert.Equal(expectB.ToString(), Encoding.ASCII.GetString(b.PendingOutboundCopy()));
        Assert.Equal(300, publisher.InMsgs);
        Assert.Equal(200, a.OutMsgs);
        Assert.Equal(300, b.OutMsgs);
    }

    [Fact]
    public async Task A_run_past_max_pending_queues_the_frames_that_fit_and_makes_a_slow_consumer()
    {
        await using var server = new NatsServer(new ServerOptions());
        ClientConnection publisher = InProcessClient.Connect(server, 1);
        ClientConnection slow = InProcessClient.Connect(server, 2);
        slow.OnSubscribe("s.a"u8, default, "1"u8);
        slow.MaxPending = 1000;

        byte[] frame = "MSG s.a 1 16\r\n0123456789abcdef\r\n"u8.ToArray();
        byte[] read = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("PUB s.a 16\r\n0123456789abcdef\r\n", 100)));
        InProcessClient.Publish(publisher, read);

        // The connection is closed as a slow consumer (its queue dropped); it was given every whole frame that fit.
        Assert.True(slow.IsSlowConsumer);
        Assert.True(slow.IsClosing);
        Assert.Equal(1000 / frame.Length, slow.OutMsgs);
    }

    [Fact]
    public async Task Interleaved_runs_to_more_subscribers_than_slots_keep_each_ones_order_past_full_slots()
    {
        await using var server = new NatsServer(new ServerOptions());
        ClientConnection publisher = InProcessClient.Connect(server, 1);
        const int subscribers = DeliveryStaging.MaxConnections + 4; // more than the slots: a new one commits
        var subs = new List<ClientConnection>();
        var expect = new List<StringBuilder>();
        for (int i = 0; i < subscribers; i++)
        {
            ClientConnection s = InProcessClient.Connect(server, (ulong)(10 + i));
            s.OnSubscribe(Encoding.ASCII.GetBytes($"s.{i}"), default, "1"u8);
            s.OnSubscribe("s.all"u8, default, "2"u8); // two subscriptions on one connection, frames interleaved
            subs.Add(s);
            expect.Add(new StringBuilder());
        }

        // Fan-out (s.all) mixed with runs to one subscriber long enough to fill its slot (16 KB, 512 frames),
        // one at a time in turn, and in a random order; every 97th message is larger than the staging limit.
        var random = new Random(7);
        var read = new StringBuilder();
        int published = 0;
        void Pub(string subject, string body)
        {
            read.Append($"PUB {subject} {body.Length}\r\n{body}\r\n");
            published++;
            for (int i = 0; i < subscribers; i++)
            {
                if (subject == "s.all")
                {
                    expect[i].Append($"MSG s.all 2 {body.Length}\r\n{body}\r\n");
                }
                else if (subject == $"s.{i}")
                {
                    expect[i].Append($"MSG s.{i} 1 {body.Length}\r\n{body}\r\n");
                }
            }
        }

        for (int i = 0; i < 3000; i++)
        {
            string body = i % 97 == 96 ? new string((char)('a' + i % 26), DeliveryStaging.FrameLimit + 100) : $"m{i}";
            Pub(i % 10 == 0 ? "s.all" : i < 1000 ? $"s.{i % subscribers}" : i < 2000 ? $"s.{random.Next(subscribers)}" : "s.3", body);
        }

        InProcessClient.Publish(publisher, Encoding.ASCII.GetBytes(read.ToString()));
        Assert.Equal(published, publisher.InMsgs);
        for (int i = 0; i < subscribers; i++)
        {
            Assert.Equal(expect[i].ToString(), Encoding.ASCII.GetString(subs[i].PendingOutboundCopy()));
        }
    }

    [Fact]
    public async Task What_is_queued_directly_finds_everything_staged_before_it_already_queued()
    {
        await using var server = new NatsServer(new ServerOptions());
        ClientConnection publisher = InProcessClient.Connect(server, 1);
        ClientConnection a = InProcessClient.Connect(server, 2);
        ClientConnection b = InProcessClient.Connect(server, 3);
        a.OnSubscribe("req.a"u8, default, "1"u8);
        b.OnSubscribe("req.b"u8, default, "1"u8);
        publisher.OnSubscribe("self"u8, default, "9"u8); // the publisher's own: queued directly, never staged
        publisher.DiscardPendingOutbound();

        // An internal subscriber is queued directly too: when it is handed "probe", it looks at what a and b hold.
        var seen = new List<(int A, int B)>();
        var probe = new ProbeSubscriber(() => seen.Add((Pending(a), Pending(b))));
        server.GlobalAccount.Sublist.Insert(new Subscription(probe, "probe"u8.ToArray(), null, "1"u8.ToArray()));

        string read = "PUB req.a 2\r\na1\r\nPUB req.b 2\r\nb1\r\nPUB req.a 2\r\na2\r\nPUB probe 1\r\nx\r\n"
            + "PUB req.b 2\r\nb2\r\nPUB self 1\r\ns\r\nPUB req.a 2\r\na3\r\nPUB probe 1\r\ny\r\n";
        InProcessClient.Publish(publisher, Encoding.ASCII.GetBytes(read));

        Assert.Equal([(2, 1), (3, 2)], seen);
        Assert.Equal("MSG req.a 1 2\r\na1\r\nMSG req.a 1 2\r\na2\r\nMSG req.a 1 2\r\na3\r\n", Encoding.ASCII.GetString(a.PendingOutboundCopy()));
        Assert.Equal("MSG req.b 1 2\r\nb1\r\nMSG req.b 1 2\r\nb2\r\n", Encoding.ASCII.GetString(b.PendingOutboundCopy()));
        Assert.Equal("MSG self 9 1\r\ns\r\n", Encoding.ASCII.GetString(publisher.PendingOutboundCopy()));

        static int Pending(ClientConnection c) => Encoding.ASCII.GetString(c.PendingOutboundCopy()).Split("MSG ").Length - 1;
    }

    [Fact]
    public async Task A_subscriber_over_max_pending_mid_run_gets_what_fits_and_the_others_get_everything()
    {
        await using var server = new NatsServer(new ServerOptions());
        ClientConnection publisher = InProcessClient.Connect(server, 1);
        ClientConnection a = InProcessClient.Connect(server, 2);
        ClientConnection slow = InProcessClient.Connect(server, 3);
        ClientConnection b = InProcessClient.Connect(server, 4);
        foreach (ClientConnection s in new[] { a, slow, b })
        {
            s.OnSubscribe("s.x"u8, default, "1"u8);
        }

        slow.MaxPending = 1000;
        byte[] frame = "MSG s.x 1 16\r\n0123456789abcdef\r\n"u8.ToArray();
        byte[] read = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("PUB s.x 16\r\n0123456789abcdef\r\n", 100)));
        long outBefore = server.Stats.OutMsgs;
        InProcessClient.Publish(publisher, read);

        Assert.True(slow.IsSlowConsumer);
        Assert.True(slow.IsClosing);
        Assert.Equal(1000 / frame.Length, slow.OutMsgs);
        Assert.Equal(100, a.OutMsgs);
        Assert.Equal(100, b.OutMsgs);
        Assert.Equal(string.Concat(Enumerable.Repeat(Encoding.ASCII.GetString(frame), 100)), Encoding.ASCII.GetString(b.PendingOutboundCopy()));
        Assert.Equal(200 + (1000 / frame.Length), server.Stats.OutMsgs - outBefore); // what was not queued is not counted
    }

    [Fact]
    public async Task Staged_deliveries_are_counted_per_subscription_and_an_unsub_max_set_meanwhile_stops_them_at_max()
    {
        await using var server = new NatsServer(new ServerOptions());
        ClientConnection publisher = InProcessClient.Connect(server, 1);
        ClientConnection a = InProcessClient.Connect(server, 2);
        ClientConnection b = InProcessClient.Connect(server, 3);
        a.OnSubscribe("s.x"u8, default, "1"u8);
        b.OnSubscribe("s.x"u8, default, "1"u8);
        a.DiscardPendingOutbound();
        b.DiscardPendingOutbound();
        Subscription subA = server.GlobalAccount.Sublist.Match("s.x"u8).Plain.Single(s => ReferenceEquals(s.Subscriber, a));
        Subscription subB = server.GlobalAccount.Sublist.Match("s.x"u8).Plain.Single(s => ReferenceEquals(s.Subscriber, b));

        // The publisher's read loop stages 5 for each; a's UNSUB 1 3 comes in from a's read loop before they are queued.
        var batch = new DeliveryBatch(server.Stats, server.Log) { Owner = publisher };
        byte[] m = "hello"u8.ToArray();
        for (int i = 0; i < 5; i++)
        {
            Assert.True(batch.ToSubscriber(subA, "s.x"u8, default, 0, m));
            Assert.True(batch.ToSubscriber(subB, "s.x"u8, default, 0, m));
        }

        Assert.Equal(0, subA.Delivered); // numbered when queued
        a.OnUnsubscribe("1"u8, 3);
        a.DiscardPendingOutbound(); // its +OK, if any
        Assert.Equal(0, a.OutMsgs);
        batch.End(0, 0);

        Assert.Equal(3, a.OutMsgs); // the first three; the rest were numbered past the max
        Assert.Equal(string.Concat(Enumerable.Repeat("MSG s.x 1 5\r\nhello\r\n", 3)), Encoding.ASCII.GetString(a.PendingOutboundCopy()));
        Assert.True(subA.Closed); // its max reached: removed
        Assert.Equal(5, subA.Delivered); // like nats-server's, the count includes those refused past the max
        Assert.Equal(5, subB.Delivered);
        Assert.Equal(5, b.OutMsgs);
        Assert.False(subB.Closed);

        // Once the max is set, a new publish is not staged but numbered at once, and nothing more goes to a.
        b.OnUnsubscribe("1"u8, 7);
        InProcessClient.Publish(publisher, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("PUB s.x 5\r\nhello\r\n", 4))));
        Assert.Equal(3, a.OutMsgs);
        Assert.Equal(7, b.OutMsgs);
        Assert.Equal(7, subB.Delivered); // the rest of the read found it removed
        Assert.True(subB.Closed);
    }

    /// <summary>A subscriber without a connection, queued directly; runs <paramref name="onMessage"/> for each message.</summary>
    private sealed class ProbeSubscriber(Action onMessage) : Subscriber(SubscriberKind.Internal)
    {
        public override bool EnqueueMessage(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> sid, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message, bool withHeaders)
        {
            onMessage();
            return true;
        }
    }
}
