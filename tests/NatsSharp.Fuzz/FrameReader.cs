using System.Globalization;
using System.Text;

namespace NatsSharp.Fuzz;

/// <summary>
/// Cuts what a server sent into protocol frames and normalizes what differs by nature: an INFO
/// becomes <c>INFO</c> (ids, ports, versions), a server PING is dropped (its timing is the
/// server's own), a CONNECT a route sends becomes <c>CONNECT</c>. Message payloads stay exact.
/// </summary>
public sealed class FrameReader
{
    private const string InvalidPublishSubject = "-ERR 'Invalid Publish Subject'";
    private readonly List<byte> _pending = [];

    public List<string> Frames { get; } = [];

    /// <summary>How many server PINGs came (they are not among the frames).</summary>
    public int Pings { get; private set; }

    /// <summary>
    /// The frames with each run of interest announcements (RS+, LS+) sorted: a server sends its
    /// subscriptions in its own map order.
    /// </summary>
    public List<string> Normalized()
    {
        var result = new List<string>(Frames.Count);
        foreach (string frame in Frames)
        {
            // nats-server repeats the pedantic -ERR when a read ends inside that PUB's payload
            // (clonePubArg): how often depends on read boundaries, not on the stream.
            if (frame == InvalidPublishSubject && result.Count > 0 && result[^1] == InvalidPublishSubject)
            {
                continue;
            }

            result.Add(frame);
        }

        for (int start = 0; start < result.Count; start++)
        {
            int end = start;
            while (end < result.Count && (result[end].StartsWith("RS+ ", StringComparison.Ordinal) || result[end].StartsWith("LS+ ", StringComparison.Ordinal)))
            {
                end++;
            }

            if (end - start > 1)
            {
                result.Sort(start, end - start, StringComparer.Ordinal);
            }

            start = end;
        }

        return result;
    }

    public void Add(ReadOnlySpan<byte> data)
    {
        _pending.AddRange(data);
        while (TryTake(out string? frame))
        {
            if (frame is not null)
            {
                Frames.Add(frame);
            }
        }
    }

    /// <summary>Whatever is left that is not a whole frame (a close mid-frame).</summary>
    public string? Rest => _pending.Count == 0 ? null : "PARTIAL " + FuzzStream.Escape(_pending.ToArray());

    private bool TryTake(out string? frame)
    {
        frame = null;
        int eol = -1;
        for (int i = 0; i + 1 < _pending.Count; i++)
        {
            if (_pending[i] == '\r' && _pending[i + 1] == '\n')
            {
                eol = i;
                break;
            }
        }

        if (eol < 0)
        {
            return false;
        }

        string line = Encoding.Latin1.GetString(_pending.GetRange(0, eol).ToArray());
        string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string verb = parts.Length > 0 ? parts[0] : "";
        int consumed = eol + 2;
        if (verb is "MSG" or "RMSG" or "LMSG" or "HMSG" && parts.Length > 1
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out int size))
        {
            if (_pending.Count < consumed + size + 2)
            {
                return false;
            }

            line += " |" + FuzzStream.Escape(_pending.GetRange(consumed, size).ToArray()) + "|";
            consumed += size + 2;
        }

        _pending.RemoveRange(0, consumed);
        Pings += verb == "PING" ? 1 : 0;
        frame = verb switch
        {
            "PING" => null,
            "INFO" => "INFO",
            "CONNECT" => "CONNECT",
            "LS+" when parts.Length > 1 && parts[1].StartsWith("$LDS.", StringComparison.Ordinal) => "LS+ $LDS.<random>",
            _ => line,
        };
        return true;
    }
}
