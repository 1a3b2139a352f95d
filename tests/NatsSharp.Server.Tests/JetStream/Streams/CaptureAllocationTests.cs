using System.Diagnostics;
using System.Text;
using NatsSharp.Server.Connections;
using NatsSharp.Server.JetStream;
using NatsSharp.Server.JetStream.Streams;
using NatsSharp.Server.Tests.Connections;

namespace NatsSharp.Server.Tests.JetStream.Streams;

/// <summary>
/// Issue 15 item 7: a publish captured by a stream allocates nothing on the publisher's thread once warm.
/// The stream loop returns the capture buffers on its own thread, so this holds only when the capture's
/// pool keeps a whole window of them (the shared pool's per-thread caches do not).
/// </summary>
public sealed class CaptureAllocationTests : IDisposable
{
    private const int PerBatch = 100;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "natssharp-capture-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("file")]
    public async Task Capturing_a_publish_allocates_nothing_on_the_publishers_thread(string storage)
    {
        await using var server = new NatsServer(new ServerOptions
        {
            Host = "127.0.0.1",
            Port = ServerOptions.RandomPort,
            JetStream = new JetStreamOptions { StoreDir = _dir },
        });
        await server.StartAsync();
        ClientConnection publisher = InProcessClient.Connect(server, 1);
        string create = $"{{\"name\":\"S\",\"subjects\":[\"js.>\"],\"storage\":\"{storage}\"}}";
        publisher.OnSubscribe("created"u8, default, "1"u8);
        InProcessClient.Publish(publisher, Encoding.ASCII.GetBytes($"PUB $JS.API.STREAM.CREATE.S created {create.Length}\r\n{create}\r\n"));
        WaitFor(() => publisher.DiscardPendingOutbound() > 0 ? publisher : null); // answered after the stream started
        JsStream stream = server.JetStream!.Accounts.Select(a => a.Find("S")).Single(s => s is not null)!;

        string payload = new('x', 1024);
        byte[] batch = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat($"PUB js.a 1024\r\n{payload}\r\n", PerBatch)));
        ulong stored = 0;
        for (int i = 0; i < 5; i++)
        {
            // Warm up the parser and the subject string.
            InProcessClient.Publish(publisher, batch);
            stored += PerBatch;
            WaitStored(stream, stored);
        }

        // Stock the pool as deep as a measured batch can reach: the pool keeps what was ever in flight at
        // once, and a loop that keeps pace during warm-up leaves it shallower than a loop that lags (a busy
        // host, file storage) in a measured batch. With the stream's lock held the loop waits, so two whole
        // batches are in flight (a batch plus buffers of the one before that the loop has not yet returned).
        lock (stream.Lock)
        {
            InProcessClient.Publish(publisher, batch);
            InProcessClient.Publish(publisher, batch);
        }

        stored += 2 * PerBatch;
        WaitStored(stream, stored);

        long allocated = 0;
        for (int i = 0; i < 20; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            InProcessClient.Publish(publisher, batch);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            stored += PerBatch;
            WaitStored(stream, stored); // every buffer back in the pool before the next batch
        }

        Assert.Equal(0, allocated);
    }

    private static void WaitStored(JsStream stream, ulong count) =>
        WaitFor(() =>
        {
            lock (stream.Lock)
            {
                return stream.Store.State.LastSequence >= count ? stream : null;
            }
        });

    private static T WaitFor<T>(Func<T?> probe)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (probe() is { } found)
            {
                return found;
            }

            Thread.Sleep(5);
        }

        throw new TimeoutException("the stream did not get there within 30 s");
    }
}
