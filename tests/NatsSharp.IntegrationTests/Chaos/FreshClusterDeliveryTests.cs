using System.Diagnostics;
using NATS.Client.Core;
using Xunit.Abstractions;

namespace NatsSharp.IntegrationTests.Chaos;

/// <summary>
/// Issue 16: in a freshly formed 3-node cluster a subscriber lost a run of messages ~0.4 s after
/// publishing began, because a node replaced a route already carrying them with a newer duplicate.
/// nats-server keeps the route in use; a route carrying messages must never be dropped with
/// messages in flight. Several fresh clusters, each counted message by message, on both servers.
/// </summary>
public class FreshClusterDeliveryTests(ITestOutputHelper output)
{
    private const int Clusters = 4;
    private const int Messages = 12_000;

    [Theory]
    [InlineData(ServerKind.NatsSharp)]
    [InlineData(ServerKind.NatsServer)]
    public async Task A_fresh_cluster_delivers_every_message_while_its_routes_settle(ServerKind kind)
    {
        for (int run = 0; run < Clusters; run++)
        {
            await using ChaosCluster cluster = await ChaosCluster.StartAsync(kind);
            var clock = Stopwatch.StartNew();
            // Clients come as soon as the nodes listen: the routes are still forming (and duplicates resolving).
            await using NatsConnection subscriber = await ChaosClients.ConnectAsync(cluster[2].Url, "sub", reconnect: false);
            await using NatsConnection publisher = await ChaosClients.ConnectAsync(cluster[1].Url, "pub", reconnect: false);
            var log = new SequenceLog(Messages);
            using var stop = new CancellationTokenSource();
            Task reading = await ChaosClients.RecordAsync(subscriber, "fresh.>", log, stop.Token);
            await ChaosClients.UntilDeliveredAsync(publisher, "fresh.probe", () => log.Probes > 0);
            TimeSpan firstDelivery = clock.Elapsed;

            // ~1.5 s of steady publishing, the window in which the duplicates used to be swapped.
            for (int i = 0; i < Messages; i++)
            {
                await publisher.PublishAsync("fresh.data", i);
                if (i % 200 == 199)
                {
                    await publisher.PingAsync();
                    await Task.Delay(20); // pacing, not synchronization
                }
            }

            await publisher.PingAsync();
            bool all = await Infrastructure.Eventually.ReachedAsync(() => Task.FromResult(log.Distinct == Messages), TimeSpan.FromSeconds(10));
            await stop.CancelAsync();
            await reading;
            ChaosReport.Figure(output, "fresh-cluster", kind, $"run {run}: first delivery {firstDelivery.TotalMilliseconds:F0} ms, received {log.Distinct}/{Messages}, duplicates {log.Duplicates}");
            Assert.True(all, $"{kind} run {run}: {log.Missing(Messages)}\n{string.Join("\n---\n", cluster.Nodes.Select(n => n.Log))}");
            Assert.Equal(0, log.Duplicates);
        }
    }
}
