using System.Diagnostics;

namespace NatsSharp.Load;

/// <summary>
/// Sends pre-built requests (a ring of PUB frames with a reply subject) keeping at most <c>window</c>
/// unanswered, and reads the replies inline on the same thread (no hand-off between threads inside a
/// round trip). Replies come back in order (a stream answers in order), so reply i times request i.
/// </summary>
internal sealed class RequestPipeline
{
    private const int MaxBatchBytes = 64 * 1024;

    private readonly NatsConnection _connection;
    private readonly byte[] _ring;
    private readonly int[] _offsets;
    private int _next;

    public RequestPipeline(NatsConnection connection, IReadOnlyList<byte[]> frames)
    {
        _connection = connection;
        _offsets = new int[frames.Count + 1];
        for (int i = 0; i < frames.Count; i++)
        {
            _offsets[i + 1] = _offsets[i] + frames[i].Length;
        }

        _ring = new byte[_offsets[frames.Count]];
        for (int i = 0; i < frames.Count; i++)
        {
            frames[i].CopyTo(_ring, _offsets[i]);
        }
    }

    /// <summary>
    /// Sends <paramref name="count"/> requests, at most <paramref name="window"/> unanswered; returns each
    /// one's round trip in Stopwatch ticks when <paramref name="timed"/>, else an empty array.
    /// </summary>
    public long[] Run(long count, long window, bool timed, Deadline deadline)
    {
        long[] latencies = timed ? new long[count] : [];
        long[] sentAt = new long[Math.Min(window, count)];
        long sent = 0;
        long baseReceived = _connection.Received;
        long answered = 0;
        while (answered < count)
        {
            // Fill the window, in batches of whole frames up to 64 KB per socket write.
            while (sent < count && sent - answered < window)
            {
                int k = (int)Math.Min(count - sent, window - (sent - answered));
                k = SendRing(k);
                long now = timed ? Stopwatch.GetTimestamp() : 0;
                for (int j = 0; j < k && timed; j++)
                {
                    sentAt[(sent + j) % sentAt.Length] = now;
                }

                sent += k;
            }

            if (!_connection.Pump())
            {
                throw new LoadException($"{_connection.Name}: connection closed after {answered} of {count} replies" +
                    (_connection.Error is null ? "" : ": " + _connection.Error));
            }

            long received = _connection.Received - baseReceived;
            if (timed && received > answered)
            {
                long now = Stopwatch.GetTimestamp();
                for (long j = answered; j < received && j < count; j++)
                {
                    latencies[j] = now - sentAt[j % sentAt.Length];
                }
            }

            answered = Math.Min(received, count);
            if (_connection.Error is { } error)
            {
                throw new LoadException($"{_connection.Name}: server error: {error}");
            }

            deadline.ThrowIfExpired($"replies ({answered} of {count})");
        }

        return latencies;
    }

    /// <summary>Sends up to <paramref name="k"/> frames of the ring in one write (no wrap, up to 64 KB); returns how many.</summary>
    private int SendRing(int k)
    {
        int count = _offsets.Length - 1;
        int n = Math.Min(k, count - _next);
        int from = _offsets[_next];
        int to = _offsets[_next + 1];
        int taken = 1;
        while (taken < n && _offsets[_next + taken + 1] - from <= MaxBatchBytes)
        {
            taken++;
            to = _offsets[_next + taken];
        }

        _connection.Send(_ring.AsSpan(from, to - from));
        _next = (_next + taken) % count;
        return taken;
    }
}
