using System.Diagnostics;
using System.Text;

namespace NatsSharp.Load;

/// <summary>
/// JetStream scenarios over the raw protocol (file storage): publish with acks, pull-consumer fetch,
/// KV put and KV get. The client does no per-message work beyond counting replies, so the numbers are
/// the server's. Setup goes through <see cref="JsAdmin"/> and is not timed.
/// </summary>
internal static class JsScenario
{
    public const string Stream = "NATSLOAD";
    public const string Bucket = "natsload";
    private const string Consumer = "natsload";

    public static RunResult Run(Options o, Deadline deadline)
    {
        NatsUrl url = NatsUrl.Parse(o.Url);
        using var admin = new JsAdmin(url, deadline);
        NatsConnection connection = NatsConnection.Connect(url, "natsload-js", deadline);
        try
        {
            ScenarioChecks.CheckPayload(o, connection);
            string inbox = "_INBOX.natsload." + Guid.NewGuid().ToString("N");
            connection.Send(Encoding.ASCII.GetBytes($"SUB {inbox} 1\r\n"));
            connection.Flush(deadline);
            byte[] payload = Publisher.CreatePayload(o.Size);
            long window = o.Window > 0 ? o.Window : 1000;
            return o.Scenario switch
            {
                Scenario.JsPub => Publish(o, admin, connection, inbox, payload, window, deadline),
                Scenario.JsFetch => Fetch(o, admin, connection, inbox, payload, deadline),
                Scenario.KvPut => KvPut(o, admin, connection, inbox, payload, window, deadline),
                _ => KvGet(o, admin, connection, inbox, payload, window, deadline),
            };
        }
        finally
        {
            connection.Dispose();
        }
    }

    private static RunResult Publish(Options o, JsAdmin admin, NatsConnection c, string inbox, byte[] payload, long window, Deadline deadline)
    {
        CreateStream(admin, o.Subject);
        var pipeline = new RequestPipeline(c, Frames(256, _ => Publisher.BuildPub(o.Subject, inbox, payload)));
        long start = Stopwatch.GetTimestamp();
        long[] latencies = pipeline.Run(o.Msgs, window, timed: true, deadline);
        double elapsed = Seconds(start);
        CheckStored(admin, o.Msgs);
        return Result(o, c, elapsed, o.Msgs, LatencyStats.FromTicks(latencies));
    }

    private static RunResult Fetch(Options o, JsAdmin admin, NatsConnection c, string inbox, byte[] payload, Deadline deadline)
    {
        CreateStream(admin, o.Subject);
        new RequestPipeline(c, Frames(256, _ => Publisher.BuildPub(o.Subject, inbox, payload))).Run(o.Msgs, 1000, timed: false, deadline);
        CheckStored(admin, o.Msgs);
        admin.RequestOk($"$JS.API.CONSUMER.DURABLE.CREATE.{Stream}.{Consumer}",
            $"{{\"stream_name\":\"{Stream}\",\"config\":{{\"durable_name\":\"{Consumer}\",\"deliver_policy\":\"all\",\"ack_policy\":\"explicit\",\"ack_wait\":60000000000,\"max_ack_pending\":1000000}}}}");

        var sink = new FetchSink(Stream, Consumer, inbox, o.Batch, o.Msgs);
        c.Sink = sink;
        long start = Stopwatch.GetTimestamp();
        sink.Start(c);
        while (sink.Fetched < o.Msgs)
        {
            if (!c.Pump())
            {
                throw new LoadException($"connection closed after fetching {sink.Fetched} of {o.Msgs}" + (c.Error is null ? "" : ": " + c.Error));
            }

            if (c.Error is { } error)
            {
                throw new LoadException("server error: " + error);
            }

            deadline.ThrowIfExpired($"fetched messages ({sink.Fetched} of {o.Msgs})");
        }

        double elapsed = Seconds(start);
        c.Flush(deadline); // the last acks reached the server
        return Result(o, c, elapsed, o.Msgs, null);
    }

    private static RunResult KvPut(Options o, JsAdmin admin, NatsConnection c, string inbox, byte[] payload, long window, Deadline deadline)
    {
        CreateBucket(admin);
        var pipeline = new RequestPipeline(c, Frames(o.Subjects, i => Publisher.BuildPub(Key(i), inbox, payload)));
        long start = Stopwatch.GetTimestamp();
        long[] latencies = pipeline.Run(o.Msgs, window, timed: true, deadline);
        double elapsed = Seconds(start);
        return Result(o, c, elapsed, o.Msgs, LatencyStats.FromTicks(latencies));
    }

    private static RunResult KvGet(Options o, JsAdmin admin, NatsConnection c, string inbox, byte[] payload, long window, Deadline deadline)
    {
        CreateBucket(admin);
        new RequestPipeline(c, Frames(o.Subjects, i => Publisher.BuildPub(Key(i), inbox, payload))).Run(o.Subjects, window, timed: false, deadline);
        string first = admin.Request($"$JS.API.DIRECT.GET.KV_{Bucket}.{Key(0)}", "");
        if (first.Length != o.Size)
        {
            throw new LoadException($"direct get of {Key(0)} returned {first.Length} bytes, expected {o.Size}: {first[..Math.Min(first.Length, 200)]}");
        }

        var pipeline = new RequestPipeline(c, Frames(o.Subjects, i => Publisher.BuildPub($"$JS.API.DIRECT.GET.KV_{Bucket}.{Key(i)}", inbox, [])));
        long start = Stopwatch.GetTimestamp();
        long[] latencies = pipeline.Run(o.Msgs, window, timed: true, deadline);
        double elapsed = Seconds(start);
        return Result(o, c, elapsed, o.Msgs, LatencyStats.FromTicks(latencies));
    }

    private static string Key(int i) => $"$KV.{Bucket}.k{i}";

    private static List<byte[]> Frames(int count, Func<int, byte[]> build)
    {
        var frames = new List<byte[]>(count);
        for (int i = 0; i < count; i++)
        {
            frames.Add(build(i));
        }

        return frames;
    }

    private static void CreateStream(JsAdmin admin, string subject)
    {
        admin.Request($"$JS.API.STREAM.DELETE.{Stream}", "");
        admin.RequestOk($"$JS.API.STREAM.CREATE.{Stream}",
            $"{{\"name\":\"{Stream}\",\"subjects\":[\"{subject}\"],\"retention\":\"limits\",\"storage\":\"file\",\"num_replicas\":1}}");
    }

    /// <summary>The stream NATS.Net's CreateStoreAsync makes for a bucket (history 1, direct get on).</summary>
    private static void CreateBucket(JsAdmin admin)
    {
        admin.Request($"$JS.API.STREAM.DELETE.KV_{Bucket}", "");
        admin.RequestOk($"$JS.API.STREAM.CREATE.KV_{Bucket}",
            $"{{\"name\":\"KV_{Bucket}\",\"subjects\":[\"$KV.{Bucket}.>\"],\"retention\":\"limits\",\"max_msgs_per_subject\":1,\"discard\":\"new\"," +
            "\"storage\":\"file\",\"num_replicas\":1,\"duplicate_window\":120000000000,\"allow_rollup_hdrs\":true,\"deny_delete\":true,\"allow_direct\":true}");
    }

    private static void CheckStored(JsAdmin admin, long expected)
    {
        string info = admin.RequestOk($"$JS.API.STREAM.INFO.{Stream}", "");
        long stored = JsAdmin.Field(info, "messages");
        if (stored != expected)
        {
            throw new LoadException($"stream holds {stored} messages, expected {expected}");
        }
    }

    private static double Seconds(long start) => (double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency;

    private static RunResult Result(Options o, NatsConnection c, double elapsed, long count, LatencyStats? latency) => new()
    {
        Options = o,
        ServerName = c.Info.ServerName,
        ServerVersion = c.Info.Version,
        ElapsedSeconds = elapsed,
        MsgsPerSec = count / elapsed,
        PubMsgsPerSec = count / elapsed,
        Published = count,
        Expected = count,
        Delivered = count,
        Latency = latency,
    };
}
