using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Connections;

/// <summary>
/// A client connection as the parser's handler, passed by value: the parser's generic code is then
/// compiled for this struct, with direct (inlined) calls, instead of the code shared by every class
/// handler that reaches each operation through an interface call and a generic lookup (two per message).
/// </summary>
internal readonly struct ClientProtocolHandler(ClientConnection client) : IProtocolHandler
{
    public bool OnConnect(ReadOnlySpan<byte> json) => client.OnConnect(json);

    public bool OnInfo(ReadOnlySpan<byte> json) => client.OnInfo(json);

    public bool OnPublish(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message) =>
        client.OnPublish(subject, reply, headerSize, message);

    public bool OnPublishLine(ReadOnlySpan<byte> subject) => client.OnPublishLine(subject);

    public bool OnSubscribe(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, ReadOnlySpan<byte> sid) =>
        client.OnSubscribe(subject, queue, sid);

    public bool OnUnsubscribe(ReadOnlySpan<byte> sid, long max) => client.OnUnsubscribe(sid, max);

    public bool OnPing() => client.OnPing();

    public bool OnPong() => client.OnPong();

    public bool OnOk() => client.OnOk();

    public bool OnErr(ReadOnlySpan<byte> text) => client.OnErr(text);

    public void TraceIn(ReadOnlySpan<byte> line) => client.TraceIn(line);
}
