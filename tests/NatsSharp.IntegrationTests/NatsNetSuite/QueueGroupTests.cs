using NATS.Client.Core;
using NatsSharp.IntegrationTests.Chaos;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.NatsNetSuite;

/// <summary>
/// NATS.Net's queue group scenarios (NatsConnectionTest.QueueGroupsTest, ProtocolTest.Subscription_queue_group):
/// wildcard queue subscriptions split the work, and each group gets its own copy.
/// </summary>
public class QueueGroupTests
{
    [Fact]
    public async Task Wildcard_queue_members_split_the_messages_and_each_group_gets_a_copy()
    {
        const int count = 100;
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection c1 = await BothServers.ConnectAsync(node.Url);
            await using NatsConnection c2 = await BothServers.ConnectAsync(node.Url);
            await using NatsConnection pub = await BothServers.ConnectAsync(node.Url);
            var wide = new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 1000 } };
            await using INatsSub<int> member1 = await c1.SubscribeCoreAsync<int>("foo.*", queueGroup: "my-group", opts: wide);
            await using INatsSub<int> member2 = await c2.SubscribeCoreAsync<int>("foo.*", queueGroup: "my-group", opts: wide);
            await using INatsSub<int> other = await c1.SubscribeCoreAsync<int>("foo.*", queueGroup: "other-group", opts: wide);
            await c1.PingAsync();
            await c2.PingAsync();

            for (int i = 0; i < count; i++)
            {
                await pub.PublishAsync($"foo.xyz{i}", i);
            }

            await pub.PingAsync();
            var got1 = new List<int>();
            var got2 = new List<int>();
            var gotOther = new List<int>();
            await Eventually.TrueAsync(
                () =>
                {
                    Drain(member1, got1);
                    Drain(member2, got2);
                    Drain(other, gotOther);
                    return got1.Count + got2.Count >= count && gotOther.Count >= count;
                },
                "every message once to my-group and once to other-group",
                TimeSpan.FromSeconds(15));

            Assert.True(got1.Count > 0 && got2.Count > 0, $"both members should get work: {got1.Count}/{got2.Count}");
            Assert.Equal(Enumerable.Range(0, count), got1.Concat(got2).Order());
            Assert.Equal(Enumerable.Range(0, count), gotOther.Order());
            return $"my-group: {got1.Count + got2.Count} distinct over both members; other-group: {gotOther.Count}";
        });
    }

    /// <summary>Takes what arrived, checking each message came on the subject its number was published to.</summary>
    private static void Drain(INatsSub<int> sub, List<int> into)
    {
        while (sub.Msgs.TryRead(out NatsMsg<int> m))
        {
            Assert.Equal($"foo.xyz{m.Data}", m.Subject);
            into.Add(m.Data);
        }
    }
}
