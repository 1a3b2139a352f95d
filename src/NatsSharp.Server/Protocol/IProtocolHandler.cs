namespace NatsSharp.Server.Protocol;

/// <summary>
/// Receives the client protocol operations the parser recognises. Every span points into
/// the read buffer (or the parser's scratch copy) and is only valid during the call.
/// Returning false stops parsing: the handler has decided to close the connection.
/// </summary>
internal interface IProtocolHandler
{
    bool OnConnect(ReadOnlySpan<byte> json);
    bool OnInfo(ReadOnlySpan<byte> json);

    /// <summary>PUB (headerSize 0) or HPUB: <paramref name="message"/> is headers followed by payload.</summary>
    bool OnPublish(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message);

    /// <summary>
    /// A PUB or HPUB control line is complete, its payload not yet read: called once, before
    /// <see cref="OnPublish"/>. nats-server checks the subject here (pedantic), so its -ERR is sent
    /// even when the payload never comes or ends badly.
    /// </summary>
    bool OnPublishLine(ReadOnlySpan<byte> subject) => true;

    bool OnSubscribe(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, ReadOnlySpan<byte> sid);

    /// <summary><paramref name="max"/> is -1 when UNSUB carried no max.</summary>
    bool OnUnsubscribe(ReadOnlySpan<byte> sid, long max);

    bool OnPing();
    bool OnPong();
    bool OnOk();
    bool OnErr(ReadOnlySpan<byte> text);

    /// <summary>Called with each control line before it is handled, only while tracing.</summary>
    void TraceIn(ReadOnlySpan<byte> line);
}
