using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using NATS.Client.Core;
using Xunit.Abstractions;

namespace NatsSharp.IntegrationTests.Chaos;

/// <summary>
/// Issue 16 item 3, side by side with nats-server: a subscriber whose outbound fills toward
/// max_pending with a burst it will drain keeps its connection (NATS.Net's BufferReferenceTest
/// shape), and one stuck subscriber in a fan-out is cut while the fast ones get everything.
/// </summary>
public class BackPressureTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ServerKind.NatsSharp)]
    [InlineData(ServerKind.NatsServer)]
    public async Task A_burst_the_subscriber_drains_does_not_cost_it_its_connection(ServerKind kind)
    {
        const int count = 9000;
        const int size = 65 * 1024;
        await using ChaosNode node = await StartAsync(kind, "max_pending: 8388608\n"); // 8 MB: the burst is 585 MB
        await using NatsConnection nc = await ChaosClients.ConnectAsync(node.Url, "burst", reconnect: false);
        var log = new SequenceLog(count);
        using var stop = new CancellationTokenSource();
        Task reading = await ChaosClients.RecordBytesAsync(nc, "buf", log, stop.Token);

        var clock = Stopwatch.StartNew();
        byte[] payload = new byte[size];
        for (int i = 0; i < count && nc.ConnectionState == NatsConnectionState.Open; i++)
        {
            BitConverter.TryWriteBytes(payload, i);
            await nc.PublishAsync("buf", payload);
        }

        bool all = await Infrastructure.Eventually.ReachedAsync(() => Task.FromResult(log.Distinct == count || nc.ConnectionState != NatsConnectionState.Open), TimeSpan.FromSeconds(60));
        double elapsed = clock.Elapsed.TotalMilliseconds;
        await stop.CancelAsync();
        await reading;
        int slow = await SlowConsumersAsync(node);
        ChaosReport.Figure(output, "backpressure-burst", kind, $"{count} x 65 KB to itself, max_pending 8 MB: received {log.Distinct}/{count} in {elapsed:F0} ms, slow consumers cut {slow}");
        Assert.True(all && log.Distinct == count, $"{kind}: received {log.Distinct} of {count}, connection {nc.ConnectionState}");
        Assert.Equal(NatsConnectionState.Open, nc.ConnectionState);
        Assert.Equal(0, slow);
    }

    [Theory]
    [InlineData(ServerKind.NatsSharp)]
    [InlineData(ServerKind.NatsServer)]
    public async Task A_stuck_subscriber_is_cut_and_the_fast_ones_get_everything(ServerKind kind)
    {
        const int count = 4000;
        // 1 MB; the fan-out is 16 MB. write_deadline 2 s on both: nats-server holds the publisher on every
        // read until the stuck one is cut (by max_pending or the deadline); its default 10 s would outlast a command timeout.
        await using ChaosNode node = await StartAsync(kind, "max_pending: 1048576\nwrite_deadline: \"2s\"\n");
        using var stuck = new TcpClient { ReceiveBufferSize = 4096 };
        await stuck.ConnectAsync("127.0.0.1", node.ClientPort);
        await stuck.GetStream().WriteAsync("CONNECT {\"verbose\":false}\r\nSUB fan 1\r\nPING\r\n"u8.ToArray());
        // It reads nothing from here on; the PONG behind INFO is left in its buffer too.

        await using NatsConnection fast1 = await ChaosClients.ConnectAsync(node.Url, "fast1", reconnect: false);
        await using NatsConnection fast2 = await ChaosClients.ConnectAsync(node.Url, "fast2", reconnect: false);
        await using NatsConnection publisher = await ChaosClients.ConnectAsync(node.Url, "pub", reconnect: false);
        var logs = new[] { new SequenceLog(count), new SequenceLog(count) };
        using var stop = new CancellationTokenSource();
        Task[] readers =
        [
            await ChaosClients.RecordBytesAsync(fast1, "fan", logs[0], stop.Token),
            await ChaosClients.RecordBytesAsync(fast2, "fan", logs[1], stop.Token),
        ];
        await Infrastructure.Eventually.TrueAsync(async () => await SubscriptionsAsync(node) >= 3, "three subscribers at the server");

        var clock = Stopwatch.StartNew();
        byte[] payload = new byte[4096];
        for (int i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(payload, i);
            await publisher.PublishAsync("fan", payload);
        }

        await publisher.PingAsync();
        await Infrastructure.Eventually.ReachedAsync(() => Task.FromResult(logs.All(l => l.Distinct == count)), TimeSpan.FromSeconds(60));
        double elapsed = clock.Elapsed.TotalMilliseconds;
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        int slow = await SlowConsumersAsync(node);
        ChaosReport.Figure(output, "backpressure-fanout", kind, $"{count} x 4 KB to 2 fast + 1 stuck subscriber, max_pending 1 MB: " +
            $"fast received {logs[0].Distinct}/{logs[1].Distinct} in {elapsed:F0} ms, longest gap at a fast subscriber {logs.Max(l => l.MaxGap).TotalMilliseconds:F0} ms, slow consumers cut {slow}");
        Assert.All(logs, l => Assert.Equal(count, l.Distinct));
        Assert.Equal(1, slow);
    }

    /// <summary>
    /// A raw socket that drains with pauses longer than the drain wait's old bounds (reads 3 MB, then stops for
    /// 2.5 s, repeated), or slowly throughout (64 KB per ~10 ms), while another connection bursts 65 KB messages
    /// at it: held, not cut, it receives every one (nats-server holds the publisher up to 1 s per message).
    /// </summary>
    [Theory]
    [InlineData(ServerKind.NatsSharp, 2500, 3 * 1024 * 1024)]
    [InlineData(ServerKind.NatsServer, 2500, 3 * 1024 * 1024)]
    [InlineData(ServerKind.NatsSharp, 10, 64 * 1024)]
    [InlineData(ServerKind.NatsServer, 10, 64 * 1024)]
    public async Task A_reader_that_keeps_draining_with_pauses_is_not_cut(ServerKind kind, int pauseMs, int bytesBetweenPauses)
    {
        const int count = 200;
        const int size = 65 * 1024;
        await using ChaosNode node = await StartAsync(kind, "max_pending: 4194304\n"); // 4 MB; the burst is 13 MB
        using var reader = new TcpClient();
        await reader.ConnectAsync("127.0.0.1", node.ClientPort);
        NetworkStream stream = reader.GetStream();
        await stream.WriteAsync("CONNECT {\"verbose\":false}\r\nSUB bp 1\r\nPING\r\n"u8.ToArray());
        await ReadPastAsync(stream, "PONG\r\n"u8.ToArray()); // the SUB is at the server

        await using NatsConnection publisher = await ChaosClients.ConnectAsync(node.Url, "pub", reconnect: false);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        long frame = $"MSG bp 1 {size}\r\n".Length + size + 2;
        Task<long> draining = DrainWithPausesAsync(stream, frame * count, pauseMs, bytesBetweenPauses, stop.Token);

        var clock = Stopwatch.StartNew();
        byte[] payload = new byte[size];
        for (int i = 0; i < count && publisher.ConnectionState == NatsConnectionState.Open && !draining.IsCompleted; i++)
        {
            await publisher.PublishAsync("bp", payload, cancellationToken: stop.Token);
        }

        long received = await draining;
        double elapsed = clock.Elapsed.TotalMilliseconds;
        int slow = await SlowConsumersAsync(node);
        ChaosReport.Figure(output, "backpressure-pausing-reader", kind, $"{count} x 65 KB to a raw reader pausing {pauseMs} ms every {bytesBetweenPauses / 1024} KB, max_pending 4 MB: " +
            $"received {received / frame}/{count} in {elapsed:F0} ms, slow consumers cut {slow}");
        Assert.Equal(frame * count, received);
        Assert.Equal(0, slow);
    }

    /// <summary>Reads until <paramref name="marker"/> has gone by (bounded by the stream's read timeout).</summary>
    private static async Task ReadPastAsync(NetworkStream stream, byte[] marker)
    {
        var seen = new List<byte>();
        byte[] one = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (seen.Count < 64 * 1024)
        {
            if (await stream.ReadAsync(one, timeout.Token) == 0)
            {
                throw new IOException("closed before " + System.Text.Encoding.ASCII.GetString(marker));
            }

            seen.Add(one[0]);
            if (seen.Count >= marker.Length && seen[^marker.Length..].SequenceEqual(marker))
            {
                return;
            }
        }

        throw new IOException("no " + System.Text.Encoding.ASCII.GetString(marker));
    }

    /// <summary>
    /// Reads <paramref name="expected"/> bytes, stopping for <paramref name="pauseMs"/> after each
    /// <paramref name="bytesBetweenPauses"/> (a reader that is alive but slow or paused); returns what it read
    /// before the total, a close or the stop. (nats-server sends its first PING early: those 6 bytes count, the
    /// last frame's tail stays unread.) On a thread of its own, with blocking reads: a reader that waits for a
    /// thread-pool worker (the whole suite runs beside it) can miss the server's 250 ms first look for a reader,
    /// and is then rightly taken for stuck; the reader under test must be alive.
    /// </summary>
    private static Task<long> DrainWithPausesAsync(NetworkStream stream, long expected, int pauseMs, int bytesBetweenPauses, CancellationToken stop) =>
        Task.Factory.StartNew(
            () =>
            {
                byte[] buffer = new byte[64 * 1024];
                long total = 0;
                long sincePause = 0;
                using CancellationTokenRegistration bound = stop.Register(stream.Dispose); // the stop ends a read that waits
                try
                {
                    while (total < expected)
                    {
                        int n = stream.Read(buffer, 0, (int)Math.Min(Math.Min(buffer.Length, bytesBetweenPauses - sincePause), expected - total));
                        if (n == 0)
                        {
                            break; // cut
                        }

                        total += n;
                        sincePause += n;
                        if (sincePause >= bytesBetweenPauses)
                        {
                            sincePause = 0;
                            Thread.Sleep(pauseMs); // the reader's pause: the behaviour under test, not a synchronization
                        }
                    }
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException)
                {
                }

                return total;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    private static async Task<ChaosNode> StartAsync(ServerKind kind, string config)
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("backpressure-").FullName, "server.conf");
        await File.WriteAllTextAsync(file, config);
        var node = new ChaosNode(kind, "bp", [], "-c", file);
        await node.StartAsync();
        return node;
    }

    private static async Task<int> SlowConsumersAsync(ChaosNode node)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using JsonDocument doc = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{node.MonitorPort}/connz?state=closed"));
        return doc.RootElement.GetProperty("connections").EnumerateArray()
            .Count(c => c.TryGetProperty("reason", out JsonElement r) && r.GetString()!.StartsWith("Slow Consumer", StringComparison.Ordinal));
    }

    private static async Task<int> SubscriptionsAsync(ChaosNode node)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using JsonDocument doc = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{node.MonitorPort}/varz"));
        return doc.RootElement.GetProperty("subscriptions").GetInt32();
    }
}
