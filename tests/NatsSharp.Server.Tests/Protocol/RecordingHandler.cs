using System.Text;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Tests.Protocol;

/// <summary>Records every operation the parser hands over, as readable strings.</summary>
internal sealed class RecordingHandler : IProtocolHandler
{
    public List<string> Ops { get; } = [];

    public List<string> Traced { get; } = [];

    /// <summary>Make the handler refuse (return false) on the Nth call, 1-based.</summary>
    public int StopAt { get; set; }

    private bool Record(string op)
    {
        Ops.Add(op);
        return StopAt == 0 || Ops.Count != StopAt;
    }

    private static string S(ReadOnlySpan<byte> b) => Encoding.UTF8.GetString(b);

    public bool OnConnect(ReadOnlySpan<byte> json) => Record($"CONNECT {S(json)}");

    public bool OnInfo(ReadOnlySpan<byte> json) => Record($"INFO {S(json)}");

    public bool OnPublish(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message) =>
        Record(headerSize > 0
            ? $"HPUB {S(subject)}|{S(reply)}|{headerSize}|{S(message)}"
            : $"PUB {S(subject)}|{S(reply)}|{S(message)}");

    public bool OnSubscribe(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, ReadOnlySpan<byte> sid) =>
        Record($"SUB {S(subject)}|{S(queue)}|{S(sid)}");

    public bool OnUnsubscribe(ReadOnlySpan<byte> sid, long max) => Record($"UNSUB {S(sid)}|{max}");

    public bool OnPing() => Record("PING");

    public bool OnPong() => Record("PONG");

    public bool OnOk() => Record("+OK");

    public bool OnErr(ReadOnlySpan<byte> text) => Record($"-ERR {S(text)}");

    public void TraceIn(ReadOnlySpan<byte> line) => Traced.Add(S(line));
}
