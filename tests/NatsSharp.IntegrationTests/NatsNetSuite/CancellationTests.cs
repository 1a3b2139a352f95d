using NATS.Client.Core;
using NatsSharp.IntegrationTests.Chaos;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.NatsNetSuite;

/// <summary>
/// NATS.Net's CancellationTest and the cancellation paths of RequestReplyTest: a subscription ended by its token
/// leaves no interest on the server, and a connection keeps working after cancelled requests.
/// </summary>
public class CancellationTests
{
    [Fact]
    public async Task A_cancelled_subscription_leaves_no_interest_and_the_connection_keeps_working()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection c = await BothServers.ConnectAsync(node.Url);
            await using NatsConnection probe = await BothServers.ConnectAsync(node.Url);
            using var cts = new CancellationTokenSource();
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            int count = 0;
            Task reading = Task.Run(async () =>
            {
                try
                {
                    await foreach (NatsMsg<int> m in c.SubscribeAsync<int>("cancel.me", cancellationToken: cts.Token))
                    {
                        count++;
                        started.TrySetResult();
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });

            await Eventually.TrueAsync(
                async () =>
                {
                    await probe.PublishAsync("cancel.me", 1);
                    return started.Task.IsCompleted;
                },
                "the subscription is live",
                TimeSpan.FromSeconds(10),
                TimeSpan.FromMilliseconds(50));
            string before = await UnsubscribeTests.InterestAsync(probe, "cancel.me", TimeSpan.FromSeconds(1)); // a silent subscriber: runs out

            await cts.CancelAsync();
            await reading.WaitAsync(TimeSpan.FromSeconds(10));
            string after = "";
            await Eventually.TrueAsync(
                async () => (after = await UnsubscribeTests.InterestAsync(probe, "cancel.me", TimeSpan.FromSeconds(1))) == "no responders",
                "the UNSUB of the cancelled subscription reached the server",
                BothServers.Timeout);

            // Requests cancelled before their reply leave the connection usable.
            for (int i = 0; i < 3; i++)
            {
                using var quick = new CancellationTokenSource();
                quick.Cancel();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => c.RequestAsync<int, int>("cancel.me", i, cancellationToken: quick.Token).AsTask());
            }

            await c.PingAsync();
            Assert.True(count > 0);
            return $"before cancel: {before}; after: {after}; connection {c.ConnectionState}";
        });
    }
}
