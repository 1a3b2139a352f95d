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
