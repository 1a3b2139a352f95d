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
    private readonly byte[] _batch;
    private readonly int _messageLength;
    private readonly int _perBatch;

    public Publisher(NatsConnection connection, string subject, int size, long window)
    {
        _connection = connection;
        byte[] message = BuildPub(subject, null, CreatePayload(size));
        _messageLength = message.Length;
        _perBatch = (int)Math.Clamp(Math.Min(BatchBytes / message.Length, window), 1, int.MaxValue);
        _batch = new byte[_perBatch * message.Length];
        for (int i = 0; i < _perBatch; i++)
        {
            message.CopyTo(_batch, i * message.Length);
        }
    }

    /// <summary>Bytes one PUB occupies on the wire.</summary>
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
    /// Publishes <paramref name="count"/> messages. With a tracker, never lets more than <paramref name="window"/>
    /// messages be published-but-not-received, so the server's per-client pending buffers cannot overflow.
    /// </summary>
    public void Run(long count, DeliveryTracker? tracker, long window, Deadline deadline, TimeSpan idle)
    {
        long sent = 0;
        long sincePing = 0;
        while (sent < count)
        {
            int k = (int)Math.Min(_perBatch, count - sent);
            if (tracker is not null && sent + k - tracker.Acknowledged > window)
            {
                tracker.WaitForAcknowledged(sent + k - window, deadline, idle);
            }

            _connection.Send(_batch.AsSpan(0, k * _messageLength));
            sent += k;
            Sent = sent;
            sincePing += (long)k * _messageLength;
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
}
