using System.Buffers.Text;
using System.Text;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Connections;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>
/// The replies a stream's loop owes for one run of publishes (acks, errors, duplicates), held until the
/// run's appends are on the OS, then published in order straight from the loop. One buffer, reused:
/// queuing an ack allocates nothing.
/// </summary>
internal sealed class StreamReplies
{
    private readonly List<(int Start, int ReplyLength, int PayloadLength)> _items = [];
    private readonly byte[] _ackPrefix;
    private byte[] _buffer = new byte[16 * 1024];
    private int _used;

    /// <param name="ackPrefix">The PubAck JSON up to the sequence: <c>{"stream":"NAME",["domain":"D",]"seq":</c>.</param>
    public StreamReplies(byte[] ackPrefix) => _ackPrefix = ackPrefix;

    public int Count => _items.Count;

    public static byte[] AckPrefix(string stream, string? domain) =>
        Encoding.UTF8.GetBytes(domain is null ? $"{{\"stream\":\"{stream}\",\"seq\":" : $"{{\"stream\":\"{stream}\",\"domain\":\"{domain}\",\"seq\":");

    /// <summary>A PubAck for <paramref name="seq"/>, formatted in place.</summary>
    public void AddAck(ReadOnlySpan<byte> reply, ulong seq)
    {
        int start = BeginReply(reply, _ackPrefix.Length + 21);
        _ackPrefix.CopyTo(_buffer, _used);
        int length = _ackPrefix.Length;
        Utf8Formatter.TryFormat(seq, _buffer.AsSpan(_used + length), out int digits);
        length += digits;
        _buffer[_used + length++] = (byte)'}';
        End(start, length);
    }

    public void Add(ReadOnlySpan<byte> reply, ReadOnlySpan<byte> payload)
    {
        int start = BeginReply(reply, payload.Length);
        payload.CopyTo(_buffer.AsSpan(_used));
        End(start, payload.Length);
    }

    /// <summary>Publishes every queued reply in order, then forgets them.</summary>
    public void Send(DeliveryBatch batch, Account account)
    {
        foreach (var (start, replyLength, payloadLength) in _items)
        {
            batch.Publish(account, null, _buffer.AsSpan(start, replyLength), default, 0, _buffer.AsSpan(start + replyLength, payloadLength));
        }

        batch.End(0, 0);
        batch.ClearBacklogged(); // a stream never waits for a slow publisher; max_pending deals with it
        Clear();
    }

    public void Clear()
    {
        _items.Clear();
        _used = 0;
    }

    /// <summary>Copies the reply subject in and makes room for <paramref name="maxPayload"/> after it; returns where it starts.</summary>
    private int BeginReply(ReadOnlySpan<byte> reply, int maxPayload)
    {
        Ensure(reply.Length + maxPayload);
        int start = _used;
        reply.CopyTo(_buffer.AsSpan(start));
        _used += reply.Length;
        return start;
    }

    private void End(int start, int payloadLength)
    {
        _items.Add((start, _used - start, payloadLength));
        _used += payloadLength;
    }

    private void Ensure(int more)
    {
        if (_used + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _used + more));
        }
    }
}
