using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Connections;

/// <summary>
/// A route or leafnode connection as the parser's handler, passed by value, as <see cref="ClientProtocolHandler"/> is for a
/// client: the parser is compiled for this struct, so each operation is a direct call (a virtual one for those the route and
/// the leaf implement each), not the code shared by class handlers (an interface call and a generic lookup per operation).
/// </summary>
internal readonly struct PeerProtocolHandler(PeerConnection peer) : IProtocolHandler
{
    public bool OnConnect(ReadOnlySpan<byte> json) => peer.OnConnect(json);

    public bool OnInfo(ReadOnlySpan<byte> json) => peer.OnInfo(json);

    public bool OnPublish(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message) =>
        peer.OnPublish(subject, reply, headerSize, message);

    public bool OnSubscribe(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, ReadOnlySpan<byte> sid) => true; // parsed as nats-server does, otherwise ignored

    public bool OnUnsubscribe(ReadOnlySpan<byte> sid, long max) => true;

    public bool OnPing() => peer.OnPing();

    public bool OnPong() => peer.OnPong();

    public bool OnOk() => true;

    public bool OnErr(ReadOnlySpan<byte> text) => peer.OnErr(text);

    public void TraceIn(ReadOnlySpan<byte> line) => peer.TraceIn(line);

    public bool OnRemoteSubscribe(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, int weight) =>
        peer.OnRemoteSubscribe(account, subject, queue, weight);

    public bool OnRemoteUnsubscribe(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue) =>
        peer.OnRemoteUnsubscribe(account, subject, queue);

    public bool OnRoutedMessage(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, ReadOnlySpan<byte> queues, int headerSize, ReadOnlySpan<byte> message) =>
        peer.OnRoutedMessage(account, subject, reply, queues, headerSize, message);
}
