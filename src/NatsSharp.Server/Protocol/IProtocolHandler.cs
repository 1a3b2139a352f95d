namespace NatsSharp.Server.Protocol;

/// <summary>
/// Receives the protocol operations the parser recognises. Every span points into
/// the read buffer (or the parser's scratch copy) and is only valid during the call.
/// Returning false stops parsing: the handler has decided to close the connection.
/// </summary>
/// <remarks>
/// The connections pass a struct that wraps them (<c>ClientProtocolHandler</c>, <c>PeerProtocolHandler</c>): the
/// parser's generic code is then compiled for each, with direct calls, not shared code reaching every operation
/// through an interface call and a generic lookup. The route operations are here, not on a second interface, so the
/// parser calls them without a cast (a cast to an interface would box the struct).
/// </remarks>
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

    // The route and leafnode operations: the parser produces them only in RouteMode, so a client's handler never gets them.

    /// <summary>RS+ account subject [queue weight]; <paramref name="weight"/> is 0 for a plain subscription.</summary>
    bool OnRemoteSubscribe(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, int weight) => false;

    /// <summary>RS- account subject [queue].</summary>
    bool OnRemoteUnsubscribe(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue) => false;

    /// <summary>
    /// RMSG/HMSG: <paramref name="queues"/> holds the queue group names the sender picked us
    /// for (space separated, possibly empty); <paramref name="message"/> is headers + payload.
    /// </summary>
    bool OnRoutedMessage(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, ReadOnlySpan<byte> queues, int headerSize, ReadOnlySpan<byte> message) => false;
}
