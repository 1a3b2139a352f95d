using System.Text;
using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Tests.Connections;

/// <summary>
/// A read loop stages small MSG frames per subscriber and queues them under one lock per run
/// (DeliveryBatch.Owner): what each subscriber gets, and in what order, is what it got one message at a time.
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
}
