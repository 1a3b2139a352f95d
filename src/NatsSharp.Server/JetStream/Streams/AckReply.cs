using System.Globalization;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>
/// What a consumer's ack reply subject tells (nats-server 2.9.10's replyInfo):
/// <c>$JS.ACK.&lt;stream&gt;.&lt;consumer&gt;.&lt;delivered&gt;.&lt;sseq&gt;.&lt;dseq&gt;.&lt;ts&gt;.&lt;pending&gt;</c>.
/// </summary>
internal readonly record struct AckReply(string Consumer, ulong Delivered, ulong StreamSequence, ulong ConsumerSequence, long TimestampNs, ulong Pending)
{
    public static AckReply? Parse(string? reply)
    {
        if (reply is null || !reply.StartsWith("$JS.ACK.", StringComparison.Ordinal))
        {
            return null;
        }

        string[] t = reply.Split('.');
        return t.Length == 9
            && ulong.TryParse(t[4], NumberStyles.None, CultureInfo.InvariantCulture, out ulong dc)
            && ulong.TryParse(t[5], NumberStyles.None, CultureInfo.InvariantCulture, out ulong sseq)
            && ulong.TryParse(t[6], NumberStyles.None, CultureInfo.InvariantCulture, out ulong dseq)
            && long.TryParse(t[7], NumberStyles.None, CultureInfo.InvariantCulture, out long ts)
            && ulong.TryParse(t[8], NumberStyles.None, CultureInfo.InvariantCulture, out ulong pending)
            ? new AckReply(t[3], dc, sseq, dseq, ts, pending)
            : null;
    }
}
