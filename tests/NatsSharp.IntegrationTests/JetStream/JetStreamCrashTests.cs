using System.Collections.Concurrent;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// Nothing acknowledged is lost: the natssharp daemon (file store) is killed with SIGKILL while a
/// publisher waits for acks, restarted on the same store directory, and every acknowledged message
/// must be there, in order, under the sequence its ack gave; a durable consumer resumes from its ack floor.
/// </summary>
public sealed class JetStreamCrashTests
{
    private const int Rounds = 3;

    [Fact]
    public async Task Acknowledged_messages_and_consumer_acks_survive_sigkill()
    {
        string store = Directory.CreateTempSubdirectory("natssharp-js-crash-").FullName;
        var acked = new SortedDictionary<ulong, string>(); // stream sequence → payload, over all rounds
        ulong consumerFloor = 0;
        int seed = Environment.TickCount;
        var random = new Random(seed);
        try
        {
            for (int round = 0; round < Rounds; round++)
            {
                await using (DaemonProcess daemon = StartDaemon(store, out string portsDir))
                {
                    int port = await daemon.ClientPortAsync(portsDir, TimeSpan.FromSeconds(20));
                    await using NatsConnection nats = await NatsNetClient.ConnectAsync($"nats://127.0.0.1:{port}");
                    var js = new NatsJSContext(nats);
                    if (round == 0)
                    {
                        await js.CreateStreamAsync(new StreamConfig("CRASH", ["crash.>"]) { Storage = StreamConfigStorage.File });
                        await js.CreateOrUpdateConsumerAsync("CRASH", new ConsumerConfig("worker") { AckPolicy = ConsumerConfigAckPolicy.Explicit });
                    }
                    else
                    {
                        await AssertEverythingAcknowledgedIsThereAsync(js, acked, consumerFloor, $"round {round}, seed {seed}");
                    }

                    // The consumer acknowledges the next 20 and we wait until the server shows it.
                    consumerFloor = await AckNextAsync(js, 20, consumerFloor);

                    // Publish with acks until a random moment, then SIGKILL in the middle of it.
                    var inFlight = new ConcurrentDictionary<ulong, string>();
                    using var stop = new CancellationTokenSource();
                    Task publisher = PublishUntilKilledAsync(js, round, inFlight, stop.Token);
                    await Eventually.TrueAsync(() => inFlight.Count >= 100, "100 acknowledged publishes", TimeSpan.FromSeconds(30));
                    await Task.Delay(random.Next(0, 300)); // a random moment, not a synchronization
                    daemon.Signal(9);
                    await daemon.WaitForExitAsync(TimeSpan.FromSeconds(10));
                    await stop.CancelAsync();
                    await publisher;
                    foreach ((ulong seq, string payload) in inFlight)
                    {
                        acked[seq] = payload;
                    }
                }
            }

            await using DaemonProcess last = StartDaemon(store, out string lastPorts);
            int lastPort = await last.ClientPortAsync(lastPorts, TimeSpan.FromSeconds(20));
            await using NatsConnection check = await NatsNetClient.ConnectAsync($"nats://127.0.0.1:{lastPort}");
            await AssertEverythingAcknowledgedIsThereAsync(new NatsJSContext(check), acked, consumerFloor, $"after the last kill, seed {seed}");
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    private static DaemonProcess StartDaemon(string store, out string portsDir)
    {
        portsDir = Directory.CreateTempSubdirectory("natssharp-js-ports-").FullName;
        return DaemonProcess.Start("-a", "127.0.0.1", "-p", "-1", "-js", "-sd", store, "--ports_file_dir", portsDir);
    }

    /// <summary>Publishes numbered messages one ack at a time; stops when the server goes away or at cancellation.</summary>
    private static async Task PublishUntilKilledAsync(NatsJSContext js, int round, ConcurrentDictionary<ulong, string> acked, CancellationToken stop)
    {
        for (int i = 0; i < 1_000_000 && !stop.IsCancellationRequested; i++)
        {
            string payload = $"r{round}-m{i}";
            try
            {
                PubAckResponse ack = await js.PublishAsync($"crash.{i % 7}", payload, cancellationToken: stop);
                ack.EnsureSuccess();
                acked[ack.Seq] = payload;
            }
            catch (Exception) when (stop.IsCancellationRequested || !acked.IsEmpty)
            {
                return; // the server was killed: this publish has no ack and need not survive
            }
        }
    }

    /// <summary>Fetches and acknowledges <paramref name="count"/> messages, then waits until the consumer's ack floor shows them.</summary>
    private static async Task<ulong> AckNextAsync(NatsJSContext js, int count, ulong floor)
    {
        INatsJSConsumer consumer = await js.GetConsumerAsync("CRASH", "worker");
        ulong last = floor;
        await foreach (NatsJSMsg<string> msg in consumer.FetchAsync<string>(new NatsJSFetchOpts { MaxMsgs = count, Expires = TimeSpan.FromSeconds(2) }))
        {
            last = msg.Metadata!.Value.Sequence.Stream;
            await msg.AckAsync();
        }

        await Eventually.TrueAsync(async () =>
        {
            await consumer.RefreshAsync();
            return consumer.Info.AckFloor.StreamSeq == last;
        }, $"the ack floor at {last}");
        return last;
    }

    private static async Task AssertEverythingAcknowledgedIsThereAsync(NatsJSContext js, SortedDictionary<ulong, string> acked, ulong consumerFloor, string when)
    {
        INatsJSStream stream = await js.GetStreamAsync("CRASH");
        ulong lastSeq = stream.Info.State.LastSeq;
        Assert.True(acked.Count == 0 || lastSeq >= acked.Keys.Max(), $"{when}: last sequence {lastSeq} is below an acknowledged one");

        // Read the whole stream in order with a throwaway consumer.
        string name = "check" + Guid.NewGuid().ToString("N")[..8];
        INatsJSConsumer reader = await js.CreateOrUpdateConsumerAsync("CRASH", new ConsumerConfig(name) { AckPolicy = ConsumerConfigAckPolicy.None });
        var found = new Dictionary<ulong, string>();
        ulong expected = 1;
        for (int batch = 0; batch < 200 && expected <= lastSeq; batch++)
        {
            await foreach (NatsJSMsg<string> msg in reader.FetchAsync<string>(new NatsJSFetchOpts { MaxMsgs = 500, Expires = TimeSpan.FromSeconds(2) }))
            {
                ulong seq = msg.Metadata!.Value.Sequence.Stream;
                Assert.True(seq == expected, $"{when}: sequence {seq} where {expected} was next (out of order or a gap)");
                found[seq] = msg.Data!;
                expected++;
            }
        }

        await js.DeleteConsumerAsync("CRASH", name);
        foreach ((ulong seq, string payload) in acked)
        {
            Assert.True(found.TryGetValue(seq, out string? stored), $"{when}: acknowledged sequence {seq} is missing");
            Assert.Equal(payload, stored);
        }

        INatsJSConsumer worker = await js.GetConsumerAsync("CRASH", "worker");
        Assert.True(worker.Info.AckFloor.StreamSeq >= consumerFloor, $"{when}: the consumer's ack floor went back from {consumerFloor} to {worker.Info.AckFloor.StreamSeq}");
    }
}
