using System.Buffers;
using System.Text;

namespace NatsSharp.Load;

/// <summary>
/// Pull consumer on the reading thread: acks each message (batched per socket read) and keeps two pull
/// requests of <c>batch</c> in flight, so the server never waits for the client between batches.
/// </summary>
internal sealed class FetchSink : IMessageSink
{
    private readonly ArrayBufferWriter<byte> _out = new(64 * 1024);
    private readonly byte[] _pull;
    private readonly long _target;
    private readonly int _batch;

    public FetchSink(string stream, string consumer, string inbox, int batch, long target)
    {
        _batch = batch;
        _target = target;
        string body = $"{{\"batch\":{batch}}}";
        _pull = Encoding.ASCII.GetBytes($"PUB $JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer} {inbox} {body.Length}\r\n{body}\r\n");
    }

    /// <summary>Messages received with an ack subject (status messages are not counted).</summary>
    public long Fetched { get; private set; }

    public long Requested { get; private set; }

    public bool WantsMessages => true;

    /// <summary>The first two pull requests; later ones follow as batches complete.</summary>
    public void Start(NatsConnection connection)
    {
        RequestMore();
        RequestMore();
        Flush(connection);
    }

    public void OnMessage(NatsConnection connection, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply)
    {
        if (!reply.StartsWith("$JS.ACK."u8))
        {
            return;
        }

        Fetched++;
        _out.Write("PUB "u8);
        _out.Write(reply);
        _out.Write(" 0\r\n\r\n"u8);
    }

    public void OnDelivered(NatsConnection connection, long count)
    {
        // One batch left in flight: ask for the next.
        while (Requested < _target && Requested - Fetched <= _batch)
        {
            RequestMore();
        }

        Flush(connection);
    }

    public void OnClosed(NatsConnection connection)
    {
    }

    private void RequestMore()
    {
        if (Requested < _target)
        {
            _out.Write(_pull);
            Requested += _batch;
        }
    }

    private void Flush(NatsConnection connection)
    {
        if (_out.WrittenCount > 0)
        {
            connection.Send(_out.WrittenSpan);
            _out.ResetWrittenCount();
        }
    }
}
