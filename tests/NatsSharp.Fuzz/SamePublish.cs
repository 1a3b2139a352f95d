namespace NatsSharp.Fuzz;

/// <summary>
/// The order in which one connection's several matching subscriptions (<c>*</c> and <c>&gt;</c>,
/// say) get the same published message is not compared: nats-server matches in its sublist's order,
/// but a cached match result keeps the order of the inserts since it was cached, and which results
/// stay cached depends on its random sweeps once the cache holds over 1,024 subjects (849580). So a
/// run of adjacent MSG/HMSG frames that differ in their sid only (same subject, reply, sizes and
/// payload: one publish) is compared as a multiset of sids. Frames of different publishes (another
/// subject, reply or payload, or anything between them) keep their order; how many frames each sid
/// got is still compared, so a double delivery or a delivery to another sid still diverges.
/// Adjacent publishes identical in every byte cannot be told apart: their frames form one run.
/// </summary>
public static class SamePublish
{
    /// <summary>The frames with each run of one publish's frames sorted.</summary>
    public static List<string> Normalize(IEnumerable<string> frames)
    {
        var result = new List<string>(frames);
        for (int start = 0; start < result.Count; start++)
        {
            string? key = Key(result[start]);
            int end = start + 1;
            while (key is not null && end < result.Count && Key(result[end]) == key)
            {
                end++;
            }

            if (end - start > 1)
            {
                result.Sort(start, end - start, StringComparer.Ordinal);
            }

            start = end - 1;
        }

        return result;
    }

    /// <summary>
    /// A MSG/HMSG frame without its sid (a server writes <c>MSG subject sid …</c> with single blanks;
    /// <see cref="QueueGroups"/> puts a <c>&lt;queue subject name&gt;</c> there); null for any other frame.
    /// </summary>
    private static string? Key(string frame)
    {
        if (!frame.StartsWith("MSG ", StringComparison.Ordinal) && !frame.StartsWith("HMSG ", StringComparison.Ordinal))
        {
            return null;
        }

        int subject = frame.IndexOf(' ', StringComparison.Ordinal) + 1;
        int sid = frame.IndexOf(' ', subject) + 1;
        int end = sid == 0 || sid >= frame.Length ? -1 : frame[sid] == '<' ? frame.IndexOf("> ", sid, StringComparison.Ordinal) + 1 : frame.IndexOf(' ', sid);
        return end <= 0 ? null : string.Concat(frame.AsSpan(0, sid), frame.AsSpan(end));
    }
}
