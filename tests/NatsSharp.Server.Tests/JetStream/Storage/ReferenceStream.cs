namespace NatsSharp.Server.Tests.JetStream.Storage;

/// <summary>
/// The simplest possible stream: a sorted map of sequence → message, with nats-server's limit
/// rules applied by brute force. The property tests compare a store with it step by step.
/// </summary>
internal sealed class ReferenceStream(Func<string, int, int, ulong> size)
{
    public SortedDictionary<ulong, (string Subject, byte[] Header, byte[] Data, long Ts)> Messages { get; } = [];

    public ulong Last { get; private set; }

    public long MaxMsgs { get; set; } = -1;

    public long MaxBytes { get; set; } = -1;

    public long MaxPerSubject { get; set; } = -1;

    public TimeSpan MaxAge { get; set; }

    public ulong First => Messages.Count == 0 ? Last + 1 : Messages.Keys.First();

    public ulong Bytes => Messages.Values.Aggregate(0UL, (sum, m) => sum + Size(m.Subject, m.Header, m.Data));

    public ulong Size(string subject, byte[] header, byte[] data) => size(subject, header.Length, data.Length);

    public ulong Append(string subject, byte[] header, byte[] data, long ts)
    {
        ulong seq = ++Last;
        Messages[seq] = (subject, header, data, ts);
        if (MaxPerSubject > 0)
        {
            TrimSubject(subject);
        }

        TrimSize();
        return seq;
    }

    public void SkipTo(ulong seq) => Last = Math.Max(Last, seq);

    public bool Remove(ulong seq) => Messages.Remove(seq);

    public ulong Purge(string? subject, ulong upTo, ulong keep)
    {
        bool all = string.IsNullOrEmpty(subject) || subject == ">";
        if (all && keep == 0 && (upTo == 0 || upTo > Last))
        {
            ulong count = (ulong)Messages.Count;
            Messages.Clear();
            if (upTo > Last + 1)
            {
                Last = upTo - 1;
            }

            return count;
        }

        var candidates = Messages.Where(m => (upTo == 0 || m.Key < upTo) && (all || Matches(m.Value.Subject, subject!))).Select(m => m.Key).ToList();
        int remove = keep >= (ulong)candidates.Count ? 0 : candidates.Count - (int)keep;
        foreach (ulong seq in candidates.Take(remove))
        {
            Messages.Remove(seq);
        }

        return (ulong)remove;
    }

    public ulong Expire(long nowNs)
    {
        if (MaxAge <= TimeSpan.Zero)
        {
            return 0;
        }

        long cutoff = nowNs - MaxAge.Ticks * 100;
        ulong removed = 0;
        while (Messages.Count > 0 && Messages.First().Value.Ts <= cutoff)
        {
            Messages.Remove(Messages.Keys.First());
            removed++;
        }

        return removed;
    }

    public void ApplyLimits()
    {
        TrimSize();
        if (MaxPerSubject > 0)
        {
            foreach (string subject in Messages.Values.Select(m => m.Subject).Distinct().ToList())
            {
                TrimSubject(subject);
            }
        }
    }

    public Dictionary<string, ulong> SubjectTotals(string filter) =>
        Messages.Values.Where(m => Matches(m.Subject, filter)).GroupBy(m => m.Subject).ToDictionary(g => g.Key, g => (ulong)g.Count());

    public ulong? Next(string filter, ulong start) =>
        Messages.Where(m => m.Key >= start && Matches(m.Value.Subject, filter)).Select(m => (ulong?)m.Key).FirstOrDefault();

    public ulong? LastOf(string filter) =>
        Messages.Where(m => Matches(m.Value.Subject, filter)).Select(m => (ulong?)m.Key).LastOrDefault();

    public ulong NumPending(ulong start, string filter, bool lastPerSubject)
    {
        var matching = Messages.Where(m => m.Key >= start && Matches(m.Value.Subject, filter));
        if (!lastPerSubject)
        {
            return (ulong)matching.Count();
        }

        // Subjects whose last message is at or after start.
        return (ulong)Messages.Where(m => Matches(m.Value.Subject, filter)).GroupBy(m => m.Value.Subject).Count(g => g.Max(m => m.Key) >= start);
    }

    public static bool Matches(string subject, string filter)
    {
        if (string.IsNullOrEmpty(filter) || filter == ">")
        {
            return true;
        }

        string[] s = subject.Split('.');
        string[] f = filter.Split('.');
        for (int i = 0; i < f.Length; i++)
        {
            if (f[i] == ">")
            {
                return s.Length > i;
            }

            if (i >= s.Length || (f[i] != "*" && f[i] != s[i]))
            {
                return false;
            }
        }

        return s.Length == f.Length;
    }

    private void TrimSubject(string subject)
    {
        var seqs = Messages.Where(m => m.Value.Subject == subject).Select(m => m.Key).ToList();
        for (int i = 0; i < seqs.Count - MaxPerSubject; i++)
        {
            Messages.Remove(seqs[i]);
        }
    }

    private void TrimSize()
    {
        while (Messages.Count > 0 && ((MaxMsgs > 0 && Messages.Count > MaxMsgs) || (MaxBytes > 0 && Bytes > (ulong)MaxBytes)))
        {
            Messages.Remove(Messages.Keys.First());
        }
    }
}
