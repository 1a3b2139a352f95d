using NATS.Client.Core;
using NatsSharp.IntegrationTests.Chaos;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.NatsNetSuite;

/// <summary>
/// NATS.Net's NatsConnectionTest.ReconnectSingleTest and ConnectionRetryTest: subscriptions come back after the
/// server restarts on the same port, and a client that runs out of retries reports it.
/// </summary>
public class ReconnectTests
{
    [Fact]
    public async Task Subscription_comes_back_after_the_server_restarts()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection subs = await BothServers.ConnectReconnectingAsync(node.Url);
            await using NatsConnection pub = await BothServers.ConnectReconnectingAsync(node.Url);
            int disconnects = 0;
            subs.ConnectionDisconnected += (_, _) => { Interlocked.Increment(ref disconnects); return default; };
            pub.ConnectionDisconnected += (_, _) => { Interlocked.Increment(ref disconnects); return default; };
            await using INatsSub<int> sub = await subs.SubscribeCoreAsync<int>("restart.me");
            await subs.PingAsync();
            var got = new List<int>();
            for (int v = 100; v <= 300; v += 100)
            {
                await pub.PublishAsync("restart.me", v);
            }

            for (int i = 0; i < 3; i++)
            {
                got.Add((await BothServers.NextAsync(sub)).Data);
            }

            await BothServers.RestartAsync(node);
            await Eventually.TrueAsync(() => Volatile.Read(ref disconnects) >= 2, "both clients saw the disconnect", TimeSpan.FromSeconds(20));
            await BothServers.OpenAsync(subs, "subscriber reconnected");
            await BothServers.OpenAsync(pub, "publisher reconnected");
            await subs.PingAsync(); // the re-sent SUB is in

            for (int v = 400; v <= 500; v += 100)
            {
                await pub.PublishAsync("restart.me", v);
            }

            for (int i = 0; i < 2; i++)
            {
                got.Add((await BothServers.NextAsync(sub)).Data);
            }

            Assert.Equal([100, 200, 300, 400, 500], got);
            return string.Join(",", got);
        });
    }

    [Fact]
    public async Task Client_reports_max_retries_when_the_server_stays_down()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection c = await BothServers.ConnectAsync(node.Url, o => o with
            {
                MaxReconnectRetry = 2,
                ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
                ReconnectWaitMax = TimeSpan.Zero,
            });
            int failed = 0;
            c.ReconnectFailed += (_, _) => { Interlocked.Increment(ref failed); return default; };
            await c.PingAsync();

            await node.KillAsync();
            await Eventually.TrueAsync(() => Volatile.Read(ref failed) > 0, "ReconnectFailed", TimeSpan.FromSeconds(20));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Exception e = await Assert.ThrowsAnyAsync<Exception>(() => c.PingAsync(cts.Token).AsTask());
            Assert.IsAssignableFrom<NatsException>(e);
            return BothServers.Describe(e);
        });
    }
}
