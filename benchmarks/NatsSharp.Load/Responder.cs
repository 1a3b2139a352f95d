using System.Buffers;
using System.Globalization;
using System.Text;

namespace NatsSharp.Load;

/// <summary>Answers every request on its reader thread with a fixed payload, batching replies per socket read.</summary>
internal sealed class Responder : IMessageSink
{
    private readonly byte[] _payloadAndTail;
    private readonly byte[] _sizeToken;
    private readonly ArrayBufferWriter<byte> _out = new(64 * 1024);

    public Responder(int size)
    {
        byte[] payload = Publisher.CreatePayload(size);
        _payloadAndTail = [.. payload, (byte)'\r', (byte)'\n'];
        _sizeToken = Encoding.ASCII.GetBytes(" " + size.ToString(CultureInfo.InvariantCulture) + "\r\n");
    }

    public long Replies { get; private set; }

    public bool WantsMessages => true;

    public void OnMessage(NatsConnection connection, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply)
    {
        if (reply.IsEmpty)
        {
            return;
        }

        _out.Write("PUB "u8);
        _out.Write(reply);
        _out.Write(_sizeToken);
        _out.Write(_payloadAndTail);
        Replies++;
    }

    public void OnDelivered(NatsConnection connection, long count)
    {
        if (_out.WrittenCount > 0)
        {
            connection.Send(_out.WrittenSpan);
            _out.ResetWrittenCount();
        }
    }

    public void OnClosed(NatsConnection connection)
    {
    }
}
