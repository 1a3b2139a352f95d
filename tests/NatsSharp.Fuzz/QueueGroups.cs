using System.Text;

namespace NatsSharp.Fuzz;

/// <summary>
/// The queue groups a client stream forms on its own connection. With two members of one group
/// there, each server picks one at random for a message (nats-server: <c>rand.Intn</c> in its
/// queue pick), so a delivery to a member is compared as a delivery to its group: the sid of a
/// MSG/HMSG to a member becomes the group's name. How many deliveries a group got, and to which
/// group, is still compared: a message delivered twice, or to a sid outside the group, diverges.
/// Only sids the server must have subscribed with that subject and queue are grouped: a member of
/// a clean <c>SUB subject queue sid</c> line, the sid used by no other SUB line and by no UNSUB,
/// the line within the profile's <c>max_subscriptions</c>. Anything less certain is left alone
/// (a random pick then shows as before, never a real difference hidden).
/// </summary>
public sealed class QueueGroups
{
    private static readonly char[] Blanks = [' ', '\t', '\r'];
    private readonly Dictionary<string, string> _groupOf;

    private QueueGroups(Dictionary<string, string> groupOf) => _groupOf = groupOf;

    /// <summary>Each grouped sid and the name of its group (groups of two members or more).</summary>
    public IReadOnlyDictionary<string, string> GroupOf => _groupOf;

    public static QueueGroups Of(FuzzStream stream) =>
        stream.Port == FuzzPort.Client ? Of(stream.Bytes, stream.Profile.MaxSubscriptions) : new QueueGroups([]);

    /// <summary>The groups of a client stream as the player writes it (its PING after the last byte).</summary>
    public static QueueGroups Of(byte[] bytes, int maxSubscriptions)
    {
        // Latin-1 keeps one char per byte, as FrameReader reads the replies.
        string[] lines = (Encoding.Latin1.GetString(bytes) + "PING\r\n").Split('\n');
        var members = new Dictionary<string, (string Subject, string Queue)?>(StringComparer.Ordinal);
        var uncertain = new HashSet<string>(StringComparer.Ordinal);
        int subLines = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
            string[] tokens = line.Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0)
            {
                continue;
            }

            bool sub = tokens[0].Equals("SUB", StringComparison.OrdinalIgnoreCase);
            if (!sub && !tokens[0].Equals("UNSUB", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            subLines += sub ? 1 : 0;
            bool clean = sub && tokens.Length == 4 && !line.Contains('\r', StringComparison.Ordinal)
                && (maxSubscriptions <= 0 || subLines <= maxSubscriptions);
            if (clean)
            {
                (string, string) key = (tokens[1], tokens[2]);
                members[tokens[3]] = members.TryGetValue(tokens[3], out var seen) && seen != key ? null : key;
                continue;
            }

            // An UNSUB, a plain SUB, a SUB the server may refuse or read otherwise: its sids stay apart.
            uncertain.UnionWith(tokens.Skip(1));
            if (tokens.Length == 1 && i + 1 < lines.Length)
            {
                // An LF right after the verb's blanks: the arguments are on the next line.
                uncertain.UnionWith(lines[i + 1].Split(Blanks, StringSplitOptions.RemoveEmptyEntries));
            }
        }

        var groupOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in members
            .Where(m => m.Value is not null && !uncertain.Contains(m.Key))
            .GroupBy(m => m.Value!.Value)
            .Where(g => g.Count() > 1))
        {
            foreach (var member in group)
            {
                groupOf[member.Key] = $"<queue {group.Key.Subject} {group.Key.Queue}>";
            }
        }

        return new QueueGroups(groupOf);
    }

    /// <summary>The frames with the sid of each MSG/HMSG to a grouped sid replaced by its group's name.</summary>
    public List<string> Normalize(IEnumerable<string> frames)
    {
        var result = new List<string>();
        foreach (string frame in frames)
        {
            result.Add(_groupOf.Count > 0 && (frame.StartsWith("MSG ", StringComparison.Ordinal) || frame.StartsWith("HMSG ", StringComparison.Ordinal))
                ? WithGroup(frame)
                : frame);
        }

        return result;
    }

    private string WithGroup(string frame)
    {
        // A server writes MSG <subject> <sid> … with single blanks.
        int subject = frame.IndexOf(' ', StringComparison.Ordinal) + 1;
        int sid = frame.IndexOf(' ', subject) + 1;
        int end = sid == 0 ? -1 : frame.IndexOf(' ', sid);
        return end > sid && _groupOf.TryGetValue(frame[sid..end], out string? group)
            ? string.Concat(frame.AsSpan(0, sid), group, frame.AsSpan(end))
            : frame;
    }
}
