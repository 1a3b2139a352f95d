using System.Diagnostics;
using System.Text;

namespace NatsSharp.Load;

/// <summary>
/// Publishes N identical messages as fast as the server takes them. All messages are the same bytes, so one
/// pre-built batch of back-to-back PUBs is sent over and over: the client does no per-message work at all.
/// </summary>
internal sealed class Publisher
{
    private const int BatchBytes = 128 * 1024;

    // Pipelined PINGs keep at most a few MB in front of the server without a stop-and-wait stall.
    private const long PingIntervalBytes = 2 * 1024 * 1024;
    private const long MaxPingsInFlight = 2;

    private readonly NatsConnection _connection;
    private readonly byte[] _ring;
    private readonly int[] _offsets;
    private readonly int _messageLength;
    private readonly int _perBatch;
    private int _next;

    public Publisher(NatsConnection connection, string subject, int size, long window, int subjects = 1)
    {
        _connection = connection;
        byte[] payload = CreatePayload(size);
        byte[] message = BuildPub(SubjectName(subject, subjects, 0), null, payload);
        _messageLength = message.Length;
        _perBatch = (int)Math.Clamp(Math.Min(BatchBytes / message.Length, window), 1, int.MaxValue);

        // A ring of messages sent over and over: the same message, or one per subject in turn.
        int count = subjects == 1 ? _perBatch : subjects * (int)Math.Ceiling((double)_perBatch / subjects);
        var messages = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            messages[i] = subjects == 1 ? message : BuildPub(SubjectName(subject, subjects, i % subjects), null, payload);
        }

        _offsets = new int[count + 1];
        for (int i = 0; i < count; i++)
        {
            _offsets[i + 1] = _offsets[i] + messages[i].Length;
        }

        _ring = new byte[_offsets[count]];
        for (int i = 0; i < count; i++)
        {
            messages[i].CopyTo(_ring, _offsets[i]);
        }
    }

    /// <summary>The i-th subject of a run over <paramref name="subjects"/> subjects.</summary>
    public static string SubjectName(string subject, int subjects, int i) => subjects == 1 ? subject : $"{subject}.{i}";

    /// <summary>Bytes one PUB occupies on the wire (to the first subject).</summary>
    public int MessageLength => _messageLength;

    /// <summary>Messages handed to the socket so far.</summary>
    public long Sent { get; private set; }

    /// <summary>Stopwatch timestamp when the last PUB was handed to the socket.</summary>
    public long WrittenAt { get; private set; }

    /// <summary>Stopwatch timestamp when the server acknowledged (PONG) having processed every PUB.</summary>
    public long FlushedAt { get; private set; }

    public static byte[] CreatePayload(int size)
    {
        var payload = new byte[size];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)('a' + (i % 26));
        }

        return payload;
    }

    public static byte[] BuildPub(string subject, string? reply, ReadOnlySpan<byte> payload)
    {
        string head = reply is null ? $"PUB {subject} {payload.Length}\r\n" : $"PUB {subject} {reply} {payload.Length}\r\n";
        var message = new byte[Encoding.ASCII.GetByteCount(head) + payload.Length + 2];
        int n = Encoding.ASCII.GetBytes(head, message);
        payload.CopyTo(message.AsSpan(n));
        message[^2] = (byte)'\r';
        message[^1] = (byte)'\n';
        return message;
    }

    /// <summary>
    /// Publishes <paramref name="msgs"/> split over <paramref name="publishers"/>, each on a thread of its own, all released
    /// together. Returns the timestamp of that release; <paramref name="error"/> is the first publisher's failure, if any.
    /// Throws <see cref="LoadException"/> when one is still running <paramref name="grace"/> after the deadline (a grace lets
    /// a publisher report its own, more specific timeout first).
    /// </summary>
    public static long RunAll(Publisher[] publishers, long msgs, DeliveryTracker? tracker, long window, Deadline deadline, TimeSpan idle, TimeSpan grace, out Exception? error)
    {
        var errors = new Exception?[publishers.Length];
        using var go = new ManualResetEventSlim(false);
        var threads = new Thread[publishers.Length];
        for (int i = 0; i < publishers.Length; i++)
        {
            int index = i;
            long count = (msgs / publishers.Length) + (i < msgs % publishers.Length ? 1 : 0);
            threads[i] = new Thread(() =>
            {
                try
                {
                    go.Wait();
                    publishers[index].Run(count, tracker, window, deadline, idle);
                }
                catch (Exception ex)
                {
                    errors[index] = ex;
                }
            })
            { IsBackground = true, Name = $"natsload-pub-{i + 1}" };
            threads[i].Start();
        }

        long start = Stopwatch.GetTimestamp();
        go.Set();
        foreach (Thread t in threads)
        {
            if (!t.Join(deadline.Remaining + grace))
            {
                throw new LoadException("timed out waiting for the publishers");
            }
        }

        error = errors.FirstOrDefault(e => e is not null);
        return start;
    }

    /// <summary>
    /// Publishes <paramref name="count"/> messages. With a tracker, never lets more than <paramref name="window"/>
    /// messages be published-but-not-received, so the server's per-client pending buffers cannot overflow.
    /// Several publishers may share one tracker; the window then bounds their sum.
    /// </summary>
    public void Run(long count, DeliveryTracker? tracker, long window, Deadline deadline, TimeSpan idle)
    {
        long sent = 0;
        long sincePing = 0;
        while (sent < count)
        {
            int k = (int)Math.Min(_perBatch, count - sent);
            if (tracker is not null)
            {
                // Counted over every publisher sharing the tracker (fanin), so together they keep the window.
                long published = tracker.Reserve(k);
                if (published - tracker.Acknowledged > window)
                {
                    tracker.WaitForAcknowledged(published - window, deadline, idle);
                }
            }

            sincePing += SendRing(k);
            sent += k;
            Sent = sent;
            if (sincePing >= PingIntervalBytes)
            {
                sincePing = 0;
                long pings = _connection.SendPing();
                if (pings - MaxPingsInFlight > _connection.Pongs)
                {
                    _connection.WaitForPongs(pings - MaxPingsInFlight, deadline);
                }

                deadline.ThrowIfExpired("the publisher to finish");
            }
        }

        WrittenAt = Stopwatch.GetTimestamp();
        _connection.Flush(deadline);
        FlushedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Sends the next <paramref name="k"/> messages of the ring; returns the bytes sent.</summary>
    private int SendRing(int k)
    {
        int count = _offsets.Length - 1;
        int bytes = 0;
        while (k > 0)
        {
            int n = Math.Min(k, count - _next);
            int from = _offsets[_next], to = _offsets[_next + n];
            _connection.Send(_ring.AsSpan(from, to - from));
            bytes += to - from;
            _next = (_next + n) % count;
            k -= n;
        }

        return bytes;
    }
}
