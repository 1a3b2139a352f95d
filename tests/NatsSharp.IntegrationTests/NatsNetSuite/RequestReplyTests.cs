using NATS.Client.Core;
using NatsSharp.IntegrationTests.Chaos;

namespace NatsSharp.IntegrationTests.NatsNetSuite;

/// <summary>
/// NATS.Net's request/reply scenarios (RequestReplyTest, NatsConnectionTest.RequestTest and PubSubNoRespondersTest):
/// replies of several sizes, empty replies, timeouts, cancellation, no responders and request-many.
/// </summary>
public class RequestReplyTests
{
    /// <summary>NatsConnectionTest.RequestTest's reply sizes: 10 bytes and 32 KiB.</summary>
    private static readonly int[] Sizes = [10, 32_768];

    [Fact]
    public async Task Replies_of_10_bytes_and_32_KiB_empty_replies_and_a_timeout()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection responder = await BothServers.ConnectAsync(node.Url);
            await using NatsConnection requester = await BothServers.ConnectAsync(node.Url);
            await using INatsSub<int> service = await responder.SubscribeCoreAsync<int>("svc");
            Task serving = Serve(service, async m =>
            {
                switch (m.Data)
                {
                    case 100:
                        await m.ReplyAsync(default(string)); // an empty reply
                        break;
                    case 11:
                        break; // never answered: the requester times out
                    default:
                        await m.ReplyAsync(new string('a', m.Data / 1000) + m.Data);
                        break;
                }
            });
            await responder.PingAsync();

            var lines = new List<string>();
            foreach (int size in Sizes)
            {
                int request = size * 1000 + 7;
                NatsMsg<string> reply = await requester.RequestAsync<int, string>("svc", request);
                Assert.Equal(new string('a', size) + request, reply.Data);
                lines.Add($"reply of {reply.Data!.Length} chars");
            }

            NatsMsg<string> empty = await requester.RequestAsync<int, string>("svc", 100);
            Assert.Null(empty.Data);
            lines.Add($"empty reply: data null, headers {(empty.Headers is null ? "null" : "set")}");

            Exception timeout = await Assert.ThrowsAnyAsync<Exception>(() =>
                requester.RequestAsync<int, string>("svc", 11, replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromMilliseconds(500) }).AsTask());
            Assert.IsType<NatsNoReplyException>(timeout);
            lines.Add("unanswered: " + BothServers.Describe(timeout));

            using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
            {
                Exception cancelled = await Assert.ThrowsAnyAsync<Exception>(() =>
                    requester.RequestAsync<int, string>("svc", 11, cancellationToken: cts.Token).AsTask());
                Assert.IsAssignableFrom<OperationCanceledException>(cancelled);
                lines.Add("cancelled: " + cancelled.GetType().Name);
            }

            await service.UnsubscribeAsync();
            await serving.WaitAsync(BothServers.Timeout);
            return string.Join("\n", lines);
        });
    }

    [Fact]
    public async Task No_responders_answer_a_request_and_a_publish_with_a_reply_inbox()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection c = await BothServers.ConnectAsync(node.Url);

            // PubSubNoRespondersTest: a plain PUB with a reply subject the same connection listens on.
            string inbox = c.NewInbox();
            await using INatsSub<int> replies = await c.SubscribeCoreAsync<int>(inbox);
            await c.PingAsync();
            await c.PublishAsync("nobody.listens", 1, replyTo: inbox);
            NatsMsg<int> status = await BothServers.NextAsync(replies);
            Assert.Equal(503, status.Headers?.Code);
            var lines = new List<string> { $"status to the inbox: code={status.Headers?.Code} subject-is-inbox={status.Subject == inbox} data={status.Data}" };

            Exception e = await Assert.ThrowsAnyAsync<Exception>(() => c.RequestAsync<int, int>("nobody.listens", 1).AsTask());
            Assert.IsType<NatsNoRespondersException>(e);
            lines.Add("request: " + BothServers.Describe(e));
            return string.Join("\n", lines);
        });
    }

    [Fact]
    public async Task Request_many_ends_on_the_sentinel_and_on_max_msgs()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection c = await BothServers.ConnectAsync(node.Url);
            await using INatsSub<int> service = await c.SubscribeCoreAsync<int>("many");
            Task serving = Serve(service, async m =>
            {
                for (int i = 0; i < 10; i++)
                {
                    await m.ReplyAsync(m.Data * i);
                }

                await m.ReplyAsync<int?>(null); // the sentinel: an empty payload
            });
            await c.PingAsync();

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            var all = new List<int?>();
            await foreach (NatsMsg<int?> m in c.RequestManyAsync<int, int?>("many", 2, cancellationToken: cts.Token))
            {
                all.Add(m.Data);
            }

            Assert.Equal(Enumerable.Range(0, 10).Select(i => (int?)(i * 2)), all);

            var two = new List<int>();
            await using (NatsSub<int> sub = await c.CreateRequestSubAsync<int, int>("many", 3, replyOpts: new NatsSubOpts { MaxMsgs = 2 }, cancellationToken: cts.Token))
            {
                await foreach (NatsMsg<int> m in sub.Msgs.ReadAllAsync(cts.Token))
                {
                    two.Add(m.Data);
                }

                Assert.Equal(NatsSubEndReason.MaxMsgs, ((NatsSubBase)sub).EndReason);
            }

            Assert.Equal([0, 3], two);
            await service.UnsubscribeAsync();
            await serving.WaitAsync(BothServers.Timeout);
            return $"request-many: {string.Join(",", all)}; max-msgs 2: {string.Join(",", two)}";
        });
    }

    /// <summary>Answers every request of <paramref name="service"/> until it is unsubscribed.</summary>
    internal static Task Serve<T>(INatsSub<T> service, Func<NatsMsg<T>, Task> handle) => Task.Run(async () =>
    {
        await foreach (NatsMsg<T> m in service.Msgs.ReadAllAsync())
        {
            await handle(m);
        }
    });
}
