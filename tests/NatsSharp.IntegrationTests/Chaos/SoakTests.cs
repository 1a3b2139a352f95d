using System.Diagnostics;
using NATS.Client.Core;
using Xunit.Abstractions;

namespace NatsSharp.IntegrationTests.Chaos;

/// <summary>
/// A soak: steady fan-out load plus connection churn while RSS is sampled every half second; no
/// loss, and no upward slope once warm. 20 s in the suite; NATSSHARP_SOAK_SECONDS=180 for the long run.
/// </summary>
public class SoakTests(ITestOutputHelper output)
{
    private const int Capacity = 1_000_000;

    // NatsSharp gives memory back on the first quiet 5 s tick after a burst (IdleTrim): up to 10 s.
    private static readonly TimeSpan AfterLoad = TimeSpan.FromSeconds(12);

    [Theory]
    [InlineData(ServerKind.NatsSharp)]
    [InlineData(ServerKind.NatsServer)]
    public async Task Steady_load_with_churn_does_not_grow_memory(ServerKind kind)
    {
        int seconds = int.TryParse(Environment.GetEnvironmentVariable("NATSSHARP_SOAK_SECONDS"), out int s) && s > 0 ? s : 20;
        await using var node = new ChaosNode(kind, "soak", []);
        await node.StartAsync();
        await using NatsConnection publisher = await ChaosClients.ConnectAsync(node.Url, "pub", reconnect: false);
        var subscribers = new List<NatsConnection>();
        var logs = new List<SequenceLog>();
        using var stop = new CancellationTokenSource();
        var readers = new List<Task>();
        for (int i = 0; i < 4; i++)
        {
            NatsConnection sub = await ChaosClients.ConnectAsync(node.Url, $"sub{i}", reconnect: false);
            subscribers.Add(sub);
            var log = new SequenceLog(Capacity);
            logs.Add(log);
            readers.Add(await ChaosClients.RecordAsync(sub, "soak", log, stop.Token));
        }

        using var load = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        Task<int> publishing = NodeKillTests.PublishAsync(publisher, "soak", load.Token);
        Task<int> churning = ChurnAsync(node.Url, load.Token);
        var samples = new List<(double Seconds, double Mb)>();
        var clock = Stopwatch.StartNew();
        while (!load.IsCancellationRequested)
        {
            samples.Add((clock.Elapsed.TotalSeconds, node.RssBytes() / 1048576.0));
            try
            {
                await Task.Delay(500, load.Token); // the sampling period
            }
            catch (OperationCanceledException)
            {
            }
        }

        int published = await publishing;
        int churned = await churning;
        await Infrastructure.Eventually.ReachedAsync(() => Task.FromResult(logs.All(l => l.Distinct >= published)), TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        foreach (NatsConnection sub in subscribers)
        {
            await sub.DisposeAsync();
        }

        await publisher.DisposeAsync();
        double afterLoad = await RssAfterLoadAsync(node);

        // Warm-up is the first third; the slope is a least-squares fit over the rest.
        var warm = samples.Where(p => p.Seconds >= seconds / 3.0).ToList();
        double slope = Slope(warm) * 60;
        double peak = samples.Max(p => p.Mb);
        ChaosReport.Figure(output, "soak", kind, $"{seconds} s, {published} msgs x 4 subscribers, {churned} churned connections: " +
            $"RSS start {samples[0].Mb:F0} MB, at 1/3 {warm[0].Mb:F0} MB, end {samples[^1].Mb:F0} MB, peak {peak:F0} MB, slope after warm-up {slope:F1} MB/min, " +
            $"{AfterLoad.TotalSeconds:F0} s after the load stopped {afterLoad:F0} MB");
        Assert.All(logs, l => Assert.Equal(published, l.Distinct));
        Assert.All(logs, l => Assert.Equal(0, l.Duplicates));
        if (seconds >= 120)
        {
            Assert.True(slope <= 0.5, $"{kind}: RSS grows {slope:F2} MB/min after warm-up");
        }
        else
        {
            // Too short for a fine slope: only a runaway (tens of MB beyond the warm level) fails it.
            Assert.True(samples[^1].Mb <= warm[0].Mb + 48, $"{kind}: RSS {warm[0].Mb:F0} -> {samples[^1].Mb:F0} MB");
        }
    }

    /// <summary>
    /// RSS once the load is gone (every client closed): the lowest of samples taken over
    /// <see cref="AfterLoad"/>, so memory given back shows however the server times it.
    /// </summary>
    private static async Task<double> RssAfterLoadAsync(ChaosNode node)
    {
        double lowest = double.MaxValue;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < AfterLoad)
        {
            lowest = Math.Min(lowest, node.RssBytes() / 1048576.0);
            await Task.Delay(500); // the sampling period
        }

        return lowest;
    }

    /// <summary>Connections that come, subscribe, ping and go, in a loop; returns how many.</summary>
    private static async Task<int> ChurnAsync(string url, CancellationToken stop)
    {
        int n = 0;
        while (!stop.IsCancellationRequested)
        {
            await using NatsConnection c = await ChaosClients.ConnectAsync(url, "churn", reconnect: false);
            await using (INatsSub<int> sub = await c.SubscribeCoreAsync<int>($"churn.{n % 50}", cancellationToken: CancellationToken.None))
            {
                await c.PingAsync(CancellationToken.None);
            }

            n++;
        }

        return n;
    }

    private static double Slope(List<(double X, double Y)> points)
    {
        if (points.Count < 2)
        {
            return 0;
        }

        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double num = points.Sum(p => (p.X - mx) * (p.Y - my)), den = points.Sum(p => (p.X - mx) * (p.X - mx));
        return den == 0 ? 0 : num / den;
    }
}
