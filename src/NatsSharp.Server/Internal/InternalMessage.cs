namespace NatsSharp.Server.Internal;

/// <summary>
/// A message for one of the server's own subscriptions, as the publisher's read loop sees it: the
/// spans are only valid during the handler call. Copy what must outlive it (<see cref="ToReceived"/>).
/// </summary>
internal readonly ref struct InternalMessage
{
    public InternalMessage(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data)
    {
        Subject = subject;
        Reply = reply;
        Header = header;
        Data = data;
    }

    public ReadOnlySpan<byte> Subject { get; }

    public ReadOnlySpan<byte> Reply { get; }

    /// <summary>The NATS/1.0 header block, empty when the message has none.</summary>
    public ReadOnlySpan<byte> Header { get; }

    public ReadOnlySpan<byte> Data { get; }

    public ReceivedMessage ToReceived() => new(
        System.Text.Encoding.UTF8.GetString(Subject),
        Reply.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(Reply),
        Header.IsEmpty ? null : Header.ToArray(),
        Data.ToArray());
}

/// <summary>An owned copy of an <see cref="InternalMessage"/>, for handlers that queue their work.</summary>
internal sealed record ReceivedMessage(string Subject, string? Reply, byte[]? Header, byte[] Data);
