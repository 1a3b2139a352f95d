using NATS.Client.Core;
using NatsSharp.IntegrationTests.Chaos;

namespace NatsSharp.IntegrationTests.NatsNetSuite;

/// <summary>
/// NATS.Net's ProtocolTest.Unsubscribe_max_msgs: UNSUB with a maximum, a plain UNSUB, and a maximum carried over a
/// reconnect (the client sends SUB and UNSUB with what is left). Whether the server still holds interest is read the way
/// a client can: a request to the subject gets "no responders" once no subscription is left.
/// </summary>
public class UnsubscribeTests
{
    [Fact]
    public async Task Max_msgs_and_a_plain_unsubscribe_leave_no_interest_behind()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection c = await BothServers.ConnectAsync(node.Url);
            await using NatsConnection probe = await BothServers.ConnectAsync(node.Url);
            var lines = new List<string>();

            // SUB foo 1, UNSUB 1 10, then 13 messages: 10 arrive and the subscription ends.
            await using (INatsSub<int> sub = await c.SubscribeCoreAsync<int>("foo", opts: new NatsSubOpts { MaxMsgs = 10 }))
            {
                for (int i = 0; i < 13; i++)
                {
                    await c.PublishAsync("foo", i);
                }

                var got = new List<int>();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await foreach (NatsMsg<int> m in sub.Msgs.ReadAllAsync(cts.Token))
                {
                    got.Add(m.Data);
                }

                Assert.Equal(Enumerable.Range(0, 10), got);
                Assert.Equal(NatsSubEndReason.MaxMsgs, ((NatsSubBase)sub).EndReason);
                lines.Add($"max 10 of 13: {string.Join(",", got)} ({((NatsSubBase)sub).EndReason})");
            }

            lines.Add("foo afterwards: " + await InterestAsync(probe, "foo"));

            // SUB foo2, UNSUB: five messages published afterwards reach nobody.
            await using (INatsSub<int> sub = await c.SubscribeCoreAsync<int>("foo2"))
            {
                await sub.UnsubscribeAsync();
                for (int i = 0; i < 5; i++)
                {
                    await c.PublishAsync("foo2", i);
                }

                await c.PingAsync();
                int count = 0;
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await foreach (NatsMsg<int> unused in sub.Msgs.ReadAllAsync(cts.Token))
                {
                    count++;
                }

                Assert.Equal(0, count);
                lines.Add($"unsubscribed: {count} messages ({((NatsSubBase)sub).EndReason})");
            }

            lines.Add("foo2 afterwards: " + await InterestAsync(probe, "foo2"));
            Assert.Equal("foo afterwards: no responders", lines[1]);
            Assert.Equal("foo2 afterwards: no responders", lines[3]);
            return string.Join("\n", lines);
        });
    }

    [Fact]
    public async Task Max_msgs_left_over_are_resent_after_a_reconnect()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection c = await BothServers.ConnectReconnectingAsync(node.Url);
            await using INatsSub<int> sub = await c.SubscribeCoreAsync<int>("foo3", opts: new NatsSubOpts { MaxMsgs = 10 });
            var got = new List<int>();
            for (int i = 0; i < 5; i++)
            {
                await c.PublishAsync("foo3", i);
            }

            for (int i = 0; i < 5; i++)
            {
                got.Add((await BothServers.NextAsync(sub)).Data);
            }

            await BothServers.RestartAsync(node);
            await BothServers.OpenAsync(c, "reconnected after the restart");
            await c.PingAsync(); // SUB foo3 and UNSUB <sid> 5 went before this PING

            for (int i = 100; i < 110; i++)
            {
                await c.PublishAsync("foo3", i);
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await foreach (NatsMsg<int> m in sub.Msgs.ReadAllAsync(cts.Token))
            {
                got.Add(m.Data);
            }

            Assert.Equal([0, 1, 2, 3, 4, 100, 101, 102, 103, 104], got);
            Assert.Equal(NatsSubEndReason.MaxMsgs, ((NatsSubBase)sub).EndReason);

            // The client stops at 10 on its own; the server must have dropped the subscription after 5 too.
            await using NatsConnection probe = await BothServers.ConnectAsync(node.Url);
            string interest = await InterestAsync(probe, "foo3");
            Assert.Equal("no responders", interest);
            return $"{string.Join(",", got)} ({((NatsSubBase)sub).EndReason}); foo3 afterwards: {interest}";
        });
    }

    /// <summary>"no responders" when the server holds no subscription on <paramref name="subject"/>, else what came back.</summary>
    /// <remarks>The wait is long: "no responders" comes back at once, so it only runs out when a subscriber is there.</remarks>
    internal static async Task<string> InterestAsync(NatsConnection probe, string subject, TimeSpan? wait = null)
    {
        try
        {
            await probe.RequestAsync<int, int>(subject, 0, replyOpts: new NatsSubOpts { Timeout = wait ?? BothServers.Timeout });
            return "answered";
        }
        catch (NatsNoRespondersException)
        {
            return "no responders";
        }
        catch (NatsNoReplyException)
        {
            return "a subscriber, no reply";
        }
    }
}
