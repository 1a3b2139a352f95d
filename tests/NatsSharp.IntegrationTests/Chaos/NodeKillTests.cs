using System.Diagnostics;
using NATS.Client.Core;
using Xunit.Abstractions;

namespace NatsSharp.IntegrationTests.Chaos;

/// <summary>
/// A 3-node cluster under load with clients on every node: one node SIGKILLed and restarted, twice
/// (route flapping). Subscribers on the surviving nodes lose nothing and see no duplicate, the
/// victim's client reconnects elsewhere, the mesh re-forms. Same setup on nats-server.
/// </summary>
public class NodeKillTests(ITestOutputHelper output)
{
    private const int Flaps = 2;
    private const int Capacity = 400_000;

    [Theory]
    [InlineData(ServerKind.NatsSharp)]
    [InlineData(ServerKind.NatsServer)]
    public async Task Sigkill_and_restart_under_load_loses_nothing_on_surviving_nodes(ServerKind kind)
    {
        await using ChaosCluster cluster = await ChaosCluster.StartAsync(kind);
        await cluster.WaitMeshAsync();
        await using NatsConnection pubA = await ChaosClients.ConnectAsync(cluster[0].Url, "pubA", reconnect: false);
        await using NatsConnection pubB = await ChaosClients.ConnectAsync(cluster[1].Url, "pubB", reconnect: false);
        await using NatsConnection subA = await ChaosClients.ConnectAsync(cluster[0].Url, "subA", reconnect: false);
        await using NatsConnection subB = await ChaosClients.ConnectAsync(cluster[1].Url, "subB", reconnect: false);
        await using NatsConnection victim = await ChaosClients.ConnectAsync(cluster[2].Url + "," + cluster[0].Url + "," + cluster[1].Url, "victim");
        var fromA = new SequenceLog(Capacity); // published on node 0, read on node 1
        var fromB = new SequenceLog(Capacity); // published on node 1, read on node 0
        var atVictim = new SequenceLog(Capacity);
        using var stop = new CancellationTokenSource();
        Task[] readers =
        [
            await ChaosClients.RecordAsync(subB, "load.a.>", fromA, stop.Token),
            await ChaosClients.RecordAsync(subA, "load.b.>", fromB, stop.Token),
            await ChaosClients.RecordAsync(victim, "load.a.>", atVictim, stop.Token),
        ];
        await ChaosClients.UntilDeliveredAsync(pubA, "load.a.probe", () => fromA.Probes > 0 && atVictim.Probes > 0);
        await ChaosClients.UntilDeliveredAsync(pubB, "load.b.probe", () => fromB.Probes > 0);

        using var publishing = new CancellationTokenSource();
        Task<int> publishA = PublishAsync(pubA, "load.a.data", publishing.Token);
        Task<int> publishB = PublishAsync(pubB, "load.b.data", publishing.Token);
        var reform = new List<double>();
        var up = new List<double>(); // start-up alone: exec -> client port accepting
        var rejoined = new List<double>(); // exec -> both survivors route to it again (the mesh as messages see it)
        for (int flap = 0; flap < Flaps; flap++)
        {
            await Infrastructure.Eventually.TrueAsync(() => fromA.Received > 2000 * (flap + 1), "load flowing", TimeSpan.FromSeconds(10));
            await cluster[2].KillAsync();
            await Infrastructure.Eventually.TrueAsync(async () => await cluster[0].RouteCountAsync() == 1 && await cluster[1].RouteCountAsync() == 1,
                "the survivors drop the dead route", TimeSpan.FromSeconds(15));
            int beforeRestart = atVictim.Received;
            var clock = Stopwatch.StartNew();
            await cluster[2].StartAsync();
            up.Add(clock.Elapsed.TotalMilliseconds);
            await Infrastructure.Eventually.TrueAsync(async () => await cluster[0].RouteCountAsync() == 2 && await cluster[1].RouteCountAsync() == 2,
                "the survivors route to the restarted node", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(5));
            rejoined.Add(clock.Elapsed.TotalMilliseconds);
            await cluster.WaitMeshAsync(TimeSpan.FromSeconds(30));
            reform.Add(clock.Elapsed.TotalMilliseconds);
            // The victim's client is back (on whichever node) and receiving.
            await Infrastructure.Eventually.TrueAsync(() => atVictim.Received > beforeRestart + 100, "the victim's client receiving again", TimeSpan.FromSeconds(15));
        }

        await publishing.CancelAsync();
        int publishedA = await publishA;
        int publishedB = await publishB;
        await Infrastructure.Eventually.ReachedAsync(() => Task.FromResult(fromA.Distinct >= publishedA && fromB.Distinct >= publishedB), TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        ChaosReport.Figure(output, "node-kill", kind, $"{Flaps} kills: restart exec -> full mesh {string.Join(" / ", reform.Select(ms => $"{ms:F0} ms"))} " +
            $"(exec -> client port accepting {string.Join(" / ", up.Select(ms => $"{ms:F0} ms"))}, " +
            $"-> the survivors routed to it {string.Join(" / ", rejoined.Select(ms => $"{ms:F0} ms"))}; full mesh includes the restarted node's monitoring port answering); " +
            $"received {fromA.Distinct}/{publishedA} and {fromB.Distinct}/{publishedB}, duplicates {fromA.Duplicates + fromB.Duplicates}");
        Assert.True(fromA.Distinct == publishedA, $"{kind} node0->node1: {fromA.Missing(publishedA)}");
        Assert.True(fromB.Distinct == publishedB, $"{kind} node1->node0: {fromB.Missing(publishedB)}");
        Assert.Equal(0, fromA.Duplicates + fromB.Duplicates);
    }

    /// <summary>Numbered messages at a steady pace until cancelled; returns how many went out.</summary>
    internal static async Task<int> PublishAsync(NatsConnection publisher, string subject, CancellationToken stop)
    {
        int i = 0;
        while (!stop.IsCancellationRequested && i < Capacity - 100)
        {
            for (int n = 0; n < 100; n++)
            {
                await publisher.PublishAsync(subject, i++, cancellationToken: CancellationToken.None); // a message is sent whole or not counted
            }

            await publisher.PingAsync(CancellationToken.None);
            await Task.Delay(10, CancellationToken.None); // pacing, ~5k msgs/s
        }

        return i;
    }
}
