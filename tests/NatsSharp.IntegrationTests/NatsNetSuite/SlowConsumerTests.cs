using NATS.Client.Core;
using NatsSharp.IntegrationTests.Chaos;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.NatsNetSuite;

/// <summary>
/// NATS.Net's SlowConsumerTest: a subscription whose channel holds 3 messages, read by a consumer that is stuck;
/// the client drops the rest and reports each drop. The server's own slow consumer handling is compared in
/// SlowConsumerSideBySideTests.
/// </summary>
public class SlowConsumerTests
{
    [Fact]
    public async Task A_full_subscription_channel_drops_and_reports_the_rest()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection c = await BothServers.ConnectAsync(node.Url, o => o with { SubPendingChannelCapacity = 3 });
            int lost = 0;
            c.MessageDropped += (_, _) => { Interlocked.Increment(ref lost); return default; };
            await using INatsSub<string> sub = await c.SubscribeCoreAsync<string>("foo.>");
            await c.PingAsync();

            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var good = new List<string>();
            Task consuming = Task.Run(async () =>
            {
                await foreach (NatsMsg<string> m in sub.Msgs.ReadAllAsync())
                {
                    if (m.Subject == "foo.end")
                    {
                        break;
                    }

                    good.Add(m.Data!);
                    stuck.TrySetResult();
                    await gate.Task; // stuck on the first message until the test lets go
                }
            });

            // The consumer holds its first message before the rest comes, so the channel's three slots are all there is.
            await c.PublishAsync("foo.first", "first");
            await stuck.Task.WaitAsync(BothServers.Timeout);

            for (int i = 0; i < 20; i++)
            {
                await c.PublishAsync("foo.data", $"A{i}");
            }

            await c.PingAsync(); // the PONG comes after the 20 MSGs: all of them reached the client
            await Eventually.TrueAsync(() => Volatile.Read(ref lost) > 0, "the drops reported", BothServers.Timeout); // reported asynchronously
            gate.SetResult();
            await Eventually.TrueAsync(
                async () =>
                {
                    await c.PublishAsync("foo.end"); // may be dropped too while the channel is still full
                    return consuming.IsCompleted;
                },
                "the consumer saw the end",
                TimeSpan.FromSeconds(10),
                TimeSpan.FromMilliseconds(50));

            Assert.True(good.Count < 21, $"the channel should have dropped some: {good.Count}");
            return $"delivered {good.Count} of 21: {string.Join(",", good)}";
        });
    }
}
